import { z } from 'zod';
import { DEFAULT_MODELS } from './traditional-provider';

/**
 * Where providers are reached. Keys never go in the database: the desktop app keeps them with
 * safeStorage, browser mode and the CLI read the environment.
 */
export const providerSettingsSchema = z.object({
  claude: z.object({ apiKey: z.string().min(1).optional(), apiBase: z.url().optional(), model: z.string().min(1).optional() }).default({}),
  gemini: z.object({ apiKey: z.string().min(1).optional(), apiBase: z.url().optional(), model: z.string().min(1).optional() }).default({}),
  /** Any OpenAI-compatible server (Ollama, vLLM): used for every DSPy step when set. */
  openaiCompatible: z.object({ apiBase: z.url(), model: z.string().min(1), apiKey: z.string().optional() }).optional(),
  /** Milliseconds the simulated model waits per call (demos and benchmarks). */
  simulatedLatencyMs: z.number().min(0).max(60_000).default(0),
});
export type ProviderSettings = z.infer<typeof providerSettingsSchema>;

export function providerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const parsed = providerSettingsSchema.safeParse({
    claude: { apiKey: env.ANTHROPIC_API_KEY || undefined, apiBase: env.ANTHROPIC_BASE_URL || undefined, model: env.PIPELINE_STUDIO_CLAUDE_MODEL || undefined },
    gemini: { apiKey: env.GEMINI_API_KEY || undefined, apiBase: env.GEMINI_BASE_URL || undefined, model: env.PIPELINE_STUDIO_GEMINI_MODEL || undefined },
    openaiCompatible: env.OPENAI_COMPATIBLE_BASE_URL ? { apiBase: env.OPENAI_COMPATIBLE_BASE_URL, model: env.OPENAI_COMPATIBLE_MODEL ?? 'llama3.1', apiKey: env.OPENAI_COMPATIBLE_API_KEY } : undefined,
    simulatedLatencyMs: env.PIPELINE_STUDIO_SIMULATED_LATENCY_MS ? Number(env.PIPELINE_STUDIO_SIMULATED_LATENCY_MS) : undefined,
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`provider settings from the environment: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

/** The LM config the Python runtime takes (docs/python-runtime.md). */
export interface LmConfig {
  provider: 'anthropic' | 'gemini' | 'openai_compatible' | 'simulated';
  model: string;
  api_key?: string;
  api_base?: string;
  latency_ms?: number;
}

export const SIMULATED_LABEL = 'simulated (offline demo)';

/** The price-table key of a traditional call (mock calls cost nothing). */
export function traditionalPriceKey(provider: 'claude' | 'gemini', model: string, mock: boolean): string {
  return mock ? 'simulated/mock' : `${provider === 'claude' ? 'anthropic' : 'gemini'}/${model}`;
}

/** The price-table key of a model: `anthropic/<model>`, `gemini/<model>`, `openai/<model>`, or the simulated one. */
export function priceKey(lm: Pick<LmConfig, 'provider' | 'model'>): string {
  if (lm.provider === 'simulated') return lm.model;
  const prefix = lm.provider === 'openai_compatible' ? 'openai' : lm.provider;
  return `${prefix}/${lm.model}`;
}

/**
 * The LM of a DSPy step: its provider when a key is set, an OpenAI-compatible endpoint when
 * configured, else the built-in simulated model so the whole loop works offline.
 */
export function lmForStep(stepType: string, settings: ProviderSettings, opts: { mock?: boolean; model?: string } = {}): LmConfig & { label: string } {
  const simulated = { provider: 'simulated' as const, model: 'simulated/toy', latency_ms: settings.simulatedLatencyMs, label: SIMULATED_LABEL };
  if (opts.mock) return simulated;
  if (settings.openaiCompatible) {
    const o = settings.openaiCompatible;
    return { provider: 'openai_compatible', model: opts.model ?? o.model, api_base: o.apiBase, api_key: o.apiKey, label: `openai-compatible ${o.model}` };
  }
  const gemini = stepType === 'dspy_gemini';
  const p = gemini ? settings.gemini : settings.claude;
  if (!p.apiKey) return simulated;
  const model = opts.model ?? p.model ?? (gemini ? DEFAULT_MODELS.gemini : DEFAULT_MODELS.claude);
  // litellm appends /v1/messages to an Anthropic base, and /models/... to a Gemini one.
  const apiBase = p.apiBase ? (gemini ? `${p.apiBase.replace(/\/+$/, '')}/v1beta` : p.apiBase) : undefined;
  return { provider: gemini ? 'gemini' : 'anthropic', model, api_key: p.apiKey, api_base: apiBase, label: `${gemini ? 'gemini' : 'anthropic'}/${model}` };
}
