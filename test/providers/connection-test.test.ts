/** The connection test against local fake servers: models and speed when it works, the real cause when it does not. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectionTargetFor, testConnection } from '../../electron/core/providers/connection-test';
import { PROVIDER_PRESETS } from '../../electron/core/providers/provider-presets';
import { providerSettingsSchema } from '../../electron/core/providers/provider-settings';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void;
let handler: Handler;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
let server: Server;
let base = '';

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};
const completion = (content: string, usage: object | null = { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 }) => ({
  id: 'c1',
  object: 'chat.completion',
  model: 'tiny-served',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
  ...(usage ? { usage } : {}),
});
/** An OpenAI-compatible server with one model. */
const openaiLike: Handler = (req, res) => {
  if (req.url === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'tiny', object: 'model' }] });
  if (req.url === '/v1/chat/completions') return setTimeout(() => json(res, 200, completion('ready')), 50);
  json(res, 404, { error: 'not found' });
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
  handler = openaiLike;
});

const target = (over: Partial<Parameters<typeof testConnection>[0]> = {}) => ({ preset: PROVIDER_PRESETS.llamacpp, apiBase: `${base}/v1`, timeoutMs: 5000, ...over });

describe('testConnection', () => {
  it('lists the models and times one tiny bounded completion on the first of them', async () => {
    const r = await testConnection(target({ model: undefined }));
    expect(r.ok).toBe(true);
    expect(r.models).toMatchObject({ ok: true, ids: ['tiny'] });
    expect(r.completion).toMatchObject({ ok: true, model: 'tiny-served', text: 'ready', promptTokens: 12, completionTokens: 4 });
    const c = r.completion as Extract<typeof r.completion, { ok: true }>;
    expect(c.latencyMs).toBeGreaterThanOrEqual(40);
    expect(c.tokensPerSecond).toBeCloseTo(4 / (c.latencyMs / 1000), 6);
    const call = seen.find((s) => s.url === '/v1/chat/completions')!;
    expect(call.body).toMatchObject({ model: 'tiny', max_tokens: 16, temperature: 0 });
  });

  it('sends the key as a bearer token and the named model', async () => {
    await testConnection(target({ model: 'named', apiKey: 'sk-local' }));
    expect(seen[0].headers.authorization).toBe('Bearer sk-local');
    expect(seen[1].body.model).toBe('named');
  });

  it("reads Ollama's own model list beside its /v1", async () => {
    handler = (req, res, body) => {
      if (req.url === '/api/tags') return json(res, 200, { models: [{ name: 'smollm2:135m', size: 1 }, { name: 'llama3.1:8b', size: 2 }] });
      if (req.url === '/v1/chat/completions') return json(res, 200, completion('ready'));
      json(res, 404, { error: `no ${req.url} ${JSON.stringify(body)}` });
    };
    const r = await testConnection(target({ preset: PROVIDER_PRESETS.ollama }));
    expect(r.models).toMatchObject({ ok: true, ids: ['smollm2:135m', 'llama3.1:8b'] });
    expect(r.target.model).toBe('smollm2:135m');
    expect(r.ok).toBe(true);
  });

  it("speaks Anthropic's and Gemini's own APIs with their key headers", async () => {
    handler = (req, res) => {
      if (req.url === '/v1/models') return json(res, 200, { data: [{ id: 'claude-haiku-4-5' }] });
      if (req.url === '/v1/messages') return json(res, 200, { model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'ready' }], usage: { input_tokens: 10, output_tokens: 2 } });
      if (req.url === '/v1beta/models') return json(res, 200, { models: [{ name: 'models/gemini-2.5-flash' }] });
      if (req.url?.startsWith('/v1beta/models/gemini-2.5-flash:generateContent')) return json(res, 200, { candidates: [{ content: { parts: [{ text: 'ready' }] } }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 3 } });
      json(res, 404, {});
    };
    const a = await testConnection(target({ preset: PROVIDER_PRESETS.anthropic, apiBase: base, model: 'claude-haiku-4-5', apiKey: 'ak' }));
    expect(a).toMatchObject({ ok: true, models: { ids: ['claude-haiku-4-5'] }, completion: { text: 'ready', completionTokens: 2 } });
    expect(seen[1].headers['x-api-key']).toBe('ak');
    expect(seen[1].body).toMatchObject({ max_tokens: 16 });
    seen.length = 0;
    const g = await testConnection(target({ preset: PROVIDER_PRESETS.gemini, apiBase: base, model: undefined, apiKey: 'gk' }));
    expect(g).toMatchObject({ ok: true, models: { ids: ['gemini-2.5-flash'] }, completion: { text: 'ready', completionTokens: 3 } });
    expect(seen[1].headers['x-goog-api-key']).toBe('gk');
  });

  it('says the speed is unknown when the server reports no token usage', async () => {
    handler = (req, res) => (req.url === '/v1/models' ? json(res, 200, { data: [{ id: 'tiny' }] }) : json(res, 200, completion('ready', null)));
    const r = await testConnection(target());
    expect(r.completion).toMatchObject({ ok: true, completionTokens: null, tokensPerSecond: null });
  });

  it('classifies connection refused and does not try a completion', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await testConnection(target({ apiBase: `http://127.0.0.1:${port}/v1` }));
    expect(r.ok).toBe(false);
    expect(r.models).toMatchObject({ ok: false, error: { kind: 'connection_refused', status: null } });
    expect((r.models as { error: { message: string } }).error.message).toContain(`127.0.0.1:${port}/v1/models`);
    expect(r.completion).toBeNull();
  });

  it('classifies an HTTP error with its status and body', async () => {
    handler = (req, res) => (req.url === '/v1/models' ? json(res, 200, { data: [{ id: 'tiny' }] }) : json(res, 500, { error: { message: "Unrecognized schema: 'json_schema'" } }));
    const r = await testConnection(target());
    expect(r.ok).toBe(false);
    expect(r.completion).toMatchObject({ ok: false, error: { kind: 'http_status', status: 500 } });
    expect((r.completion as { error: { message: string } }).error.message).toMatch(/HTTP 500: .*Unrecognized schema/);
  });

  it('classifies a server that does not answer in time, and the test ends at the timeout', async () => {
    handler = () => undefined;
    const started = performance.now();
    const r = await testConnection(target({ model: 'tiny', timeoutMs: 300 }));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(r.models).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(r.completion).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect((r.completion as { error: { message: string } }).error.message).toMatch(/within 300 ms/);
  });

  it('classifies a dropped connection', async () => {
    handler = (req) => req.socket.destroy();
    const r = await testConnection(target({ model: 'tiny' }));
    expect(r.models).toMatchObject({ ok: false, error: { kind: 'connection_dropped' } });
  });

  it('classifies an answer that is not JSON or not the expected shape', async () => {
    handler = (req, res) => {
      if (req.url === '/v1/models') {
        res.writeHead(200);
        return res.end('<html>proxy login</html>');
      }
      json(res, 200, { choices: [] });
    };
    const r = await testConnection(target({ model: 'tiny' }));
    expect(r.models).toMatchObject({ ok: false, error: { kind: 'bad_response', status: 200 } });
    expect(r.completion).toMatchObject({ ok: false, error: { kind: 'bad_response' } });
    expect((r.completion as { error: { message: string } }).error.message).toMatch(/unexpected shape: choices/);
  });

  it('names the missing model when the server lists none and the preset has no default', async () => {
    handler = (_req, res) => json(res, 200, { data: [] });
    const r = await testConnection(target({ preset: PROVIDER_PRESETS.vllm }));
    expect(r.completion).toMatchObject({ ok: false, error: { kind: 'no_model' } });
  });
});

