import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Studio } from '../../electron/core/studio';
import { estimateVsActual } from '../support/estimate-vs-actual';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';

describe('estimated against really made LM calls (real bridge, simulated LM, sample data)', () => {
  it('is within 25% for bootstrap_few_shot, copro and mipro light', async () => {
    const rows = await estimateVsActual();
    expect(rows.map((r) => r.strategy)).toEqual(['bootstrap_few_shot', 'copro', 'mipro']);
    for (const r of rows) {
      expect(r.actual, r.strategy).toBeGreaterThan(0);
      expect(r.ratio, `${r.strategy}: estimated ${r.estimated}, made ${r.actual}`).toBeGreaterThanOrEqual(0.75);
      expect(r.ratio, `${r.strategy}: estimated ${r.estimated}, made ${r.actual}`).toBeLessThanOrEqual(1.25);
      // Tokens, looser: prompt sizes are measured on the examples, the adapter's overhead is a constant.
      for (const ratio of [r.tokens.inputRatio, r.tokens.outputRatio]) {
        expect(ratio, `${r.strategy} tokens ${JSON.stringify(r.tokens)}`).toBeGreaterThan(0.5);
        expect(ratio, `${r.strategy} tokens ${JSON.stringify(r.tokens)}`).toBeLessThan(2);
      }
    }
  }, 300_000);
});

describe('engine lifecycle', () => {
  const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
  const lm = { provider: 'simulated' as const, model: 'simulated/toy' };

  it('a cache hit is not left running; an interrupted queued job is reported failed, not resumed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'engine-lifecycle-'));
    const studio = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
    try {
      studio.data.registerSignature('classify', TOY_SIGNATURE);
      studio.data.addExamples('classify', toyDataset(30, 4).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const })), 'tester');
      const req = { signature: 'classify', program, lm, strategy: 'bootstrap_few_shot' as const };
      // No latency set and nothing measured yet: the time is unknown, not 0 ms.
      expect(studio.engine.estimate(req).estimate).toMatchObject({ wallTimeMs: null, timeBasis: { source: 'unknown' } });
      const first = await studio.engine.wait(studio.engine.submit(req).id);
      expect(first.status).toBe('succeeded');
      // Then it comes from the measured time per call of that run.
      const timed = studio.engine.estimate(req).estimate;
      expect(timed.timeBasis).toMatchObject({ source: 'measured', samples: first.result!.lmCalls });
      expect(timed.timeBasis!.msPerCall).toBeCloseTo((first.result!.wallTimeS * 1000) / first.result!.lmCalls, 6);
      expect(studio.engine.estimate({ ...req, lm: { ...lm, latency_ms: 40 } }).estimate.timeBasis).toMatchObject({ source: 'configured', msPerCall: 40 });
      const hit = studio.engine.submit({ ...req, datasetVersion: first.datasetVersion ?? undefined });
      expect(hit.result?.cached).toBe(true);
      // Nothing runs for a cache hit: there is nothing to cancel.
      expect(studio.engine.cancel(hit.id)).toBe(false);

      // A job the app stopped while it was queued.
      studio.data.db.prepare("UPDATE optimization_jobs SET status = 'queued', result_json = NULL, finished_at = NULL WHERE id = ?").run(first.id);
      const r = studio.engine.recover();
      expect(r).toEqual({ failed: [first.id], resumed: [] });
      const job = studio.engine.get(first.id)!;
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/interrupted while queued.*submit it again/);
    } finally {
      await studio.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
