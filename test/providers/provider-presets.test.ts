/** Presets: their defaults, recognising one by address, and command-line choices over the saved preferences. */
import { describe, expect, it } from 'vitest';
import { PRESET_IDS, providerPresetSummarySchema } from '../../shared/api/providers';
import { presetForApiBase, presetList, presetSummary, prefsWithFlags, PROVIDER_PRESETS } from '../../electron/core/providers/provider-presets';
import { lmForStep, providerSettingsFrom } from '../../electron/core/providers/provider-settings';

describe('provider presets', () => {
  it('local servers listen on their usual ports and speak their own structured-output dialect', () => {
    expect(PROVIDER_PRESETS.ollama).toMatchObject({ defaultPort: 11434, apiBase: 'http://127.0.0.1:11434/v1', structuredOutput: 'ollama_format', numThreads: 1 });
    expect(PROVIDER_PRESETS.llamacpp).toMatchObject({ defaultPort: 8080, structuredOutput: 'llamacpp_json_schema', numThreads: 1, defaultModel: 'default' });
    expect(PROVIDER_PRESETS.vllm).toMatchObject({ defaultPort: 8000, structuredOutput: 'openai_json_schema' });
    expect(PROVIDER_PRESETS.lmstudio).toMatchObject({ defaultPort: 1234, numThreads: 1 });
    for (const p of presetList()) {
      // Every preset's address is its default port's, and hosted APIs run 8 calls at once.
      if (p.defaultPort !== null) expect(new URL(p.apiBase).port).toBe(String(p.defaultPort));
      if (!p.local) expect(p.numThreads).toBe(8);
      expect(p.timeoutS).toBe(p.local ? 300 : 60);
    }
    expect(presetList().map((p) => p.id)).toEqual([...PRESET_IDS]);
  });

  it('the renderer gets each preset through the wire schema, without host-only fields', () => {
    for (const p of presetList()) {
      const s = providerPresetSummarySchema.parse(presetSummary(p));
      expect(s).not.toHaveProperty('keyEnv');
      expect(s.apiBase).toBe(p.apiBase);
    }
  });

  it('recognises a preset from an endpoint address', () => {
    expect(presetForApiBase('http://localhost:11434/v1')?.id).toBe('ollama');
    expect(presetForApiBase('http://127.0.0.1:8080/v1')?.id).toBe('llamacpp');
    expect(presetForApiBase('https://api.openai.com/v1')?.id).toBe('openai');
    expect(presetForApiBase('http://127.0.0.1:5555/v1')).toBeNull();
    expect(presetForApiBase('not a url')).toBeNull();
  });
});

describe('prefsWithFlags', () => {
  const saved = { openaiCompatible: { apiBase: 'http://127.0.0.1:8080/v1', model: 'saved' }, generation: { maxTokens: 256 } };

  it('changes nothing without flags', () => {
    expect(prefsWithFlags(saved, {})).toEqual(saved);
  });

  it('a local preset switches to its default address with its request settings, keeping what was saved for that address', () => {
    const llama = { timeoutS: 300, numThreads: 1, structuredOutput: 'llamacpp_json_schema' };
    expect(prefsWithFlags(saved, { preset: 'llamacpp' }).openaiCompatible).toEqual({ apiBase: 'http://127.0.0.1:8080/v1', model: 'saved', ...llama });
    expect(prefsWithFlags(saved, { preset: 'ollama', model: 'smollm2:135m' })).toEqual({
      ...saved,
      openaiCompatible: { apiBase: 'http://127.0.0.1:11434/v1', model: 'smollm2:135m', timeoutS: 300, numThreads: 1, structuredOutput: 'ollama_format' },
    });
    expect(prefsWithFlags({}, { preset: 'llamacpp', apiBase: 'http://127.0.0.1:9000/v1' }).openaiCompatible).toEqual({ apiBase: 'http://127.0.0.1:9000/v1', model: 'default', ...llama });
    const tuned = { openaiCompatible: { apiBase: 'http://127.0.0.1:8080/v1', model: 'm', structuredOutput: 'chat' as const, timeoutS: null, numThreads: 2 } };
    expect(prefsWithFlags(tuned, { preset: 'llamacpp' }).openaiCompatible).toEqual({ apiBase: 'http://127.0.0.1:8080/v1', model: 'm', timeoutS: 300, numThreads: 2, structuredOutput: 'chat' });
    // An address alone says nothing certain about the server: no preset settings are guessed.
    expect(prefsWithFlags({}, { apiBase: 'http://127.0.0.1:8080/v1' }).openaiCompatible).toEqual({ apiBase: 'http://127.0.0.1:8080/v1', model: 'default' });
  });

  it('the settings a preset fills reach the runtime', () => {
    const settings = providerSettingsFrom(prefsWithFlags({}, { preset: 'ollama', model: 'smollm2:135m' }), {});
    expect(lmForStep('dspy_claude', settings)).toMatchObject({ provider: 'openai_compatible', api_base: 'http://127.0.0.1:11434/v1', model: 'smollm2:135m', timeout_s: 300, num_threads: 1, structured_output: 'ollama_format' });
  });

  it('a server that serves models by name needs --model', () => {
    expect(() => prefsWithFlags({}, { preset: 'ollama' })).toThrow(/--model is needed: the Ollama at http:\/\/127\.0\.0\.1:11434\/v1/);
  });

  it('--model alone replaces the saved endpoint\'s model, and needs an endpoint', () => {
    expect(prefsWithFlags(saved, { model: 'other' }).openaiCompatible).toEqual({ apiBase: 'http://127.0.0.1:8080/v1', model: 'other' });
    expect(() => prefsWithFlags({}, { model: 'other' })).toThrow(/--model needs --provider or --api-base/);
  });

  it('a hosted preset of its own turns the saved endpoint off so steps use that API', () => {
    const p = prefsWithFlags(saved, { preset: 'anthropic', model: 'claude-haiku-4-5' });
    expect(p.openaiCompatible).toBeNull();
    expect(p.claude).toEqual({ model: 'claude-haiku-4-5', timeoutS: 60, numThreads: 8, structuredOutput: 'chat' });
    const settings = providerSettingsFrom(p, { ANTHROPIC_API_KEY: 'k' });
    expect(lmForStep('dspy_claude', settings)).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5', max_tokens: 256 });
  });
});
