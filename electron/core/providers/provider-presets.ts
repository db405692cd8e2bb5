/**
 * Known model servers and hosted APIs: where they listen by default, how they take constrained
 * output, and how hard they can be driven. A preset fills the provider settings; every value it
 * sets can be overridden in Settings, providers.json or on the command line.
 */
import { PRESET_IDS, type PresetId, type ProviderPresetSummary } from '../../../shared/api/providers';
import { requestDefaults, type ProviderRequestSettings } from '../../../shared/dspy/provider-requests';
import type { ProviderPrefs } from './provider-settings';

/**
 * `kind`: which provider settings the preset fills (an OpenAI-compatible endpoint, or a hosted API
 * of its own); `local`: a server on this machine; `apiBase`: what the OpenAI-compatible client
 * talks to (ends in /v1), or the hosted API's base; `defaultModel`: a name the server accepts
 * without being told one; `numThreads`: parallel LM calls in evaluation and optimization;
 * `timeoutS`: per request (a CPU-bound local model takes minutes for a long answer);
 * `structuredOutput`: how answers are formatted or constrained, in the server's own dialect.
 */
export interface ProviderPreset extends ProviderPresetSummary {
  /** Where the connection test lists the server's models. */
  modelsEndpoint: 'openai' | 'ollama' | 'anthropic' | 'gemini';
  /** The environment variable holding the key (hosted APIs). */
  keyEnv: string | null;
}

// The request defaults of local and hosted providers; a preset changes only what its server needs.
const LOCAL = requestDefaults(true);
const HOSTED = requestDefaults(false);

export const PROVIDER_PRESETS: Record<PresetId, ProviderPreset> = {
  ollama: {
    id: 'ollama',
    label: 'Ollama',
    kind: 'openai_compatible',
    local: true,
    defaultPort: 11434,
    apiBase: 'http://127.0.0.1:11434/v1',
    modelsEndpoint: 'ollama',
    defaultModel: null,
    // Ollama's `format` takes the JSON schema itself.
    structuredOutput: 'ollama_format',
    numThreads: LOCAL.numThreads,
    timeoutS: LOCAL.timeoutS,
    keyEnv: null,
  },
  llamacpp: {
    id: 'llamacpp',
    label: 'llama.cpp server',
    kind: 'openai_compatible',
    local: true,
    defaultPort: 8080,
    apiBase: 'http://127.0.0.1:8080/v1',
    modelsEndpoint: 'openai',
    defaultModel: 'default',
    // It rejects OpenAI's json_schema form; it takes {"type": "json_object", "schema": ...}.
    structuredOutput: 'llamacpp_json_schema',
    numThreads: LOCAL.numThreads,
    timeoutS: LOCAL.timeoutS,
    keyEnv: null,
  },
  vllm: {
    id: 'vllm',
    label: 'vLLM',
    kind: 'openai_compatible',
    local: true,
    defaultPort: 8000,
    apiBase: 'http://127.0.0.1:8000/v1',
    modelsEndpoint: 'openai',
    defaultModel: null,
    structuredOutput: 'openai_json_schema',
    // vLLM batches concurrent requests on one model.
    numThreads: HOSTED.numThreads,
    timeoutS: LOCAL.timeoutS,
    keyEnv: null,
  },
  lmstudio: {
    id: 'lmstudio',
    label: 'LM Studio',
    kind: 'openai_compatible',
    local: true,
    defaultPort: 1234,
    apiBase: 'http://127.0.0.1:1234/v1',
    modelsEndpoint: 'openai',
    defaultModel: null,
    structuredOutput: 'openai_json_schema',
    numThreads: LOCAL.numThreads,
    timeoutS: LOCAL.timeoutS,
    keyEnv: null,
  },
  openai: {
    id: 'openai',
    label: 'OpenAI',
    kind: 'openai_compatible',
    local: false,
    defaultPort: null,
    apiBase: 'https://api.openai.com/v1',
    modelsEndpoint: 'openai',
    defaultModel: 'gpt-4o-mini',
    structuredOutput: 'openai_json_schema',
    numThreads: HOSTED.numThreads,
    timeoutS: HOSTED.timeoutS,
    keyEnv: 'OPENAI_COMPATIBLE_API_KEY',
  },
  anthropic: {
    id: 'anthropic',
    label: 'Anthropic',
    kind: 'anthropic',
    local: false,
    defaultPort: null,
    apiBase: 'https://api.anthropic.com',
    modelsEndpoint: 'anthropic',
    defaultModel: null,
    structuredOutput: 'chat',
    numThreads: HOSTED.numThreads,
    timeoutS: HOSTED.timeoutS,
    keyEnv: 'ANTHROPIC_API_KEY',
  },
  gemini: {
    id: 'gemini',
    label: 'Google Gemini',
    kind: 'gemini',
    local: false,
    defaultPort: null,
    apiBase: 'https://generativelanguage.googleapis.com',
    modelsEndpoint: 'gemini',
    defaultModel: null,
    structuredOutput: 'chat',
    numThreads: HOSTED.numThreads,
    timeoutS: HOSTED.timeoutS,
    keyEnv: 'GEMINI_API_KEY',
  },
};

