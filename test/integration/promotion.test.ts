import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Studio } from '../../electron/core/studio';
import { stepPrograms } from '../../electron/core/dspy-plugin/step-programs';
import { inputHashOf, splitFor } from '../../electron/core/training-data';
import { signatureHash } from '../../shared/dspy/signature';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';

const dirs: string[] = [];
const studios: Studio[] = [];
async function open(config: Record<string, unknown> = {}): Promise<Studio> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'promote-'));
  dirs.push(dataDir);
  const s = await Studio.open({ dataDir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 }, plugins: { dspy_plugin: { config } } });
  studios.push(s);
  return s;
}
afterAll(async () => {
  for (const s of studios) await s.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const lm = { provider: 'simulated' as const, model: 'simulated/toy' };
const program = (signature: Record<string, unknown> = TOY_SIGNATURE) => ({ kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: signature as never });
const params = { max_bootstrapped_demos: 4, max_labeled_demos: 4 };
const workflow = (signature: Record<string, unknown> = TOY_SIGNATURE, enabled = true) => ({
  name: 'toy_labels',
  steps: [{ name: 'classify', type: 'dspy_claude', dspy_signature: signature, dspy_config: { optimization_enabled: enabled } }],
});

function seed(studio: Studio, n: number, keep: (split: string) => boolean = () => true) {
  studio.data.registerSignature('classify', TOY_SIGNATURE);
  const rows = toyDataset(n, 5)
    .filter((e) => keep(splitFor(inputHashOf('classify', e.inputs))))
    .map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const, labeled_by: 'tester' }));
  studio.data.addExamples('classify', rows, 'tester');
}

async function optimize(studio: Studio, strategy: 'bootstrap_few_shot' | 'copro' = 'bootstrap_few_shot') {
  const job = await studio.engine.wait(studio.engine.submit({ signature: 'classify', program: program(), strategy, params: strategy === 'copro' ? { breadth: 2, depth: 1 } : params, lm, requestedBy: 'tester' }).id);
  expect(job.status, job.error ?? '').toBe('succeeded');
  return job;
}

