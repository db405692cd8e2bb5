import { z } from 'zod';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'] as const;
export const fieldTypeSchema = z.enum(FIELD_TYPES).describe('Value type of the field.');
export type FieldType = z.infer<typeof fieldTypeSchema>;

export const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const signatureFieldSchema = z.looseObject({
  name: z.string().describe('Field name: an identifier, unique within the signature.'),
  type: fieldTypeSchema.default('string'),
  description: z.string().describe('What the field holds; DSPy shows it to the model.').optional(),
  schema: z.record(z.string(), z.unknown()).describe('JSON Schema of an object (or array) field.').optional(),
  items: fieldTypeSchema.describe('Element type of an array field.').optional(),
});
export type SignatureField = z.infer<typeof signatureFieldSchema>;

export const signatureSpecSchema = z.looseObject({
  input_fields: z.array(signatureFieldSchema).describe('Fields given to the model.'),
  output_fields: z.array(signatureFieldSchema).describe('Fields the model produces.'),
  instructions: z.string().describe('Task instructions (the signature docstring).').optional(),
}).describe('A DSPy signature: typed inputs and outputs.');
export type SignatureSpec = z.infer<typeof signatureSpecSchema>;

/** JSON with object keys sorted at every level, so equal values serialise (and hash) identically. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** The signature's version: sha256 hex of its canonical JSON, after defaults (a field's type) are applied. */
export function signatureHash(spec: SignatureSpec | Record<string, unknown>): string {
  const parsed = signatureSpecSchema.safeParse(spec);
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(parsed.success ? parsed.data : spec))));
}

/**
 * Reads `<inputs>_to_<outputs>` (`a_and_b_to_c`) as string fields.
 * Undefined when the name does not follow the convention.
 */
export function signatureFromConvention(name: string): SignatureSpec | undefined {
  const at = name.indexOf('_to_');
  if (at <= 0) return undefined;
  const side = (s: string) => s.split('_and_');
  const inputs = side(name.slice(0, at));
  const outputs = side(name.slice(at + 4));
  const all = [...inputs, ...outputs];
  if (all.some((n) => !IDENTIFIER_RE.test(n)) || new Set(all).size !== all.length) return undefined;
  const field = (n: string): SignatureField => ({ name: n, type: 'string' });
  return { input_fields: inputs.map(field), output_fields: outputs.map(field) };
}

export type SignatureResolution =
  | { source: 'declared'; spec: SignatureSpec }
  | { source: 'convention'; spec: SignatureSpec }
  | { source: 'unresolved' };

/** Resolves a named signature from the workflow's `dspy_signatures:` map, then by naming convention. */
export function resolveSignature(name: string, declared: Record<string, unknown> | undefined): SignatureResolution {
  const raw = declared?.[name];
  if (raw !== undefined) {
    const parsed = signatureSpecSchema.safeParse(raw);
    if (parsed.success) return { source: 'declared', spec: parsed.data };
    return { source: 'unresolved' };
  }
  const spec = signatureFromConvention(name);
  return spec ? { source: 'convention', spec } : { source: 'unresolved' };
}

const JSON_SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

/** Problems in a JSON-schema-like object, as `[relative path, message]` pairs. */
export function jsonSchemaProblems(schema: unknown, path: (string | number)[] = []): [(string | number)[], string][] {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return [[path, 'a JSON schema must be a map']];
  }
  const s = schema as Record<string, unknown>;
  const out: [(string | number)[], string][] = [];
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.length === 0 || types.some((t) => typeof t !== 'string' || !JSON_SCHEMA_TYPES.has(t))) {
      out.push([[...path, 'type'], `type must be one of ${[...JSON_SCHEMA_TYPES].join(', ')}`]);
    }
  }
  if (s.properties !== undefined) {
    if (s.properties === null || typeof s.properties !== 'object' || Array.isArray(s.properties)) {
      out.push([[...path, 'properties'], 'properties must be a map of name to schema']);
    } else {
      for (const [k, v] of Object.entries(s.properties)) out.push(...jsonSchemaProblems(v, [...path, 'properties', k]));
    }
  }
  if (s.items !== undefined) out.push(...jsonSchemaProblems(s.items, [...path, 'items']));
  if (s.required !== undefined && (!Array.isArray(s.required) || s.required.some((r) => typeof r !== 'string'))) {
    out.push([[...path, 'required'], 'required must be a list of property names']);
  }
  for (const key of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const) {
    if (s[key] !== undefined && typeof s[key] !== 'number') out.push([[...path, key], `${key} must be a number`]);
  }
  return out;
}
