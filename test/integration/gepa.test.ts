import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Studio } from '../../electron/core/studio';
import { quotedNotes } from '../../shared/dspy/gepa-tree';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';

const dirs: string[] = [];
const studios: Studio[] = [];
afterAll(async () => {
  for (const s of studios) await s.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const NOTE = 'most of these words name one category: answer with the majority category';

describe('GEPA through the engine (real bridge, simulated LM)', () => {
  it("passes the labelers' notes to the runtime, reports its tree in progress and result, and adopts on dev", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gepa-'));
    dirs.push(dir);
    const studio = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
    studios.push(studio);
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', toyDataset(60, 3).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const, labeled_by: 'tester' })), 'tester');
    const train = studio.data.examplesForOptimization('classify').train.slice(0, 6);
    for (const ex of train) studio.data.label(ex.id, { action: 'correct', by: 'ann', outputs: ex.outputs, note: NOTE });

    const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
    const lm = { provider: 'simulated' as const, model: 'simulated/toy' };
    const params = { auto: null, max_metric_calls: 150 };
    const { estimate } = studio.engine.estimate({ signature: 'classify', program, strategy: 'gepa', params, lm });
    expect(estimate.reflection).toMatchObject({ model: 'simulated/toy' });
    expect(estimate.lmCalls.breakdown.candidate_evaluation).toBe(150);

    const trees: number[] = [];
    studio.engine.on('event', (e) => e.type === 'progress' && e.progress.gepa && trees.push(e.progress.gepa.candidates.length));
    const job = studio.engine.submit({ signature: 'classify', program, strategy: 'gepa', params, lm });
    const done = await studio.engine.wait(job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const r = done.result!;
    expect(r.optimizedScore).toBeGreaterThan(r.baselineScore);
    expect(trees.length).toBeGreaterThan(0);
    const tree = r.gepa!;
    expect(tree.candidates.length).toBeGreaterThan(1);
    expect(tree.candidates.flatMap(quotedNotes)).toContain(NOTE);
    expect(tree.candidates[tree.best!].instructions).toEqual(r.instructions);
    expect(r.decision.reason).toMatch(/gepa: dev-set gain .* threshold \+0\.080/);
  }, 120_000);
});

describe('cancelling GEPA', () => {
  it('keeps the best candidate so far: the job ends cancelled with its result and a program version, not promoted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gepa-cancel-'));
    dirs.push(dir);
    const studio = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 2 } });
    studios.push(studio);
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', toyDataset(60, 5).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const, labeled_by: 'tester' })), 'tester');
    const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
    const lm = { provider: 'simulated' as const, model: 'simulated/toy', latency_ms: 2 };
    const job = studio.engine.submit({ signature: 'classify', program, strategy: 'gepa', params: { auto: null, max_metric_calls: 5000 }, lm });
    let asked = false;
    studio.engine.on('event', (e) => {
      if (!asked && e.type === 'progress' && e.jobId === job.id && (e.progress.gepa?.candidates.length ?? 0) >= 2) {
        asked = true;
        studio.engine.cancel(job.id);
      }
    });
    const done = await studio.engine.wait(job.id);
    expect(done.status).toBe('cancelled');
    expect(done.error).toMatch(/cancelled by the user; GEPA kept its best candidate so far/);
    const r = done.result!;
    expect(r.gepa!.candidates.length).toBeGreaterThanOrEqual(2);
    expect(r.gepa!.candidates.length).toBeLessThan(100); // far from the 5000-call budget
    expect(r.instructions).toEqual(r.gepa!.candidates[r.gepa!.best!].instructions);
    expect(r.promoted).toBe(false);
    expect(r.promotion).toMatch(/stopped early/);
    expect(studio.engine.versions.get(r.programVersion)?.programState).toBeTruthy();
  }, 120_000);
});