describe('promotion the user controls (real bridge, simulated LM)', () => {
  it('never replaces a better promoted program automatically; manual promote and rollback are audited with who', async () => {
    const studio = await open();
    seed(studio, 160);
    const first = await optimize(studio);
    expect(first.result).toMatchObject({ promoted: true, scoredOn: 'dev' });
    expect(first.result!.devSize).toBeGreaterThan(0);
    const promoted = studio.engine.promoted('classify')!;
    expect(promoted).toMatchObject({ id: first.result!.programVersion, promotedBy: 'optimizer:tester' });

    // A better program (same dataset version and signature) is promoted; a new run that scores lower stays a candidate.
    const better = studio.engine.versions.add({ ...promoted, optimizedScore: 1, status: 'candidate', jobId: null });
    studio.engine.promote(better.id, 'ann');
    const second = await studio.engine.wait(studio.engine.submit({ signature: 'classify', program: program(), strategy: 'bootstrap_few_shot', params: { ...params, max_rounds: 1, max_labeled_demos: 3 }, lm }).id);
    expect(second.status, second.error ?? '').toBe('succeeded');
    expect(second.result!.promoted).toBe(false);
    expect(second.result!.promotion).toMatch(/^kept the promoted bootstrap_few_shot program .* on the same \d+ dev examples/);
    expect(studio.engine.promoted('classify')!.id).toBe(better.id);

    // By hand: promote the new one, roll back to the better one; each audited with the actor.
    studio.engine.promote(second.result!.programVersion, 'bob');
    expect(studio.engine.promoted('classify')).toMatchObject({ id: second.result!.programVersion, promotedBy: 'bob' });
    const rolled = studio.engine.rollback('classify', 'carol');
    expect(rolled.to?.id).toBe(better.id);
    expect(studio.engine.promoted('classify')).toMatchObject({ id: better.id, promotedBy: 'carol' });
    const audit = studio.data.audit.list().filter((e) => e.action.startsWith('program.'));
    expect(audit.map((e) => [e.action, e.actor])).toEqual(expect.arrayContaining([['program.promote', 'bob'], ['program.rollback', 'carol'], ['program.promote', 'ann']]));
  });

  it('a run with no dev examples is not auto-promoted and says its scores are training-set scores', async () => {
    const studio = await open();
    seed(studio, 40, (split) => split === 'train');
    expect(studio.data.examplesForOptimization('classify').dev).toHaveLength(0);
    const job = await optimize(studio);
    expect(job.result).toMatchObject({ promoted: false, devSize: 0, scoredOn: 'train' });
    expect(job.result!.promotion).toMatch(/no dev examples: the scores are on the training set/);
    expect(studio.engine.promoted('classify')).toBeUndefined();
    // still promotable by hand
    studio.engine.promote(job.result!.programVersion, 'ann');
    expect(studio.engine.promoted('classify')?.id).toBe(job.result!.programVersion);
  });

  it('optimization.auto_promote: false promotes nothing by itself', async () => {
    const studio = await open({ optimization: { auto_promote: false } });
    seed(studio, 120);
    const job = await optimize(studio);
    expect(job.result!.decision.adopt).toBe(true);
    expect(job.result).toMatchObject({ promoted: false, promotion: 'optimization.auto_promote is off: promote it by hand' });
  });

  it('an instruction edit makes the promoted program stale, never a silent switch; a field change falls back and says so', async () => {
    const studio = await open();
    seed(studio, 120);
    const job = await optimize(studio);
    const id = job.result!.programVersion;
    const status = (wf: Record<string, unknown>) => stepPrograms({ engine: studio.engine, data: studio.data, config: studio.config }, wf, (v) => v.id)[0];

    expect(status(workflow())).toMatchObject({ runs: 'optimized', stale: null, promoted: id });
    expect(status(workflow(TOY_SIGNATURE, false))).toMatchObject({ runs: 'baseline', why: 'optimization_enabled is off for this step, so its promoted program is not used' });

    const reworded = { ...TOY_SIGNATURE, instructions: 'Label the text, please.' };
    const s = status(workflow(reworded));
    expect(s).toMatchObject({ runs: 'optimized', fieldsChanged: false, promoted: id });
    expect(s.stale).toMatch(/the signature's wording changed since it was optimized; keep it, re-optimize or fall back/);
    const run = await studio.run(workflow(reworded), { baseDir: '.', inputs: { text: 'apple pear otter' }, mock: true });
    expect(run.records[0]).toMatchObject({ mode: 'optimized', programVersion: id });
    expect(run.records[0].reason).toMatch(/stale program/);
    // the run registered the new wording under the same dataset
    expect(studio.data.signatures.list()).toEqual([expect.objectContaining({ name: 'classify', hash: signatureHash(reworded), versions: 2 })]);

    studio.data.signatures.setStaleChoice('classify', 'baseline');
    const base = await studio.run(workflow(reworded), { baseDir: '.', inputs: { text: 'apple pear otter' }, mock: true });
    expect(base.records[0].mode).toBe('baseline');
    expect(base.records[0].reason).toMatch(/set aside by choice, so the baseline ran/);

    const renamed = { ...TOY_SIGNATURE, output_fields: [{ name: 'category', type: 'string' }] };
    expect(status(workflow(renamed))).toMatchObject({ runs: 'baseline', fieldsChanged: true });
    expect(status(workflow(renamed)).stale).toMatch(/optimized for other fields \(added output category; removed output label\)/);
  });

  it('labels on collected runs are their quality: a promoted program judged worse than its dev score starts a re-optimization', async () => {
    const studio = await open({ real_time: { adaptive_thresholds: true } });
    seed(studio, 120);
    const job = await optimize(studio);
    const wf = { ...workflow(), dspy_config: { optimization_enabled: true, training_data_collection: true } };
    const before = studio.adaptive.triggered.length;
    const texts = ['apple pear', 'otter lynx', 'teal ochre', 'saw drill', 'plum mango', 'heron gecko'];
    for (const text of texts.slice(0, 5)) {
      const r = await studio.run(wf, { baseDir: '.', inputs: { text }, mock: true });
      expect(r.records[0]).toMatchObject({ mode: 'optimized', programVersion: job.result!.programVersion });
    }
    // A person rejects every collected output: their quality is 0.
    const collected = studio.data.examples.list({ task: 'classify', source: 'execution_history' });
    expect(collected).toHaveLength(5);
    for (const e of collected) studio.data.label(e.id, { action: 'reject', by: 'ann' });
    const judged = studio.metrics.executions().filter((e) => e.quality !== undefined);
    expect(judged.map((e) => e.quality)).toEqual([0, 0, 0, 0, 0]);
    await studio.run(wf, { baseDir: '.', inputs: { text: texts[5] }, mock: true });
    const trig = studio.adaptive.triggered.slice(before);
    expect(trig).toHaveLength(1);
    expect(trig[0].decision.reasons.join(' ')).toMatch(/quality 0\.000 < 0\.8 x baseline/);
  });

  it('a refused optimization leaves no dataset version behind', async () => {
    const studio = await open();
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    const run = (budget?: { maxLmCalls: number }) => () => studio.engine.submit({ signature: 'classify', program: program(), strategy: 'bootstrap_few_shot', params, lm, budget });
    expect(run()).toThrow(/needs at least 1 usable training example/);
    seed(studio, 40);
    expect(run({ maxLmCalls: 1 })).toThrow(/exceed/);
    expect(studio.data.versions.list('classify')).toEqual([]);
  });
});
