/** Classification outputs: which output fields label with choice buttons, and their choices. */
import type { ExampleRow, FieldSpec } from '../../shared/api/index';

/** Number keys 1-9 pick a choice, so a field with more values is labeled as free text. */
export const MAX_CHOICES = 9;

type Choice = string | number | boolean;
const isChoice = (v: unknown): v is Choice => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * The choices of a classification output: the schema's enum, or (for a text field) the values the
 * rows hold when they are few and repeat. The rows are the labeling queue and the dataset's labeled
 * examples, so a value is a choice whether it was labeled or predicted. Null when the field is free
 * text. Choices are sorted so their number keys stay put as labels come in.
 */
export function choicesFor(field: FieldSpec, rows: readonly Pick<ExampleRow, 'outputs'>[]): Choice[] | null {
  const en = field.schema?.enum;
  if (Array.isArray(en)) return en.length >= 2 && en.length <= MAX_CHOICES && en.every(isChoice) ? [...en] : null;
  if (field.type === 'boolean') return [true, false];
  if (field.type !== 'string') return null;
  const values = rows.map((r) => r.outputs[field.name]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  const distinct = [...new Set(values)];
  // Few values that repeat: a label set, not free text.
  if (distinct.length < 2 || distinct.length > MAX_CHOICES || values.length < 2 * distinct.length) return null;
  return distinct.sort((a, b) => a.localeCompare(b));
}

/** The label a choice makes: accept when the output already holds it, else a correction of that field. */
export function choiceLabel(row: Pick<ExampleRow, 'outputs'>, field: string, value: Choice): { action: 'accept' } | { action: 'correct'; outputs: Record<string, unknown> } {
  return row.outputs[field] === value ? { action: 'accept' } : { action: 'correct', outputs: { ...row.outputs, [field]: value } };
}

/** Rows for a text box that shows its content without scrolling (long lines wrap at about `cols`). */
export function rowsFor(text: string, cols = 80, min = 2, max = 24): number {
  const lines = text.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / cols)), 0);
  return Math.max(min, Math.min(max, lines + 1));
}
