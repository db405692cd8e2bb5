import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { providerRequestPrefsShape, providerRequestSchema, requestDefaults, type ProviderRequestSettings, type StructuredOutputMode } from '../../../shared/dspy/provider-requests';
import { DEFAULT_MODELS } from './traditional-provider';

/**
 * Where providers are reached. Keys never go in the database: the desktop app keeps them with
 * safeStorage, browser mode and the CLI read the environment.
 */
/** The sloppy-model test double's fault modes (docs/python-runtime.md, `faults`). */
export const simulatedFaultsSchema = z.strictObject({
  format_violation_rate: z.number().min(0).max(1).optional(),
  overlong: z.boolean().optional(),
  echo: z.boolean().optional(),
  first_token_ms: z.number().min(0).max(600_000).optional(),
  http_errors: z.array(z.number().int().min(400).max(599)).max(100).optional(),
  retry_after_s: z.number().min(0).max(120).optional(),
  drop: z.number().int().min(0).max(100).optional(),
});
export type SimulatedFaults = z.infer<typeof simulatedFaultsSchema>;

const hosted = providerRequestSchema.extend({ apiKey: z.string().min(1).optional(), apiBase: z.url().optional(), model: z.string().min(1).optional() });
export const providerSettingsSchema = z.object({
  claude: hosted.default({}),
  gemini: hosted.default({}),
  /** Any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio): used for every DSPy step when set. */
  openaiCompatible: providerRequestSchema.extend({ apiBase: z.url(), model: z.string().min(1), apiKey: z.string().optional() }).optional(),
  /** Milliseconds the simulated model waits per call (demos and benchmarks). */
  simulatedLatencyMs: z.number().min(0).max(60_000).default(0),
  /** The simulated model's fault modes (tests, demos of a sloppy model); none by default. */
  simulatedFaults: simulatedFaultsSchema.optional(),
  /** Sent with every real model call: a small local model otherwise generates until its context is full. */
  generation: z
    .object({ maxTokens: z.number().int().min(1).max(65_536).default(1024), temperature: z.number().min(0).max(2).optional() })
    .default({ maxTokens: 1024 }),
});
export type ProviderSettings = z.infer<typeof providerSettingsSchema>;
export type ProviderSettingsInput = z.input<typeof providerSettingsSchema>;

export function providerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  let faults: unknown;
  if (env.PIPELINE_STUDIO_SIMULATED_FAULTS) {
    try {
      faults = JSON.parse(env.PIPELINE_STUDIO_SIMULATED_FAULTS);
    } catch (err) {
      throw new Error(`provider settings from the environment: PIPELINE_STUDIO_SIMULATED_FAULTS is not JSON (${(err as Error).message})`);
    }
  }
  const parsed = providerSettingsSchema.safeParse({
    claude: { apiKey: env.ANTHROPIC_API_KEY || undefined, apiBase: env.ANTHROPIC_BASE_URL || undefined, model: env.PIPELINE_STUDIO_CLAUDE_MODEL || undefined },
    gemini: { apiKey: env.GEMINI_API_KEY || undefined, apiBase: env.GEMINI_BASE_URL || undefined, model: env.PIPELINE_STUDIO_GEMINI_MODEL || undefined },
    openaiCompatible: env.OPENAI_COMPATIBLE_BASE_URL ? { apiBase: env.OPENAI_COMPATIBLE_BASE_URL, model: env.OPENAI_COMPATIBLE_MODEL ?? 'llama3.1', apiKey: env.OPENAI_COMPATIBLE_API_KEY } : undefined,
    simulatedLatencyMs: env.PIPELINE_STUDIO_SIMULATED_LATENCY_MS ? Number(env.PIPELINE_STUDIO_SIMULATED_LATENCY_MS) : undefined,
    simulatedFaults: faults,
    generation: {
      maxTokens: env.PIPELINE_STUDIO_MAX_TOKENS ? Number(env.PIPELINE_STUDIO_MAX_TOKENS) : undefined,
      temperature: env.PIPELINE_STUDIO_TEMPERATURE ? Number(env.PIPELINE_STUDIO_TEMPERATURE) : undefined,
    },
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`provider settings from the environment: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

const endpointPrefs = z.strictObject({ model: z.string().max(200).nullish(), apiBase: z.url().nullish(), ...providerRequestPrefsShape });

/** Non-secret provider settings saved from Settings (`providers.json` in the data directory); null clears a value. */
export const providerPrefsSchema = z.strictObject({
  claude: endpointPrefs.optional(),
  gemini: endpointPrefs.optional(),
  openaiCompatible: z.strictObject({ apiBase: z.url(), model: z.string().min(1).max(200), ...providerRequestPrefsShape }).nullish(),
  generation: z.strictObject({ maxTokens: z.number().int().min(1).max(65_536).nullish(), temperature: z.number().min(0).max(2).nullish() }).optional(),
});
export type ProviderPrefs = z.infer<typeof providerPrefsSchema>;

/** Where Settings saves the preferences, in the data directory. */
export const PROVIDER_PREFS_FILE = 'providers.json';

/** The saved preferences: none when the file is missing; a broken file is an error naming it and the field. */
export async function readProviderPrefs(file: string): Promise<ProviderPrefs> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message}); fix it or save the providers again in Settings`);
  }
  const parsed = providerPrefsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * The providers every front door runs with: keys from the secret store (desktop) or the environment;
 * models and endpoints from the saved preferences over the environment's.
 */
