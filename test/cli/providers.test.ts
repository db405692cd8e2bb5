/** The CLI runs with the providers the app saved (providers.json) or an endpoint named on the command line, and bounds generation. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../electron/cli/main';

/** A local OpenAI-compatible server answering every chat completion in DSPy's ChatAdapter format. */
let server: Server;
let base = '';
const seen: { path: string; body: Record<string, unknown> }[] = [];
const GOOD = '[[ ## label ## ]]\nfruit\n\n[[ ## completed ## ]]';
let answer = GOOD;
beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      seen.push({ path: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('/models')) return res.end(JSON.stringify({ object: 'list', data: [{ id: 'served', object: 'model' }] }));
      res.end(
        JSON.stringify({
          id: `cmpl-${seen.length}`,
          object: 'chat.completion',
          created: 0,
          model: body.model,
          // A request that constrains its answer to a JSON schema gets JSON.
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: body.response_format ? JSON.stringify({ label: 'fruit' }) : answer } }],
          usage: { prompt_tokens: 40, completion_tokens: 6, total_tokens: 46 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise((r) => server.close(r)));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
let out = '';
let err = '';
beforeEach(() => {
  seen.length = 0;
  answer = GOOD;
  vi.spyOn(process.stdout, 'write').mockImplementation((s: any) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: any) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

async function cli(...args: string[]) {
  out = '';
  err = '';
  const code = await main(args);
  return { code, out, err };
}

const FLOW = path.resolve(__dirname, '../fixtures/workflows/toy_classify.yaml');

describe('CLI providers', () => {
  it('uses the endpoint saved in Settings (providers.json), and --api-base/--model over it; every call bounds max_tokens', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-prov-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ openaiCompatible: { apiBase: base, model: 'saved-model' }, generation: { maxTokens: 256 } }));
    const saved = await cli('--data-dir', dir, 'run', FLOW, '--input', 'text=apple pear', '--json');
    expect(saved.code, saved.err).toBe(0);
    expect(JSON.parse(saved.out).records[0]).toMatchObject({ status: 'ok', outputs: { label: 'fruit' } });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0].path).toMatch(/\/chat\/completions$/);
    expect(seen[0].body).toMatchObject({ model: 'saved-model', max_tokens: 256 });

    seen.length = 0;
    const flagged = await cli('--data-dir', dir, 'run', FLOW, '--input', 'text=plum', '--api-base', base, '--model', 'flag-model', '--json');
    expect(flagged.code, flagged.err).toBe(0);
    expect(seen[0].body).toMatchObject({ model: 'flag-model', max_tokens: 256 });
  }, 120_000);

  it('a parsed answer that holds a placeholder is a failure with its cause, not an ok result', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-prov-'));
    dirs.push(dir);
    answer = '[[ ## label ## ]]\n{label}\n\n[[ ## completed ## ]]';
    const r = await cli('--data-dir', dir, 'run', FLOW, '--input', 'text=apple pear', '--api-base', base, '--model', 'tiny', '--json');
    expect(r.code).toBe(1);
    const record = JSON.parse(r.out).records[0];
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/^DSPy path failed: the model's answer is not usable: output label is the placeholder "\{label\}"/);
  }, 120_000);

  it('refuses a broken providers.json naming the file and field, --model without an endpoint, and an unknown preset', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-prov-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ openaiCompatible: { apiBase: 'not a url', model: 'm' } }));
    const bad = await cli('--data-dir', dir, 'run', FLOW, '--input', 'text=x');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/providers\.json: openaiCompatible\.apiBase: /);
    rmSync(path.join(dir, 'providers.json'));
    const usage = await cli('--data-dir', dir, 'run', FLOW, '--input', 'text=x', '--model', 'm');
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--model needs --provider or --api-base/);
    const preset = await cli('--data-dir', dir, 'run', FLOW, '--input', 'text=x', '--provider', 'llama');
    expect(preset.code).toBe(2);
    expect(preset.err).toMatch(/--provider must be one of ollama, llamacpp, vllm, lmstudio, openai, anthropic, gemini \(got "llama"\)/);
    expect((await cli('--data-dir', dir, 'run', FLOW, '--api-base', 'nope')).err).toMatch(/--api-base must be a URL/);
  });

  it('--provider takes a preset, at --api-base when the server is elsewhere; --model alone changes the saved endpoint\'s model', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-prov-'));
    dirs.push(dir);
    const r = await cli('--data-dir', dir, 'run', FLOW, '--input', 'text=apple pear', '--provider', 'llamacpp', '--api-base', base, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).records[0]).toMatchObject({ status: 'ok', outputs: { label: 'fruit' } });
    // llama.cpp serves the model it loaded: the preset's default name is enough; the preset asks for its JSON dialect.
    expect(seen[0].body).toMatchObject({ model: 'default', max_tokens: 1024, response_format: { type: 'json_object', schema: { properties: { label: { type: 'string' } } } } });

    writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ openaiCompatible: { apiBase: base, model: 'saved-model' } }));
    seen.length = 0;
    const m = await cli('--data-dir', dir, 'run', FLOW, '--input', 'text=plum', '--model', 'other-model', '--json');
    expect(m.code, m.err).toBe(0);
    expect(seen[0].body).toMatchObject({ model: 'other-model' });
  }, 120_000);

  it('providers test reports the models and the speed, and exits 1 with the real cause when nothing listens', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-prov-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ openaiCompatible: { apiBase: base, model: 'saved-model' } }));
    const ok = await cli('--data-dir', dir, 'providers', 'test', '--json');
    expect(ok.code, ok.err).toBe(0);
    const r = JSON.parse(ok.out);
    expect(r).toMatchObject({ ok: true, target: { apiBase: base, model: 'saved-model' }, completion: { ok: true, completionTokens: 6 } });
    expect(r.completion.tokensPerSecond).toBeGreaterThan(0);
    expect(seen.map((s) => s.path)).toEqual(['/v1/models', '/v1/chat/completions']);

    const text = await cli('--data-dir', dir, 'providers', 'test');
    expect(text.out).toMatch(/completion: \d+ ms, 6 tokens, [\d.]+ tokens\/s over the whole request/);
    expect(text.out).toMatch(/connection ok/);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await cli('--data-dir', dir, 'providers', 'test', '--api-base', `http://127.0.0.1:${port}/v1`);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/models: FAILED \(connection_refused\) connection refused at http:\/\/127\.0\.0\.1:\d+\/v1\/models: is the server running/);
    expect(refused.out).toMatch(/connection test failed/);

    const presets = await cli('providers', 'presets', '--json');
    expect(JSON.parse(presets.out).map((p: { id: string }) => p.id)).toContain('llamacpp');
  });
});
