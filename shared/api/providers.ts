/**
 * Provider presets and the connection test over the StudioApi (the presets themselves live on the
 * host). Pure TypeScript with zod.
 */
import { z } from 'zod';
import { STRUCTURED_OUTPUT_MODES } from '../dspy/provider-requests';

export const PRESET_IDS = ['ollama', 'llamacpp', 'vllm', 'lmstudio', 'openai', 'anthropic', 'gemini'] as const;
export type PresetId = (typeof PRESET_IDS)[number];
export const presetIdSchema = z.enum(PRESET_IDS, { error: (iss) => `must be one of ${PRESET_IDS.join(', ')} (got ${JSON.stringify(iss.input)})` });

export const providerPresetSummarySchema = z.strictObject({
  id: presetIdSchema,
  label: z.string(),
  kind: z.enum(['openai_compatible', 'anthropic', 'gemini']),
  local: z.boolean(),
  defaultPort: z.number().int().nullable(),
  apiBase: z.string(),
  defaultModel: z.string().nullable(),
  structuredOutput: z.enum(STRUCTURED_OUTPUT_MODES),
  numThreads: z.number().int().min(1),
  timeoutS: z.number().min(1),
});
export type ProviderPresetSummary = z.infer<typeof providerPresetSummarySchema>;

export const CONNECTION_FAILURE_KINDS = ['connection_refused', 'connection_dropped', 'unreachable', 'timeout', 'http_status', 'bad_response', 'no_model'] as const;

export const connectionFailureSchema = z.strictObject({
  kind: z.enum(CONNECTION_FAILURE_KINDS),
  message: z.string(),
  /** The HTTP status when the server answered. */
  status: z.number().int().nullable(),
});
export type ConnectionFailure = z.infer<typeof connectionFailureSchema>;

const failed = z.strictObject({ ok: z.literal(false), error: connectionFailureSchema });

export const connectionTestResultSchema = z.strictObject({
  ok: z.boolean(),
  target: z.strictObject({ preset: presetIdSchema.nullable(), apiBase: z.string(), model: z.string().nullable() }),
  models: z.union([z.strictObject({ ok: z.literal(true), ids: z.array(z.string()), latencyMs: z.number() }), failed]),
  /** One tiny completion, timed; null when nothing listens at the address. */
  completion: z
    .union([
      z.strictObject({
        ok: z.literal(true),
        model: z.string(),
        text: z.string(),
        latencyMs: z.number(),
        promptTokens: z.number().nullable(),
        completionTokens: z.number().nullable(),
        /** Completion tokens over the whole request's time, as the server counted them. */
        tokensPerSecond: z.number().nullable(),
      }),
      failed,
    ])
    .nullable(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

export const providersMethods = {
  'providers.presets': {
    params: z.strictObject({}),
    result: z.strictObject({ presets: z.array(providerPresetSummarySchema) }),
  },
  'providers.test': {
    /** Without a field, the saved provider's (the endpoint DSPy steps use). */
    params: z.strictObject({
      preset: presetIdSchema.optional(),
      apiBase: z.url().optional(),
      model: z.string().min(1).max(200).optional(),
      timeoutMs: z.number().int().min(100).max(600_000).optional(),
    }),
    result: connectionTestResultSchema,
  },
} as const;