export function providerSettingsFrom(prefs: ProviderPrefs, env: NodeJS.ProcessEnv, secret: (provider: string) => string | undefined = () => undefined): ProviderSettings {
  const base = providerSettingsFromEnv(env);
  const pick = <T>(v: T | null | undefined, fallback: T | undefined) => (v === null ? undefined : (v ?? fallback));
  return providerSettingsSchema.parse({
    claude: { ...setRequests(prefs.claude), apiKey: secret('anthropic') ?? base.claude.apiKey, model: pick(prefs.claude?.model, base.claude.model), apiBase: pick(prefs.claude?.apiBase, base.claude.apiBase) },
    gemini: { ...setRequests(prefs.gemini), apiKey: secret('gemini') ?? base.gemini.apiKey, model: pick(prefs.gemini?.model, base.gemini.model), apiBase: pick(prefs.gemini?.apiBase, base.gemini.apiBase) },
    openaiCompatible:
      prefs.openaiCompatible === null
        ? undefined
        : prefs.openaiCompatible
          ? { ...setRequests(prefs.openaiCompatible), apiBase: prefs.openaiCompatible.apiBase, model: prefs.openaiCompatible.model, apiKey: secret('openai') ?? env.OPENAI_COMPATIBLE_API_KEY }
          : base.openaiCompatible,
    simulatedLatencyMs: base.simulatedLatencyMs,
    simulatedFaults: base.simulatedFaults,
    generation: {
      maxTokens: pick(prefs.generation?.maxTokens, base.generation.maxTokens),
      temperature: pick(prefs.generation?.temperature, base.generation.temperature),
    },
  });
}

/** The LM config the Python runtime takes (docs/python-runtime.md). */
export interface LmConfig {
  provider: 'anthropic' | 'gemini' | 'openai_compatible' | 'simulated';
  model: string;
  api_key?: string;
  api_base?: string;
  latency_ms?: number;
  max_tokens?: number;
  temperature?: number;
  /** Seconds per HTTP request; retries (429, 5xx, timeouts, dropped connections) with backoff. */
  timeout_s?: number;
  num_retries?: number;
  /** Parallel LM calls of evaluation and optimization. */
  num_threads?: number;
  /** Requests per minute across the worker's concurrent jobs; unset: no limit. */
  requests_per_minute?: number;
  structured_output?: StructuredOutputMode;
  /** The simulated model's fault modes. */
  faults?: SimulatedFaults;
}

/** The LM config as the runtime takes it (the label is for people). */
export function runtimeLm(lm: LmConfig & { label?: string }): LmConfig {
  const { label: _label, ...config } = lm;
  return config;
}

/**
 * How long the host waits for a runtime request that makes up to `calls` LM calls in sequence: every
 * attempt of each may take the provider's timeout, plus the backoff between attempts. The bridge kills a
 * worker that does not answer in time, so the wait covers the runtime's own retries; never below `floorMs`.
 */
export function lmRequestTimeoutMs(lm: LmConfig, calls: number, floorMs: number): number {
  if (lm.timeout_s === undefined) return floorMs;
  const retries = lm.num_retries ?? 2;
  // Each wait is the backoff or the server's Retry-After, which the runtime caps.
  const backoffS = retries * RETRY_AFTER_CAP_S;
  return Math.max(floorMs, Math.ceil(calls * (lm.timeout_s * (retries + 1) + backoffS) * 1000) + REQUEST_SLACK_MS);
}
/** The runtime's longest wait between attempts (request_policy.RETRY_AFTER_CAP_S). */
const RETRY_AFTER_CAP_S = 120;
/** Room for the runtime's own work around the LM calls. */
const REQUEST_SLACK_MS = 10_000;

