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
  observed_at: z.iso.datetime({ offset: true }).nullish(),
  run_id: z.string().min(1).nullish(),
});
export type NewExampleInput = z.input<typeof NewExampleInput>;
