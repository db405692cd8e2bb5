import { z } from 'zod';

export const SOURCES = ['execution_history', 'user_feedback', 'synthetic_generation'] as const;
export const LABEL_STATES = ['unlabeled', 'accepted', 'rejected', 'corrected'] as const;
export const SPLITS = ['train', 'dev', 'test'] as const;
export const RUN_MODES = ['baseline', 'optimized', 'fallback', 'traditional'] as const;

export const Source = z.enum(SOURCES);
export const LabelState = z.enum(LABEL_STATES);
export const Split = z.enum(SPLITS);
export const RunMode = z.enum(RUN_MODES);
export type Source = z.infer<typeof Source>;
export type LabelState = z.infer<typeof LabelState>;
export type Split = z.infer<typeof Split>;
export type RunMode = z.infer<typeof RunMode>;

export const JsonObject = z.record(z.string(), z.unknown());
export type JsonObject = Record<string, unknown>;

/** One stored example (as read back). */
export interface Example {
  id: string;
  /** The task (dataset) the example belongs to. */
  task: string;
  /** The signature version it was added or last mapped under. */
  signatureHash: string;
  inputs: JsonObject;
  outputs: JsonObject;
  inputHash: string;
  contentHash: string;
  source: Source;
  labelState: LabelState;
  labeledBy: string | null;
  labeledAt: string | null;
  rating: number | null;
  split: Split;
  runId: string | null;
  importId: string | null;
  redactions: number;
  metadata: JsonObject | null;
  observedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** An ISO 8601 date-time with Z or an offset. */
export const ObservedAt = z.iso.datetime({ offset: true });

/** A new example as callers give it (validated by NewExampleInput). */
export const NewExampleInput = z.object({
  inputs: JsonObject,
  outputs: JsonObject.default({}),
  source: Source.default('user_feedback'),
  label: LabelState.default('unlabeled'),
  rating: z.number().int().min(1).max(5).nullish(),
  labeled_by: z.string().min(1).max(200).nullish(),
  metadata: JsonObject.nullish(),
  /** When the example was observed (ISO 8601); defaults to now. */
  observed_at: ObservedAt.nullish(),
  run_id: z.string().min(1).nullish(),
});
export type NewExampleInput = z.input<typeof NewExampleInput>;

/** What NewExampleInput.parse returns. */
export type NewExample = z.output<typeof NewExampleInput>;

const SOURCE_SET: ReadonlySet<unknown> = new Set(SOURCES);
const LABEL_SET: ReadonlySet<unknown> = new Set(LABEL_STATES);
const OBSERVED_AT_RE: RegExp | undefined = (ObservedAt as unknown as { _zod?: { pattern?: RegExp } })._zod?.pattern;

/**
 * A record as zod's `z.record(z.string(), z.unknown())` takes it unchanged: an object whose
 * prototype is Object.prototype or null, whose own keys are all enumerable strings, none `__proto__`.
 */
function isShapedRecord(v: unknown): v is JsonObject {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return false;
  // symbol or non-enumerable own keys: zod would drop or refuse them, let it decide
  return Reflect.ownKeys(v).length === Object.keys(v).length;
}

const nullish = (v: unknown): v is null | undefined => v === undefined || v === null;

/**
 * NewExampleInput.safeParse without zod for rows that are already well shaped (the common case:
 * JSON-parsed files, engine records). Accepts only what the schema accepts and returns what it
 * would return (defaults applied, unknown keys dropped; records are not copied). Undefined means
 * "not sure": the caller then runs the zod schema, which gives the error messages.
 */
export function fastNewExample(raw: unknown): NewExample | undefined {
  if (!isShapedRecord(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const inputs = r.inputs;
  if (!isShapedRecord(inputs)) return undefined;
  let outputs = r.outputs;
  if (outputs === undefined) outputs = {};
  else if (!isShapedRecord(outputs)) return undefined;
  let source = r.source;
  if (source === undefined) source = 'user_feedback';
  else if (!SOURCE_SET.has(source)) return undefined;
  let label = r.label;
  if (label === undefined) label = 'unlabeled';
  else if (!LABEL_SET.has(label)) return undefined;
  const rating = r.rating;
  if (!nullish(rating) && !(typeof rating === 'number' && Number.isInteger(rating) && rating >= 1 && rating <= 5)) return undefined;
  const by = r.labeled_by;
  if (!nullish(by) && !(typeof by === 'string' && by.length >= 1 && by.length <= 200)) return undefined;
  const metadata = r.metadata;
  if (!nullish(metadata) && !isShapedRecord(metadata)) return undefined;
  const at = r.observed_at;
  if (!nullish(at) && !(typeof at === 'string' && OBSERVED_AT_RE !== undefined && OBSERVED_AT_RE.test(at))) return undefined;
  const runId = r.run_id;
  if (!nullish(runId) && !(typeof runId === 'string' && runId.length >= 1)) return undefined;
  const out: NewExample = { inputs, outputs: outputs as JsonObject, source: source as Source, label: label as LabelState };
  // zod keeps a nullish key that is present (null or undefined) and leaves out an absent one
  if ('rating' in r) out.rating = rating as number | null | undefined;
  if ('labeled_by' in r) out.labeled_by = by as string | null | undefined;
  if ('metadata' in r) out.metadata = metadata as JsonObject | null | undefined;
  if ('observed_at' in r) out.observed_at = at as string | null | undefined;
  if ('run_id' in r) out.run_id = runId as string | null | undefined;
  return out;
}
