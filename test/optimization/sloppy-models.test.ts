/**
 * The loop (run, optimize, compare) through the real engine and Python bridge against a sloppy model:
 * the simulated LM's fault modes, and a real dspy.LM against the fake OpenAI-compatible server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../electron/core/studio';
import type { ProviderSettingsInput } from '../../electron/core/providers/provider-settings';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';

const dirs: string[] = [];
const studios: Studio[] = [];
async function open(providers: ProviderSettingsInput): Promise<Studio> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sloppy-'));
  dirs.push(dir);
  const s = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, ...providers } });
  studios.push(s);
  return s;
}
let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(async () => {
  for (const s of studios) await s.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await fake.stop();
});

const step = (fallback: 'fail' | 'traditional' = 'fail') => ({
  name: 'sloppy',
  steps: [{ name: 'classify', type: 'dspy_claude', dspy_signature: TOY_SIGNATURE, dspy_config: { fallback_strategy: fallback } }],
});
const inputs = (i: number) => ({ text: toyDataset(12, 7)[i].inputs.text as string });
const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };

describe('a sloppy simulated model', () => {
  it("run: ChatAdapter fallbacks are counted in the step record; an unparseable answer fails with the parser's reason", async () => {
    const studio = await open({ simulatedFaults: { format_violation_rate: 0.5 } });
    const records = [];
    for (let i = 0; i < 8; i++) records.push((await studio.run(step(), { baseDir: '.', inputs: inputs(i), mock: true })).records[0]);
    const ok = records.filter((r) => r.status === 'ok');
    expect(ok.some((r) => r.lmStats!.fallbacks === 1)).toBe(true);
    for (const r of ok) expect(r.lmStats!.adapterCalls).toBe(1 + r.lmStats!.fallbacks);
    const failed = records.filter((r) => r.status === 'failed');
    for (const r of failed) expect(r.error).toMatch(/AdapterParseError/);

    const echo = await open({ simulatedFaults: { echo: true } });
    const res = await echo.run(step(), { baseDir: '.', inputs: inputs(0), mock: true });
    expect(res.records[0].status).toBe('failed');
    expect(res.records[0].error).toMatch(/AdapterParseError/);
    // ChatAdapter could not parse the echo, asked again through JSONAdapter, which could not either.
    expect(res.records[0].lmStats).toEqual({ adapterCalls: 2, parseFailures: 2, fallbacks: 1, retries: {} });
    expect(echo.data.runs.list({ task: 'classify' })[0].error).toMatch(/AdapterParseError/);
  });

  it("workflow runs' parse failures feed the estimate's adapter retries and the per-step metrics", async () => {
    const studio = await open({ simulatedFaults: { format_violation_rate: 0.5 } });
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', toyDataset(20, 3).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const, labeled_by: 't' })), 't');
    const records = [];
    for (let i = 0; i < 8; i++) records.push((await studio.run(step(), { baseDir: '.', inputs: inputs(i), mock: true })).records[0]);
    const stats = records.flatMap((r) => (r.lmStats ? [r.lmStats] : []));
    const sum = (k: 'adapterCalls' | 'parseFailures' | 'fallbacks') => stats.reduce((s, x) => s + x[k], 0);
    expect(sum('fallbacks')).toBeGreaterThan(0);
    const [execution] = studio.metrics.executions();
    expect(execution.structuredOutput).toBe('chat');
    const perStep = studio.metrics.summary().bySteps;
    expect(perStep).toEqual([expect.objectContaining({ workflow: 'sloppy', step: 'classify', executions: 8, adapterCalls: sum('adapterCalls'), parseFailures: sum('parseFailures'), fallbacks: sum('fallbacks') })]);
    const lm = { provider: 'simulated' as const, model: execution.model!, faults: { format_violation_rate: 0.5 } };
    const estimate = studio.engine.estimate({ signature: 'classify', program, strategy: 'bootstrap_few_shot' as const, lm }).estimate;
    const rate = sum('fallbacks') / (sum('adapterCalls') - sum('fallbacks'));
    expect(estimate.lmCalls.breakdown.adapter_retries).toBeGreaterThan(0);
    expect(estimate.notes.join(' ')).toMatch(new RegExp(`${(rate * 100).toFixed(1)}% of this model's answers failed to parse`));
  });

  it('optimize counts parse failures, the next estimate adds the adapter retries it measured, compare runs under 429s', async () => {
    const studio = await open({ simulatedFaults: { format_violation_rate: 0.5 } });
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', toyDataset(40, 3).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const, labeled_by: 't' })), 't');
    const lm = { provider: 'simulated' as const, model: 'simulated/toy', faults: { format_violation_rate: 0.5 } };
    const req = { signature: 'classify', program, strategy: 'bootstrap_few_shot' as const, params: { max_bootstrapped_demos: 2, max_labeled_demos: 2 }, lm };
    const before = studio.engine.estimate(req).estimate;
    expect(before.lmCalls.breakdown.adapter_retries).toBeUndefined();
    const done = await studio.engine.wait(studio.engine.submit(req).id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const stats = done.result!.lmStats!;
    expect(stats.fallbacks).toBeGreaterThan(0);
    expect(stats.adapterCalls).toBe(done.result!.lmCalls);
    expect(Object.values(done.result!.usage!).reduce((s, u) => s + (u.adapter?.fallbacks ?? 0), 0)).toBe(stats.fallbacks);
    const after = studio.engine.estimate({ ...req, params: { max_bootstrapped_demos: 3, max_labeled_demos: 2 } }).estimate;
    const rate = stats.fallbacks / (stats.adapterCalls - stats.fallbacks);
    expect(after.lmCalls.breakdown.adapter_retries).toBeGreaterThan(0);
    expect(after.notes.join(' ')).toMatch(new RegExp(`${(rate * 100).toFixed(1)}% of this model's answers failed to parse`));

    const report = await studio.compare({ signature: 'classify', a: 'baseline', b: { version: done.result!.programVersion }, lm: { ...lm, faults: { http_errors: [429, 500], retry_after_s: 0 } } });
    expect(report.n).toBeGreaterThan(0);
  });
});

describe('a sloppy OpenAI-compatible server (real dspy.LM over HTTP)', () => {
  const server = (extra: Record<string, unknown> = {}) => ({ openaiCompatible: { apiBase: `${fake.openai}/v1`, model: 'tiny', timeoutS: 1, maxRetries: 1, ...extra } });

  it('retries a 429 and records it; a constrained-output provider sends its dialect', async () => {
    await fake.setFaults('openai', { http_errors: [429], retry_after_s: 0.2 });
    const studio = await open(server({ structuredOutput: 'llamacpp_json_schema' }));
    const r = (await studio.run(step(), { baseDir: '.', inputs: inputs(1) })).records[0];
    expect(r.status, r.error).toBe('ok');
    expect(r.lmStats).toEqual({ adapterCalls: 1, parseFailures: 0, fallbacks: 0, retries: { rate_limit: 1 } });
    const seen = await fake.requests('openai');
    expect(seen).toHaveLength(2);
    expect(seen[1].response_format).toMatchObject({ type: 'json_object', schema: { required: ['label'] } });
    expect(seen[1].max_tokens).toBe(1024);
  });

  it('an estimate for a model whose parse failures were never measured says it counts no adapter retries', async () => {
    const studio = await open(server());
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', toyDataset(20, 3).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const, labeled_by: 't' })), 't');
    const lm = { provider: 'openai_compatible' as const, model: 'tiny', api_base: `${fake.openai}/v1` };
    const req = { signature: 'classify', program, strategy: 'bootstrap_few_shot' as const, lm };
    expect(studio.engine.estimate(req).estimate.notes.join(' ')).toMatch(/no adapter retries counted: no optimization or workflow run of tiny has measured/);
    expect(studio.engine.estimate({ ...req, lm: { ...lm, structured_output: 'llamacpp_json_schema' as const } }).estimate.notes.join(' ')).not.toMatch(/adapter retries/);
  });

  it('a timed-out request is closed before its retry, and the step fails with the timeout as its cause', async () => {
    await fake.setFaults('openai', { first_token_ms: 2500 });
    const studio = await open(server());
    const r = (await studio.run(step(), { baseDir: '.', inputs: inputs(2) })).records[0];
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/Timeout|timed out/i);
    expect(r.lmStats!.retries).toEqual({ timeout: 1 });
    const [first, second] = await fake.requests('openai');
    expect(first.closed).toBeDefined();
    expect(first.closed!).toBeLessThanOrEqual(second.t);
  });

  it('stopping a run closes the request in flight at once: the server sees the hang-up, not its own timeout', async () => {
    await fake.setFaults('openai', { first_token_ms: 20_000 });
    const studio = await open(server({ timeoutS: 60 }));
    const stop = new AbortController();
    const running = studio.run(step(), { baseDir: '.', inputs: inputs(4), signal: stop.signal });
    while ((await fake.requests('openai')).length === 0) await new Promise((r) => setTimeout(r, 50));
    const stoppedAt = Date.now() / 1000;
    stop.abort();
    await running.catch(() => undefined);
    let seen = await fake.requests('openai');
    for (let i = 0; i < 40 && seen[0].closed === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await fake.requests('openai');
    }
    expect(seen).toHaveLength(1);
    expect(seen[0].closed! - stoppedAt).toBeLessThan(1.5);
  });

  it('a server that is not running is named as refusing the connection, first, even when the fallback fails too', async () => {
    const studio = await open({ openaiCompatible: { apiBase: 'http://127.0.0.1:9/v1', model: 'tiny' } });
    const r = (await studio.run(step('traditional'), { baseDir: '.', inputs: inputs(3) })).records[0];
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^DSPy path failed: [^;]*connection refused by http:\/\/127\.0\.0\.1:9\/v1: is the server running/);
  });
});
