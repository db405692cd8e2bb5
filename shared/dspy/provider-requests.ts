import { z } from 'zod';

/**
 * How a DSPy step's answers are formatted: DSPy's ChatAdapter (`[[ ## field ## ]]` sections, falls back
 * to JSONAdapter when it cannot parse), its JSONAdapter, or JSON constrained by the server to the
 * signature's schema in the dialect that server speaks.
 */
export const STRUCTURED_OUTPUT_MODES = ['chat', 'json', 'openai_json_schema', 'llamacpp_json_schema', 'ollama_format'] as const;
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

/**
 * Request behaviour of one provider (Settings, `providers.json`, presets). Every key is optional: an
 * unset one takes the default of `requestDefaults` (local servers differ from hosted APIs).
 */
export const providerRequestShape = {
  /** Seconds one HTTP request may take; a timed-out request is closed before any retry. */
  timeoutS: z.number().min(1).max(3600),
  /** Retries of a request that failed with 429, 5xx, a timeout or a dropped connection (with backoff, honouring Retry-After). */
  maxRetries: z.number().int().min(0).max(10),
  /** Parallel LM calls of evaluation and optimization (DSPy's num_threads). */
  numThreads: z.number().int().min(1).max(64),
  /** Requests per minute to this provider, across every concurrent job of one worker; unset: no limit. */
  requestsPerMinute: z.number().int().min(1).max(100_000),
  structuredOutput: z.enum(STRUCTURED_OUTPUT_MODES),
};

export const providerRequestSchema = z.object({
  timeoutS: providerRequestShape.timeoutS.optional(),
  maxRetries: providerRequestShape.maxRetries.optional(),
  numThreads: providerRequestShape.numThreads.optional(),
  requestsPerMinute: providerRequestShape.requestsPerMinute.optional(),
  structuredOutput: providerRequestShape.structuredOutput.optional(),
});
export type ProviderRequestSettings = z.infer<typeof providerRequestSchema>;

/** The same keys as saved preferences: null clears a saved value. */
export const providerRequestPrefsShape = {
  timeoutS: providerRequestShape.timeoutS.nullish(),
  maxRetries: providerRequestShape.maxRetries.nullish(),
  numThreads: providerRequestShape.numThreads.nullish(),
  requestsPerMinute: providerRequestShape.requestsPerMinute.nullish(),
  structuredOutput: providerRequestShape.structuredOutput.nullish(),
};

/** Defaults of the keys above: a local server is slow and serves one request at a time. */
export function requestDefaults(local: boolean): Required<Omit<ProviderRequestSettings, 'requestsPerMinute'>> & { requestsPerMinute?: number } {
  return { timeoutS: local ? 300 : 60, maxRetries: 2, numThreads: local ? 1 : 8, structuredOutput: 'chat' };
}
