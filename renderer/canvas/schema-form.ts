/**
 * Reads a zod object schema into form fields: scalars and enums, lists (of strings, of objects, or of a
 * discriminated union such as prompt parts) and nested objects, recursively. Lazy and free-form unions
 * (e.g. `condition`) have their own editors; anything else is edited in YAML.
 */
import { z } from 'zod';

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'list' | 'objects' | 'union' | 'object';

export interface FormField {
  key: string;
  kind: FieldKind;
  description?: string;
  options?: string[];
  required?: boolean;
  /** `objects`: the fields of each item; `object`: the fields of the object. */
  fields?: FormField[];
  /** `union`: the item variants, told apart by `discriminator`. */
  discriminator?: string;
  variants?: { tag: string; fields: FormField[] }[];
  /** `list`: the element kind (string, number, integer). */
  element?: 'string' | 'number' | 'integer';
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur: z.ZodType = s;
  for (let i = 0; i < 6; i++) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) cur = (cur as unknown as { unwrap(): z.ZodType }).unwrap();
    else break;
  }
  return cur;
}

const isOptional = (s: z.ZodType) => s instanceof z.ZodOptional || s instanceof z.ZodDefault;
const isInt = (n: z.ZodNumber) => Boolean(n.format?.includes('int') || (n as unknown as { isInt?: boolean }).isInt);

function scalarKind(inner: z.ZodType): 'string' | 'number' | 'integer' | undefined {
  if (inner instanceof z.ZodString) return 'string';
  if (inner instanceof z.ZodNumber) return isInt(inner) ? 'integer' : 'number';
  return undefined;
}

function field(key: string, value: z.ZodType, depth: number): FormField | undefined {
  const inner = unwrap(value);
  const base = { key, description: value.description ?? inner.description, required: !isOptional(value) };
  const scalar = scalarKind(inner);
  if (scalar) return { ...base, kind: scalar };
  if (inner instanceof z.ZodBoolean) return { ...base, kind: 'boolean' };
  if (inner instanceof z.ZodEnum) return { ...base, kind: 'enum', options: (inner.options as (string | number)[]).map(String) };
  if (depth > 3) return undefined;
  if (inner instanceof z.ZodObject) {
    const fields = formFields(inner, new Set(), depth + 1);
    return fields.length ? { ...base, kind: 'object', fields } : undefined;
  }
  if (inner instanceof z.ZodArray) {
    const el = unwrap(inner.element as z.ZodType);
    const elScalar = scalarKind(el);
    if (elScalar) return { ...base, kind: 'list', element: elScalar };
    if (el instanceof z.ZodObject) return { ...base, kind: 'objects', fields: formFields(el, new Set(), depth + 1) };
    if (el instanceof z.ZodDiscriminatedUnion) {
      const discriminator = String((el as unknown as { _zod: { def: { discriminator: string } } })._zod.def.discriminator);
      const variants = (el.options as z.ZodType[]).flatMap((o) => {
        if (!(o instanceof z.ZodObject)) return [];
        const lit = (o.shape as Record<string, z.ZodType>)[discriminator];
        const tag = lit instanceof z.ZodLiteral ? String([...lit.values][0]) : undefined;
        return tag === undefined ? [] : [{ tag, fields: formFields(o, new Set([discriminator]), depth + 1) }];
      });
      return variants.length ? { ...base, kind: 'union', discriminator, variants } : undefined;
    }
  }
  return undefined;
}

export function formFields(schema: z.ZodType | undefined, skip: Set<string>, depth = 0): FormField[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const out: FormField[] = [];
  for (const [key, value] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (skip.has(key)) continue;
    const f = field(key, value, depth);
    if (f) out.push(f);
  }
  return out;
}

/** A starting value for a new list item: required fields filled with empty values. */
export function newItem(f: FormField, tag?: string): unknown {
  if (f.kind === 'list') return f.element === 'string' ? '' : 0;
  const fields = f.kind === 'union' ? (f.variants?.find((v) => v.tag === tag) ?? f.variants?.[0])?.fields ?? [] : f.fields ?? [];
  const out: Record<string, unknown> = f.kind === 'union' ? { [f.discriminator!]: tag ?? f.variants?.[0]?.tag } : {};
  for (const x of fields) {
    if (!x.required) continue;
    if (x.kind === 'string') out[x.key] = '';
    else if (x.kind === 'number' || x.kind === 'integer') out[x.key] = 0;
    else if (x.kind === 'boolean') out[x.key] = false;
    else if (x.kind === 'enum') out[x.key] = x.options?.[0] ?? '';
    else if (x.kind === 'union' || x.kind === 'objects') out[x.key] = [newItem(x)];
    else if (x.kind === 'list') out[x.key] = [];
  }
  return out;
}
