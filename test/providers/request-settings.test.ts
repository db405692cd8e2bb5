import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lmForStep, providerSettingsFrom, readProviderPrefs } from '../../electron/core/providers/provider-settings';

describe('provider request settings', () => {
  it('a local server defaults to one thread and a long timeout, a hosted API to eight threads', () => {
    const local = lmForStep('dspy_claude', providerSettingsFrom({ openaiCompatible: { apiBase: 'http://127.0.0.1:8080/v1', model: 'm' } }, {}));
    expect(local).toMatchObject({ timeout_s: 300, num_retries: 2, num_threads: 1, structured_output: 'chat' });
    expect(local.requests_per_minute).toBeUndefined();
    const hosted = lmForStep('dspy_claude', providerSettingsFrom({}, { ANTHROPIC_API_KEY: 'k' }));
    expect(hosted).toMatchObject({ timeout_s: 60, num_threads: 8 });
  });

  it('saved settings override the defaults and a saved null restores the default', () => {
    const prefs = {
      openaiCompatible: { apiBase: 'http://localhost:8080/v1', model: 'm', timeoutS: 900, numThreads: 2, requestsPerMinute: 30, structuredOutput: 'llamacpp_json_schema' as const, maxRetries: null },
    };
    expect(lmForStep('dspy_claude', providerSettingsFrom(prefs, {}))).toMatchObject({
      timeout_s: 900,
      num_threads: 2,
      requests_per_minute: 30,
      structured_output: 'llamacpp_json_schema',
      num_retries: 2,
    });
  });

  it('a bad value in providers.json is an error naming the field', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'prefs-'));
    const file = path.join(dir, 'providers.json');
    await writeFile(file, JSON.stringify({ openaiCompatible: { apiBase: 'http://localhost:1/v1', model: 'm', numThreads: 0 } }));
    await expect(readProviderPrefs(file)).rejects.toThrow(/openaiCompatible\.numThreads/);
    await writeFile(file, JSON.stringify({ claude: { structuredOutput: 'xml' } }));
    await expect(readProviderPrefs(file)).rejects.toThrow(/claude\.structuredOutput/);
  });
});