export const presetList = (): ProviderPreset[] => PRESET_IDS.map((id) => PROVIDER_PRESETS[id]);

/** What the renderer is shown of a preset. */
export const presetSummary = ({ modelsEndpoint: _m, keyEnv: _k, ...summary }: ProviderPreset): ProviderPresetSummary => summary;

/**
 * The preset an OpenAI-compatible endpoint most likely is, from its port (for the connection test
 * and the defaults of an endpoint saved without a preset); null when nothing matches.
 */
export function presetForApiBase(apiBase: string): ProviderPreset | null {
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch {
    return null;
  }
  const known = presetList().find((p) => p.kind === 'openai_compatible' && !p.local && new URL(p.apiBase).host === url.host);
  if (known) return known;
  const port = Number(url.port);
  return presetList().find((p) => p.local && p.defaultPort === port) ?? null;
}

/** What a preset sets of a provider's request settings. */
export const presetRequests = (p: ProviderPreset): ProviderRequestSettings => ({ timeoutS: p.timeoutS, numThreads: p.numThreads, structuredOutput: p.structuredOutput });

const definedOnly = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;

/** The provider a command line names: a preset, an endpoint, a model; each over the saved preferences. */
export interface ProviderFlags {
  preset?: PresetId;
  apiBase?: string;
  model?: string;
}

/**
 * The saved preferences with the command line's choices over them: a preset switches to its
 * provider (an OpenAI-compatible preset at its default address unless --api-base says otherwise),
 * --model replaces the model of the provider in use. Throws with the flag to add when a choice is
 * incomplete.
 */
export function prefsWithFlags(prefs: ProviderPrefs, flags: ProviderFlags): ProviderPrefs {
  const next: ProviderPrefs = { ...prefs };
  const preset = flags.preset ? PROVIDER_PRESETS[flags.preset] : undefined;
  if (preset && preset.kind !== 'openai_compatible') {
    // A hosted API of its own: steps use it by their type, so no OpenAI-compatible endpoint takes over.
    next.openaiCompatible = null;
    const key = preset.kind === 'anthropic' ? 'claude' : 'gemini';
    // Saved values stay (a null model still means none); the preset fills the request settings left unset.
    next[key] = { ...prefs[key], ...presetRequests(preset), ...definedOnly(prefs[key] ?? {}), ...(flags.model ? { model: flags.model } : {}), ...(flags.apiBase ? { apiBase: flags.apiBase } : {}) };
    return next;
  }
  if (preset || flags.apiBase) {
    const apiBase = flags.apiBase ?? preset!.apiBase;
    const saved = prefs.openaiCompatible?.apiBase === apiBase ? prefs.openaiCompatible.model : undefined;
    const model = flags.model ?? saved ?? (preset ?? presetForApiBase(apiBase))?.defaultModel ?? undefined;
    if (!model) throw new Error(`--model is needed: the ${preset?.label ?? 'server'} at ${apiBase} serves models by name`);
    // Request settings saved for this same endpoint win over the preset's.
    const { apiBase: _a, model: _m, ...savedRequests } = prefs.openaiCompatible?.apiBase === apiBase ? prefs.openaiCompatible : { apiBase, model };
    next.openaiCompatible = { apiBase, model, ...(preset ? presetRequests(preset) : {}), ...definedOnly(savedRequests) };
    return next;
  }
  if (flags.model) {
    if (!prefs.openaiCompatible) throw new Error('--model needs --provider or --api-base (an OpenAI-compatible endpoint) when none is saved in Settings; a step\'s own model is set with model: in the workflow');
    next.openaiCompatible = { ...prefs.openaiCompatible, model: flags.model };
  }
  return next;
}
