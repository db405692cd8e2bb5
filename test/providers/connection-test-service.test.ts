/** Presets and the connection test over the StudioApi (what Settings calls), and the endpoint's request settings saved there. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../electron/core/studio-service/service';

let server: Server;
let base = '';
let svc: StudioService;
let dataDir = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/models') return res.end(JSON.stringify({ data: [{ id: 'tiny' }] }));
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ choices: [{ message: { content: 'ready' } }], usage: { prompt_tokens: 9, completion_tokens: 2 } })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'prov-test-'));
  svc = createStudioService({ dataDir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 } } });
});
afterAll(async () => {
  await svc.close();
  await new Promise((r) => server.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('providers.presets and providers.test', () => {
  it('lists the presets without host-only fields', async () => {
    const { presets } = await svc.call('providers.presets', {});
    expect(presets.map((p) => p.id)).toEqual(['ollama', 'llamacpp', 'vllm', 'lmstudio', 'openai', 'anthropic', 'gemini']);
    expect(presets[1]).toEqual({ id: 'llamacpp', label: 'llama.cpp server', kind: 'openai_compatible', local: true, defaultPort: 8080, apiBase: 'http://127.0.0.1:8080/v1', defaultModel: 'default', structuredOutput: 'llamacpp_json_schema', numThreads: 1, timeoutS: 300 });
  });

  it('with nothing configured and no choice, says there is nothing to test', async () => {
    await expect(svc.call('providers.test', {})).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/no provider to test/) });
    await expect(svc.call('providers.test', { preset: 'gemini' })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/GEMINI_API_KEY/) });
    await expect(svc.call('providers.test', { preset: 'nope' as never })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('tests an endpoint named in the call, then the saved one; its request settings are saved and reported', async () => {
    const named = await svc.call('providers.test', { apiBase: base, model: 'tiny' });
    expect(named).toMatchObject({ ok: true, target: { preset: null, apiBase: base, model: 'tiny' }, models: { ids: ['tiny'] }, completion: { ok: true, completionTokens: 2 } });

    const status = await svc.call('providers.update', { openaiCompatible: { apiBase: base, model: 'tiny', structuredOutput: 'llamacpp_json_schema', numThreads: 2, timeoutS: 120 } });
    expect(status.openaiCompatible).toMatchObject({ apiBase: base, requests: { structuredOutput: 'llamacpp_json_schema', numThreads: 2, timeoutS: 120, maxRetries: 2, requestsPerMinute: null } });
    expect(JSON.parse(readFileSync(path.join(dataDir, 'providers.json'), 'utf8')).openaiCompatible).toMatchObject({ numThreads: 2, timeoutS: 120 });
    const saved = await svc.call('providers.test', {});
    expect(saved).toMatchObject({ ok: true, target: { apiBase: base, model: 'tiny' } });

    const bad = (await svc.call('providers.update', { openaiCompatible: { apiBase: base, model: 'tiny', numThreads: 0 } }).catch((e: unknown) => e)) as { issues?: { path: string }[] };
    expect(bad.issues?.[0].path).toBe('openaiCompatible.numThreads');
  });
});
