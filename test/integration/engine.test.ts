import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signatureHash } from '../../shared/dspy/signature';
import { Studio } from '../../electron/core/studio';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';

const dirs: string[] = [];
const studios: Studio[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'engine-'));
  dirs.push(d);
  return d;
}
async function open(opts: Partial<Parameters<typeof Studio.open>[0]> = {}): Promise<Studio> {
  const s = await Studio.open({ dataDir: tmp(), pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 }, ...opts });
  studios.push(s);
  return s;
}
afterAll(async () => {
  for (const s of studios) await s.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workflow(dspyConfig: Record<string, unknown>, stepConfig: Record<string, unknown> = {}) {
  return {
    name: 'toy_labels',
    dspy_config: dspyConfig,
    steps: [{ name: 'classify', type: 'dspy_claude', dspy_signature: TOY_SIGNATURE, dspy_config: stepConfig }],
  };
}

function seed(studio: Studio, n = 80) {
  studio.data.registerSignature('classify', TOY_SIGNATURE);
  const rows = toyDataset(n, 3).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const, labeled_by: 'tester' }));
  studio.data.addExamples('classify', rows, 'tester');
}

const sigHash = signatureHash(TOY_SIGNATURE);

describe('optimization engine and real-time execution (real bridge, simulated LM)', () => {
  it('collects a run, optimizes, caches, adopts, and uses the optimized program on the next run', async () => {
    const studio = await open();
    const wf = workflow({ optimization_enabled: true, training_data_collection: true });
    const first = await studio.run(wf, { baseDir: '.', inputs: { text: 'apple banana otter' }, mock: true });
    expect(first.records[0]).toMatchObject({ status: 'ok', mode: 'baseline' });
    expect(studio.data.itemsFor('classify').length).toBe(1);

    seed(studio);
    const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
    const lm = { provider: 'simulated' as const, model: 'simulated/toy' };
    const progress: string[] = [];
    studio.engine.on('event', (e) => e.type === 'progress' && progress.push(e.progress.phase));
    const job = studio.engine.submit({ signature: 'classify', program, strategy: 'bootstrap_few_shot', params: { max_bootstrapped_demos: 4, max_labeled_demos: 4 }, lm });
    const done = await studio.engine.wait(job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.result!.optimizedScore).toBeGreaterThan(done.result!.baselineScore);
    expect(done.result!.promoted).toBe(true);
    expect(progress[0]).toBe('baseline');
    expect(progress).toContain('done');
    expect(studio.data.audit.list().some((e) => e.action === 'program.promote')).toBe(true);

    const again = studio.engine.submit({ signature: 'classify', program, strategy: 'bootstrap_few_shot', params: { max_bootstrapped_demos: 4, max_labeled_demos: 4 }, lm, datasetVersion: done.datasetVersion ?? undefined });
    expect(again.status).toBe('succeeded');
    expect(again.result!.cached).toBe(true);

    const second = await studio.run(wf, { baseDir: '.', inputs: { text: 'apple banana otter' }, mock: true });
    expect(second.records[0]).toMatchObject({ status: 'ok', mode: 'optimized', programVersion: done.result!.programVersion });
    const metrics = studio.metrics.summary();
    expect(metrics.executions).toBe(2);
    expect(metrics.cache.hits).toBe(1);
    // A step with cache_enabled: false does not use the stored program.
    const uncached = workflow({ optimization_enabled: true }, { cache_enabled: false });
    expect((await studio.run(uncached, { baseDir: '.', inputs: { text: 'apple banana otter' }, mock: true })).records[0].mode).toBe('baseline');

    // Adaptive thresholds: 5 failing executions of the promoted program start a re-optimization.
    const versionId = done.result!.programVersion;
    let last;
    for (let i = 0; i < 5; i++) {
      const run = studio.data.runs.record({ signature_hash: sigHash, step: 'classify', inputs: { text: `x${i}` }, mode: 'optimized', error: 'provider error' });
      last = { runId: run.id, step: 'classify', signatureHash: sigHash, mode: 'optimized' as const, ok: false, latencyMs: 1, tokens: 0, cost: 0, programVersion: versionId, timestamp: Date.now() };
      studio.metrics.record(last);
    }
    const decision = studio.adaptive.check(last!, program, lm);
    expect(decision?.reoptimize).toBe(true);
    expect(decision?.reasons[0]).toMatch(/error rate 0\.833 > 1\.5 x baseline 0\.000/);
    expect(studio.adaptive.triggered[0]).toMatchObject({ versionId });
    expect(studio.adaptive.check(last!, program, lm)).toBeUndefined();

    const rolled = studio.engine.rollback('classify', 'tester');
    expect(rolled.to).toBeUndefined();
    const third = await studio.run(wf, { baseDir: '.', inputs: { text: 'apple banana otter' }, mock: true });
    expect(third.records[0].mode).toBe('baseline');
  });

  it('warms the workers with the most used promoted programs when the pool starts', async () => {
    const dataDir = tmp();
    const first = await Studio.open({ dataDir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
    seed(first);
    const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
    const job = await first.engine.wait(first.engine.submit({ signature: 'classify', program, lm: { provider: 'simulated', model: 'simulated/toy' } }).id);
    expect(job.result?.promoted).toBe(true);
    await first.close();
    const second = await Studio.open({ dataDir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
    studios.push(second);
    await second.pool();
    expect(await second.warming).toEqual([job.result!.programVersion]);
  });

  it('falls back to traditional execution when real-time optimization outlasts max_wait_time', async () => {
    const studio = await open({ providers: { claude: {}, gemini: {}, simulatedLatencyMs: 300 } });
    seed(studio, 40);
    const wf = workflow({ optimization_enabled: true, real_time_optimization: true }, { max_wait_time: 400 });
    const started = performance.now();
    const res = await studio.run(wf, { baseDir: '.', inputs: { text: 'teal amber crimson' }, mock: true });
    const elapsed = performance.now() - started;
    expect(res.records[0]).toMatchObject({ status: 'ok', mode: 'fallback' });
    expect(res.records[0].reason).toMatch(/still running after max_wait_time 400 ms/);
    // The pool's cold start is outside the deadline; the deadline itself is respected.
    expect(elapsed).toBeLessThan(400 + 10_000);
    const again = await studio.run(wf, { baseDir: '.', inputs: { text: 'teal amber' }, mock: true });
    expect(again.records[0].mode).toBe('fallback');
    // The second miss joins the optimization already under way instead of starting another.
    const live = studio.engine.jobs.list({ task: 'classify' }).filter((j) => j.status === 'running' || j.status === 'queued');
    expect(live).toHaveLength(1);
    const running = live[0];
    studio.engine.cancel(running!.id);
    expect((await studio.engine.wait(running!.id)).status).toBe('cancelled');
  });

  it('keeps traditional steps and DSPy fallbacks running when the Python side is down, and fails with fallback_strategy fail', async () => {
    const fake: FakeProviders = await startFakeProviders();
    try {
      const studio = await open({
        pool: { poolSize: 1, pythonPath: '/nonexistent/python3', healthCheckInterval: 0 },
        providers: { claude: { apiKey: 'sk-test', apiBase: fake.anthropic }, gemini: { apiKey: 'g-test', apiBase: fake.gemini }, simulatedLatencyMs: 0 },
      });
      const wf = {
        name: 'down',
        dspy_config: { optimization_enabled: true },
        steps: [
          { name: 'plain', type: 'claude', prompt: [{ type: 'static', content: 'Label: apple pear' }] },
          { name: 'classify', type: 'dspy_gemini', dspy_signature: TOY_SIGNATURE, dspy_config: { fallback_strategy: 'traditional' } },
        ],
      };
      const res = await studio.run(wf, { baseDir: '.', inputs: { text: 'apple pear plum' } });
      expect(res.records.map((r) => [r.status, r.mode])).toEqual([
        ['ok', 'traditional'],
        ['ok', 'fallback'],
      ]);
      expect(res.records[1].reason).toMatch(/Python|runtime|nonexistent/i);
      expect((await fake.requests('gemini')).length).toBeGreaterThan(0);
      // The step succeeded through the fallback, but the DSPy path failed: monitoring counts it as an error.
      const execs = studio.metrics.executions();
      expect(execs.map((e) => [e.step, e.mode, e.ok])).toEqual([
        ['plain', 'traditional', true],
        ['classify', 'fallback', false],
      ]);
      // Traditional calls are priced from their tokens (the fake servers report usage).
      expect(execs[0].tokens).toBeGreaterThan(0);
      expect(execs[0].cost).toBeGreaterThan(0);

      const failing = { ...wf, steps: [{ ...wf.steps[1], dspy_config: { fallback_strategy: 'fail' } }] };
      const failed = await studio.run(failing, { baseDir: '.', inputs: { text: 'apple pear plum' } });
      expect(failed.records[0].status).toBe('failed');
      expect(studio.metrics.executions().filter((e) => !e.ok)).toHaveLength(2);

      // When the fallback fails too (no key), the error leads with the DSPy path's real cause, and the failed run is stored.
      const nokeys = await open({ pool: { poolSize: 1, pythonPath: '/nonexistent/python3', healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
      const both = await nokeys.run({ name: 'both', steps: [{ name: 'classify', type: 'dspy_claude', dspy_signature: TOY_SIGNATURE, dspy_config: { fallback_strategy: 'traditional' } }] }, { baseDir: '.', inputs: { text: 'apple pear plum' } });
      expect(both.records[0].status).toBe('failed');
      expect(both.records[0].error).toMatch(/^DSPy path failed: .*nonexistent.*; the traditional fallback failed too: .*key/is);
      expect(nokeys.data.runs.list({ task: 'classify' })[0]).toMatchObject({ mode: 'fallback', error: expect.stringMatching(/^DSPy path failed/) });
    } finally {
      await fake.stop();
    }
  });

  it('reports a significant win of the optimized program over the baseline in an offline A/B comparison', async () => {
    const studio = await open();
    seed(studio, 400);
    const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
    const lm = { provider: 'simulated' as const, model: 'simulated/toy' };
    const job = await studio.engine.wait(studio.engine.submit({ signature: 'classify', program, strategy: 'bootstrap_few_shot', params: { max_bootstrapped_demos: 4, max_labeled_demos: 4 }, lm }).id);
    expect(job.status, job.error ?? '').toBe('succeeded');
    const report = await studio.compare({ signature: 'classify', a: 'baseline', b: { version: job.result!.programVersion }, lm });
    expect(report.n).toBeGreaterThanOrEqual(30);
    expect(report.arms.b.mean).toBeGreaterThan(report.arms.a.mean);
    expect(report.aggregate.test).toMatch(/McNemar/i);
    expect(report.aggregate.pValue).toBeLessThan(0.05);
    expect(report.aggregate.significant).toBe(true);
    expect(report.aggregate.wins).toBeGreaterThan(report.aggregate.losses);
    expect(report.examples.filter((e) => e.outcome === 'win').length).toBe(report.aggregate.wins);
  });

  it('really gates behaviour on feature flags, collection and the rollout percentage', async () => {
    const studio = await open({
      plugins: {
        dspy_plugin: {
          config: {
            deployment: { phase: 'canary', rollout_percentage: 100, feature_flags: ['optimization_enabled', 'real_time_optimization'] },
          },
        },
      },
    });
    const wf = workflow({ optimization_enabled: true, training_data_collection: true });
    const modes = [];
    for (const text of ['a b c', 'apple', 'otter lynx', 'teal', 'saw drill', 'plum', 'gecko', 'ochre ivory', 'pliers', 'mango pear']) {
      modes.push((await studio.run(wf, { baseDir: '.', inputs: { text }, mock: true })).records[0].mode);
    }
    // canary caps the rollout at 1%: nearly every unit stays on traditional execution.
    expect(modes.filter((m) => m === 'traditional').length).toBeGreaterThanOrEqual(9);
    // training_data_collection is not among the feature flags: nothing was collected.
    expect(studio.data.itemsFor(sigHash).length).toBe(0);
  });
});
