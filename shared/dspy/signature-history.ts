import { z } from 'zod';
import { IDENTIFIER_RE, type SignatureField, type SignatureSpec } from './signature';

export type FieldSide = 'input' | 'output';

export interface FieldRef {
  side: FieldSide;
  name: string;
  type: string;
}

/** How two versions of a task's signature differ in their fields; empty lists mean only wording changed. */
export interface FieldChanges {
  added: FieldRef[];
  removed: FieldRef[];
  retyped: (FieldRef & { from: string })[];
}

const fieldsOf = (spec: SignatureSpec, side: FieldSide): SignatureField[] => (side === 'input' ? spec.input_fields : spec.output_fields) ?? [];
const typeOf = (f: SignatureField) => f.type ?? 'string';

export function fieldChanges(before: SignatureSpec, after: SignatureSpec): FieldChanges {
  const out: FieldChanges = { added: [], removed: [], retyped: [] };
  for (const side of ['input', 'output'] as const) {
    const old = new Map(fieldsOf(before, side).map((f) => [f.name, f]));
    const now = new Map(fieldsOf(after, side).map((f) => [f.name, f]));
    for (const [name, f] of now) {
      const was = old.get(name);
      if (!was) out.added.push({ side, name, type: typeOf(f) });
      else if (typeOf(was) !== typeOf(f)) out.retyped.push({ side, name, type: typeOf(f), from: typeOf(was) });
    }
    for (const [name, f] of old) if (!now.has(name)) out.removed.push({ side, name, type: typeOf(f) });
  }
  return out;
}

export const isSchemaChange = (c: FieldChanges | null | undefined): boolean => Boolean(c && (c.added.length || c.removed.length || c.retyped.length));

/**
 * Why an example's stored fields do not fit a signature version (empty when they fit): a stored
 * field the signature does not declare, a declared input it lacks, or a declared output missing
 * from outputs that hold something.
 */
export function misfitReasons(spec: SignatureSpec, inputs: Record<string, unknown>, outputs: Record<string, unknown>): string[] {
  const reasons: string[] = [];
  const ins = fieldsOf(spec, 'input').map((f) => f.name);
  const outs = fieldsOf(spec, 'output').map((f) => f.name);
  for (const name of ins) if (!(name in inputs)) reasons.push(`no input ${name}`);
  for (const name of Object.keys(inputs)) if (!ins.includes(name)) reasons.push(`input ${name} is not in the signature`);
  if (Object.keys(outputs).length) for (const name of outs) if (!(name in outputs)) reasons.push(`no output ${name}`);
  for (const name of Object.keys(outputs)) if (!outs.includes(name)) reasons.push(`output ${name} is not in the signature`);
  return reasons;
}

/** A user's answer to a schema change: rename stored fields, give new inputs a value, drop removed fields. */
export const fieldMappingSchema = z.strictObject({
  renames: z
    .array(z.strictObject({ side: z.enum(['input', 'output']), from: z.string().regex(IDENTIFIER_RE, 'a field name'), to: z.string().regex(IDENTIFIER_RE, 'a field name') }))
    .default([])
    .describe('Stored fields renamed to the signature\'s new names.'),
  defaults: z.record(z.string().regex(IDENTIFIER_RE, 'a field name'), z.unknown()).default({}).describe('Values for input fields the stored examples lack.'),
  dropUnknown: z.boolean().default(true).describe('Remove stored fields the signature no longer declares.'),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** An example's fields after a mapping; only the signature's fields remain when dropUnknown is set. */
export function applyFieldMapping(
  spec: SignatureSpec,
  mapping: FieldMapping,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown>,
): { inputs: Record<string, unknown>; outputs: Record<string, unknown> } {
  const rename = (side: FieldSide, values: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) out[mapping.renames.find((r) => r.side === side && r.from === k)?.to ?? k] = v;
    return out;
  };
  const ins = rename('input', inputs);
  const outs = rename('output', outputs);
  for (const f of spec.input_fields ?? []) if (!(f.name in ins) && f.name in mapping.defaults) ins[f.name] = mapping.defaults[f.name];
  if (mapping.dropUnknown) {
    const keep = (side: FieldSide, values: Record<string, unknown>) => {
      const names = new Set(fieldsOf(spec, side).map((f) => f.name));
      return Object.fromEntries(Object.entries(values).filter(([k]) => names.has(k)));
    };
    return { inputs: keep('input', ins), outputs: keep('output', outs) };
  }
  return { inputs: ins, outputs: outs };
}

/** The mapping a schema change suggests: a removed and an added field of one side and type read as a rename. */
export function suggestedMapping(changes: FieldChanges): FieldMapping {
  const renames: FieldMapping['renames'] = [];
  for (const side of ['input', 'output'] as const) {
    const removed = changes.removed.filter((f) => f.side === side);
    const added = changes.added.filter((f) => f.side === side);
    if (removed.length === 1 && added.length === 1) renames.push({ side, from: removed[0].name, to: added[0].name });
  }
  return { renames, defaults: {}, dropUnknown: true };
}

/** "added input x; removed output y; output z: string -> integer". */
export function describeChanges(c: FieldChanges): string {
  return [
    ...c.added.map((f) => `added ${f.side} ${f.name}`),
    ...c.removed.map((f) => `removed ${f.side} ${f.name}`),
    ...c.retyped.map((f) => `${f.side} ${f.name}: ${f.from} -> ${f.type}`),
  ].join('; ');
}
