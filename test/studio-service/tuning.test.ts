import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../electron/core/studio-service/service';
import type { EventEnvelope } from '../../shared/api/index';

const TOY = {
  input_fields: [{ name: 'text', type: 'string', description: 'a few words' }],
  output_fields: [{ name: 'label', type: 'string', description: 'one of: fruit, animal, color, tool' }],
  instructions: 'Label the text.',
};
const dataset = readFileSync(path.resolve('templates/sample-project/data/toy_labels.jsonl'));

let dataDir: string;
let service: StudioService;
const events: EventEnvelope[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'tuning-svc-'));
  service = createStudioService({ dataDir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } } });
  service.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('tuning handlers', () => {
  it('registers, imports with row errors, lists, labels and versions', async () => {
    const { signature, created } = await service.call('data.registerSignature', { name: 'classify', spec: TOY });
    expect(created).toBe(true);
    const bad = await service.call('data.import', { signature: 'classify', fileName: 'bad.jsonl', content: Buffer.from('{"inputs":{"text":"a"}}\nnot json\n').toString('base64') });
    expect(bad.ok).toBe(false);
    expect(bad.errors[0].line).toBe(2);
    const rep = await service.call('data.import', { signature: 'classify', fileName: 'toy_labels.jsonl', content: dataset.toString('base64') });
    expect(rep).toMatchObject({ ok: true, inserted: 320 });
    const list = await service.call('data.list', { signature: signature.hash, labelState: 'unlabeled' });
    expect(list.rows).toHaveLength(12);
    expect(list.rows[0].quality).toBeTypeOf('number');
    const labeled = await service.call('data.label', { id: list.rows[0].id, action: 'accept', rating: 5 });
    expect(labeled.row).toMatchObject({ labelState: 'accepted', rating: 5, labeledBy: 'tester' });
    const corrected = await service.call('data.label', { id: list.rows[1].id, action: 'correct', outputs: { label: 'tool' } });
    expect(corrected.row.outputs).toEqual({ label: 'tool' });
    await expect(service.call('data.label', { id: 'nope', action: 'accept' })).rejects.toMatchObject({ code: 'not_found' });
    const q = await service.call('data.quality', { signature: 'classify' });
    expect(q.examples).toBe(320);
    expect(q.findings.length).toBeGreaterThan(0);
    expect(q.bias.dimensions.length).toBe(5);
    const v1 = await service.call('data.createVersion', { signature: 'classify', note: 'first' });
    await service.call('data.label', { id: list.rows[2].id, action: 'reject' });
    const v2 = await service.call('data.createVersion', { signature: 'classify' });
    const diff = await service.call('data.diff', { signature: 'classify', a: v1.version.id, b: v2.version.id });
    expect(diff.changed).toHaveLength(1);
    const lineage = await service.call('data.lineage', { version: v2.version.id });
    expect(lineage.parent?.id).toBe(v1.version.id);
    const exported = await service.call('data.export', { signature: 'classify', format: 'csv' });
    expect(exported.content.split('\n')[0]).toContain('text');
    const undone = await service.call('data.label', { id: list.rows[0].id, action: 'undo' });
    expect(undone.row).toMatchObject({ labelState: 'unlabeled', rating: null, labeledBy: null });
    await expect(service.call('data.label', { id: list.rows[1].id, action: 'undo', rating: 3 })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('estimates, optimizes with streamed progress, explains, compares, promotes and exports', async () => {
    const req = { signature: 'classify', strategy: 'bootstrap_few_shot' as const, params: { max_bootstrapped_demos: 4, max_labeled_demos: 4 } };
    const est = await service.call('optimize.estimate', { ...req, budget: { maxLmCalls: 1 } });
    expect(est.estimate.lmCalls.expected).toBeGreaterThan(0);
    expect(est.budget?.ok).toBe(false);
    expect(est.lmLabel).toBe('simulated (offline demo)');
    await expect(service.call('optimize.run', { ...req, budget: { maxLmCalls: 1 } })).rejects.toMatchObject({ code: 'bad_request' });
    const { job } = await service.call('optimize.run', req);
    const studio = await service.studio();
    const done = await studio.engine.wait(job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(events.some((e) => e.event === 'optimize.progress')).toBe(true);
    expect(events.some((e) => e.event === 'optimize.job' && (e.payload as { job: { status: string } }).job.status === 'succeeded')).toBe(true);
    const detail = await service.call('optimize.job', { jobId: job.id });
    expect(detail.job.result!.optimizedScore).toBeGreaterThan(detail.job.result!.baselineScore);
    expect(detail.demos.length).toBeGreaterThan(0);
    expect(detail.demos.some((d) => d.exampleId && d.labeledBy)).toBe(true);
    const versionId = detail.job.result!.programVersion;
    const cmp = await service.call('compare.run', { signature: 'classify', a: 'baseline', b: { version: versionId } });
    expect(cmp.n).toBeGreaterThan(0);
    expect(cmp.wins).toBeGreaterThan(cmp.losses);
    expect(cmp.aggregate.pValue).not.toBeNull();
    // A row opens with both arms' traces: the optimized arm's prompt carries its demos, the baseline's does not.
    const win = cmp.examples.find((e) => e.outcome === 'win') ?? cmp.examples[0];
    const traces = await service.call('compare.trace', { signature: 'classify', a: 'baseline', b: { version: versionId }, exampleId: win.id });
    expect(traces.a).toMatchObject({ label: 'baseline', error: null });
    expect(traces.b.outputs).toEqual(win.b.outputs);
    const sent = (t: typeof traces.a) => t.lmCalls.flatMap((c) => c.messages.map((m) => m.content)).join('\n');
    expect(sent(traces.a)).toContain(String(win.inputs.text));
    expect(sent(traces.b).length).toBeGreaterThan(sent(traces.a).length);
    await expect(service.call('compare.trace', { signature: 'classify', a: 'baseline', b: { version: versionId }, exampleId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    const versions = await service.call('optimize.versions', { signature: 'classify' });
    expect(versions.versions[0].lmCalls).toBeGreaterThan(0);
    await service.call('optimize.promote', { versionId });
    const rb = await service.call('optimize.rollback', { signature: 'classify' });
    expect(rb.from).toBe(versionId);
    const out = path.join(dataDir, 'exported', 'program.json');
    const ex = await service.call('optimize.export', { versionId, kind: 'json', path: out });
    expect(existsSync(ex.specPath!)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')))).toContain('metadata');
    const py = await service.call('optimize.export', { versionId, kind: 'python', path: path.join(dataDir, 'exported', 'program.py') });
    expect(py.bytes).toBeGreaterThan(100);
  }, 180_000);

  it('experiments, monitor, config and providers', async () => {
    const exp = await service.call('experiments.create', {
      name: 'baseline vs traditional',
      signature: 'classify',
      arms: [
        { id: 'control', kind: 'traditional', weight: 1 },
        { id: 'dspy', kind: 'baseline_dspy', weight: 1 },
      ],
      targetSampleSize: 50,
    });
    await service.call('experiments.transition', { id: exp.experiment.id, to: 'running' });
    const a = await service.call('experiments.analyze', { id: exp.experiment.id });
    expect(a.experiment.status).toBe('running');
    expect(a.analysis.arms).toHaveLength(2);
    const snap = await service.call('monitor.snapshot', {});
    expect(snap.deployment.phases).toContain('full_production');
    expect(snap.pool.started).toBe(true);
    const { config } = await service.call('config.update', { patch: { deployment: { rollout_percentage: 25 } } });
    expect((config.deployment as { rollout_percentage: number }).rollout_percentage).toBe(25);
    expect((await service.call('monitor.snapshot', {})).deployment.rolloutPercentage).toBe(25);
    await expect(service.call('config.update', { patch: { deployment: { rollout_percentage: 250 } } })).rejects.toMatchObject({ code: 'bad_request' });
    const p = await service.call('providers.status', {});
    expect(p).toMatchObject({ simulated: true, activeLabel: 'simulated (offline demo)' });
    const p2 = await service.call('providers.update', { openaiCompatible: { apiBase: 'http://127.0.0.1:11434/v1', model: 'llama3.1' } });
    expect(p2.simulated).toBe(false);
    expect(JSON.stringify(p2)).not.toMatch(/apiKey/);
    const p3 = await service.call('providers.update', { openaiCompatible: null });
    expect(p3.simulated).toBe(true);
  });

  it('validates workflows through the host validator', async () => {
    const r = await service.call('workflow.validate', { text: 'workflow:\n  name: x\n  steps:\n    - name: a\n      type: nope\n' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].message).toMatch(/nope/);
  });
});