describe('connectionTargetFor', () => {
  const settings = (v: object) => providerSettingsSchema.parse(v);

  it('tests the saved OpenAI-compatible endpoint, recognising the preset by its port', () => {
    const t = connectionTargetFor(settings({ openaiCompatible: { apiBase: 'http://127.0.0.1:11434/v1', model: 'smollm2', apiKey: 'k' } }));
    expect(t).toMatchObject({ preset: { id: 'ollama' }, apiBase: 'http://127.0.0.1:11434/v1', model: 'smollm2', apiKey: 'k', timeoutMs: 60_000 });
  });

  it('a named preset goes to its default address; --api-base and --model over it', () => {
    expect(connectionTargetFor(settings({}), { preset: 'lmstudio' })).toMatchObject({ preset: { id: 'lmstudio' }, apiBase: 'http://127.0.0.1:1234/v1', model: undefined });
    expect(connectionTargetFor(settings({}), { preset: 'llamacpp', apiBase: 'http://127.0.0.1:9999/v1', model: 'm', timeoutMs: 1234 })).toMatchObject({
      apiBase: 'http://127.0.0.1:9999/v1',
      model: 'm',
      timeoutMs: 1234,
    });
  });

  it('hosted presets need their key and say which variable holds it', () => {
    expect(() => connectionTargetFor(settings({}), { preset: 'anthropic' })).toThrow(/ANTHROPIC_API_KEY/);
    expect(connectionTargetFor(settings({ claude: { apiKey: 'k' } }))).toMatchObject({ preset: { id: 'anthropic' }, apiBase: 'https://api.anthropic.com', model: 'claude-sonnet-4-5' });
    expect(() => connectionTargetFor(settings({}))).toThrow(/no provider to test/);
  });
});
