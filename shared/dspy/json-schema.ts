import type { SignatureField, SignatureSpec } from './signature';

/**
 * A small JSON Schema checker for the subset signatures use: type (one or a list),
 * properties, required, items, minimum, maximum, enum, minLength, maxLength, minItems, maxItems.
 * Returns problems as "path: message" strings; empty when the value conforms.
 */
export function schemaProblems(schema: unknown, value: unknown, path = '$'): string[] {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    if (!types.some((t) => matchesType(t, value))) {
      out.push(`${path}: expected ${types.join(' or ')}, got ${describe(value)}`);
      return out;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push(`${path}: ${JSON.stringify(value)} is not one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) out.push(`${path}: ${value} is below the minimum ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) out.push(`${path}: ${value} is above the maximum ${s.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) out.push(`${path}: shorter than ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) out.push(`${path}: longer than ${s.maxLength} characters`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) out.push(`${path}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) out.push(`${path}: more than ${s.maxItems} items`);
    // a loop, not push(...): a nested array's problems can outnumber the arguments a call takes
    if (s.items && typeof s.items === 'object') value.forEach((v, i) => appendAll(out, schemaProblems(s.items, v, `${path}[${i}]`)));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    if (Array.isArray(s.required)) {
      for (const r of s.required) if (typeof r === 'string' && !(r in obj)) out.push(`${path}.${r}: required property is missing`);
    }
    if (s.properties && typeof s.properties === 'object') {
      for (const [k, sub] of Object.entries(s.properties as Record<string, unknown>)) {
        if (k in obj) appendAll(out, schemaProblems(sub, obj[k], `${path}.${k}`));
      }
    }
  }
  return out;
}

function appendAll(out: string[], more: readonly string[]): void {
  for (const m of more) out.push(m);
}

function matchesType(t: string, v: unknown): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'null':
      return v === null;
    default:
      return true;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return typeof v;
}

/** The JSON schema a signature field's value must meet: its `schema`, else its `type` (and `items`). */
export function fieldSchema(field: SignatureField): Record<string, unknown> {
  if (field.schema && typeof field.schema === 'object') {
    return field.schema.type === undefined ? { type: field.type, ...field.schema } : field.schema;
  }
  const s: Record<string, unknown> = { type: field.type ?? 'string' };
  if (field.type === 'array' && field.items) s.items = { type: field.items };
  return s;
}

/** Problems of one field value, prefixed with `outputs.<name>` or `inputs.<name>`. */
export function fieldProblems(field: SignatureField, value: unknown, side: 'inputs' | 'outputs'): string[] {
  if (value === undefined) return [`${side}.${field.name}: missing`];
  return schemaProblems(fieldSchema(field), value, `${side}.${field.name}`);
}

/** Problems of an example's outputs against the signature's output fields. */
export function outputProblems(spec: SignatureSpec, outputs: Record<string, unknown>): string[] {
  return spec.output_fields.flatMap((f) => fieldProblems(f, outputs[f.name], 'outputs'));
}

export function inputProblems(spec: SignatureSpec, inputs: Record<string, unknown>): string[] {
  return spec.input_fields.flatMap((f) => fieldProblems(f, inputs[f.name], 'inputs'));
}