/** Predictors of a program spec: one per link of a chain, else one. */
export function predictorsOf(spec: unknown): number {
  const s = spec as { kind?: unknown; steps?: unknown } | null;
  return s?.kind === 'chain' && Array.isArray(s.steps) ? Math.max(1, s.steps.length) : 1;
}

export const SIMULATED_LABEL = 'simulated (offline demo)';

/** The price-table key of a traditional call (mock calls cost nothing). */
export function traditionalPriceKey(provider: 'claude' | 'gemini', model: string, mock: boolean): string {
  return mock ? 'simulated/mock' : `${provider === 'claude' ? 'anthropic' : 'gemini'}/${model}`;
}

const LOOPBACK = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i;

/**
 * The price-table key of a model: `anthropic/<model>`, `gemini/<model>`, `openai/<model>`, the simulated
 * one, or `local/<model>` for an OpenAI-compatible endpoint on this machine.
 */
export function priceKey(lm: Pick<LmConfig, 'provider' | 'model' | 'api_base'>): string {
  if (lm.provider === 'simulated') return lm.model;
  if (lm.provider === 'openai_compatible') return `${lm.api_base && LOOPBACK.test(lm.api_base) ? 'local' : 'openai'}/${lm.model}`;
  return `${lm.provider}/${lm.model}`;
}

/**
 * The LM of a DSPy step: its provider when a key is set, an OpenAI-compatible endpoint when
 * configured, else the built-in simulated model so the whole loop works offline.
 */
export function lmForStep(stepType: string, settings: ProviderSettings, opts: { mock?: boolean; model?: string } = {}): LmConfig & { label: string } {
  const simulated = { provider: 'simulated' as const, model: 'simulated/toy', latency_ms: settings.simulatedLatencyMs, ...(settings.simulatedFaults && { faults: settings.simulatedFaults }), label: SIMULATED_LABEL };
  if (opts.mock) return simulated;
  const gen = { max_tokens: settings.generation.maxTokens, ...(settings.generation.temperature === undefined ? {} : { temperature: settings.generation.temperature }) };
  if (settings.openaiCompatible) {
    const o = settings.openaiCompatible;
    return { provider: 'openai_compatible', model: opts.model ?? o.model, api_base: o.apiBase, api_key: o.apiKey, ...gen, ...requestConfig(o, LOOPBACK.test(o.apiBase)), label: `openai-compatible ${o.model}` };
  }
  const gemini = stepType === 'dspy_gemini';
  const p = gemini ? settings.gemini : settings.claude;
  if (!p.apiKey) return simulated;
  const model = opts.model ?? p.model ?? (gemini ? DEFAULT_MODELS.gemini : DEFAULT_MODELS.claude);
  // litellm appends /v1/messages to an Anthropic base, and /models/... to a Gemini one.
  const apiBase = p.apiBase ? (gemini ? `${p.apiBase.replace(/\/+$/, '')}/v1beta` : p.apiBase) : undefined;
  return { provider: gemini ? 'gemini' : 'anthropic', model, api_key: p.apiKey, api_base: apiBase, ...gen, ...requestConfig(p, false), label: `${gemini ? 'gemini' : 'anthropic'}/${model}` };
}

const REQUEST_KEYS = Object.keys(providerRequestSchema.shape) as (keyof ProviderRequestSettings)[];

/** The request settings that are set (a saved null or an unset key is left out, so its default applies). */
function setRequests(p: Partial<Record<keyof ProviderRequestSettings, unknown>> | null | undefined): ProviderRequestSettings {
  return Object.fromEntries(REQUEST_KEYS.filter((k) => p?.[k] != null).map((k) => [k, p?.[k]]));
}

/** A provider's request settings over the defaults, as the runtime takes them. */
export function requestConfig(p: ProviderRequestSettings, local: boolean): Pick<LmConfig, 'timeout_s' | 'num_retries' | 'num_threads' | 'requests_per_minute' | 'structured_output'> {
  const r: ProviderRequestSettings = { ...requestDefaults(local), ...setRequests(p) };
  return {
    timeout_s: r.timeoutS,
    num_retries: r.maxRetries,
    num_threads: r.numThreads,
    structured_output: r.structuredOutput,
    ...(r.requestsPerMinute === undefined ? {} : { requests_per_minute: r.requestsPerMinute }),
  };
}
