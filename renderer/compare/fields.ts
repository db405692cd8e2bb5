/** Structured values as fields: one (dotted path, text) pair per leaf, instead of raw JSON. */
import { valueText } from '../tuning/format';

/** Nesting deeper than this is shown as JSON at that level. */
const MAX_DEPTH = 3;

/** Leaves of a value by dotted path; a scalar is one pair with the empty path; lists of scalars join with ", ". */
export function flatFields(v: unknown, path = '', depth = 0): [string, string][] {
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return [[path, v.map((x) => valueText(x)).join(', ')]];
  if (v && typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return [[path, '{}']];
    return entries.flatMap(([k, x]) => flatFields(x, path ? `${path}.${k}` : k, depth + 1));
  }
  return [[path, valueText(v)]];
}
