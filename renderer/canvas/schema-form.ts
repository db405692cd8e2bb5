/** Reads a zod object schema into simple form fields (scalars and enums); everything else is edited in YAML. */
import { z } from 'zod';

export interface FormField {
  key: string;
  kind: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'list';
  description?: string;
  options?: string[];
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur: z.ZodType = s;
  for (let i = 0; i < 6; i++) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) cur = (cur as unknown as { unwrap(): z.ZodType }).unwrap();
    else break;
  }
  return cur;
}

export function formFields(schema: z.ZodType | undefined, skip: Set<string>): FormField[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const out: FormField[] = [];
  for (const [key, value] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (skip.has(key)) continue;
    const inner = unwrap(value);
    const description = value.description ?? inner.description;
    if (inner instanceof z.ZodString) out.push({ key, kind: 'string', description });
    else if (inner instanceof z.ZodNumber) out.push({ key, kind: inner.format?.includes('int') || (inner as unknown as { isInt?: boolean }).isInt ? 'integer' : 'number', description });
    else if (inner instanceof z.ZodBoolean) out.push({ key, kind: 'boolean', description });
    else if (inner instanceof z.ZodEnum) out.push({ key, kind: 'enum', options: (inner.options as (string | number)[]).map(String), description });
    else if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodString) out.push({ key, kind: 'list', description });
  }
  return out;
}
