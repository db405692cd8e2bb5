import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTraditional, ProviderCallError } from '../../electron/core/providers/traditional-provider';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(async () => {
  await fake?.stop();
});

describe('traditional provider calls from the host', () => {
  it('calls an Anthropic Messages endpoint and reads text and usage', async () => {
    const r = await callTraditional({ provider: 'claude', model: 'claude-test', prompt: 'Say hello', apiKey: 'sk-test', apiBase: fake.anthropic });
    expect(r.text.length).toBeGreaterThan(0);
    expect(r.inputTokens).toBeGreaterThan(0);
    expect((await fake.requests('anthropic')).some((q) => q.path.endsWith('/v1/messages') && q.model === 'claude-test')).toBe(true);
  });

  it('calls a Gemini generateContent endpoint', async () => {
    const r = await callTraditional({ provider: 'gemini', model: 'gemini-test', prompt: 'Say hello', apiKey: 'g-test', apiBase: fake.gemini });
    expect(r.text.length).toBeGreaterThan(0);
    expect((await fake.requests('gemini')).some((q) => q.path.includes('/models/gemini-test:generateContent'))).toBe(true);
  });

  it('answers the mock provider without any network', async () => {
    const r = await callTraditional({ provider: 'mock', prompt: 'anything' });
    expect(r.text).toBe('Mock response for: anything');
  });

  it('refuses without a key, naming the environment variable', async () => {
    await expect(callTraditional({ provider: 'claude', prompt: 'x', apiBase: fake.anthropic })).rejects.toThrow(/ANTHROPIC_API_KEY/);
  });

  it('reports HTTP errors, wrong shapes and timeouts clearly', async () => {
    const server = http.createServer((req, res) => {
      if (req.url?.includes('slow')) return setTimeout(() => res.end('{}'), 2000);
      if (req.url?.includes('shape')) return res.end(JSON.stringify({ unexpected: true }));
      res.writeHead(529, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(callTraditional({ provider: 'claude', prompt: 'x', apiKey: 'k', apiBase: base })).rejects.toThrow(/HTTP 529/);
      await expect(callTraditional({ provider: 'claude', prompt: 'x', apiKey: 'k', apiBase: `${base}/shape` })).rejects.toThrow(/unexpected shape/);
      const slow = callTraditional({ provider: 'gemini', prompt: 'x', apiKey: 'k', apiBase: `${base}/slow`, timeoutMs: 200 });
      await expect(slow).rejects.toThrow(ProviderCallError);
      await expect(slow).rejects.toThrow(/timed out after 200 ms/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
