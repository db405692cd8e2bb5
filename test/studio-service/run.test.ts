import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../electron/core/studio-service/service';
import type { EventEnvelope, EventPayload } from '../../shared/api/index';
import type { RunTrace } from '../../shared/run/trace';

const TOY = readFileSync(path.resolve('templates/sample-project/toy_labels.yaml'), 'utf8');
const FAILING = readFileSync(path.resolve('test/fixtures/run/failing_run.yaml'), 'utf8');

let dataDir: string;
let service: StudioService;
const events: EventPayload<'workflow.runEvent'>[] = [];

function finished(runId: string): Promise<RunTrace> {
  return new Promise((resolve) => {
    const check = () => {
      const done = events.find((e) => e.kind === 'run' && e.trace.runId === runId && e.trace.status !== 'running');
      if (done && done.kind === 'run') {
        off();
        resolve(done.trace);
      }
    };
    const off = service.subscribe(() => check());
    check();
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'run-svc-'));
  service = createStudioService({ dataDir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } } });
  service.subscribe((e: EventEnvelope) => {
    if (e.event === 'workflow.runEvent') events.push(e.payload as EventPayload<'workflow.runEvent'>);
  });
});
afterAll(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('workflow.run', () => {
  it('runs the sample on the simulated model and streams a trace with the prompt DSPy sent', async () => {
    const file = path.join(dataDir, 'toy_labels.yaml');
    const { runId, trace } = await service.call('workflow.run', { text: TOY, path: file, inputs: { text: 'apple pear plum otter' }, model: 'simulated' });
    expect(trace).toMatchObject({ status: 'running', workflow: 'toy_labels', steps: [{ step: 'classify', status: expect.stringMatching(/pending|running/) }] });
    const done = await finished(runId);
    expect(done.status).toBe('ok');
    const [step] = done.steps;
    expect(step).toMatchObject({ status: 'ok', mode: 'baseline', inputs: { text: 'apple pear plum otter' }, costUsd: 0, cacheHit: false });
    expect((step.outputs as { label: string }).label).toMatch(/fruit|animal|color|tool/);
    expect(step.reason).toMatch(/simulated/);
    expect(step.tokens!.input).toBeGreaterThan(0);
    expect(step.lmCalls).toHaveLength(1);
    expect(step.lmCalls![0].messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(step.lmCalls![0].messages[1].content).toContain('apple pear plum otter');
    expect(step.lmCalls![0].promptTokens).toBe(step.tokens!.input);
    expect(step.runRecordId).toBeTruthy();
    // The step went pending -> running -> ok in the stream.
    const states = events.filter((e) => e.kind === 'step' && e.runId === runId).map((e) => (e.kind === 'step' ? e.step.status : ''));
    expect(states).toEqual(['running', 'ok']);

    const history = await service.call('workflow.runs', { workflow: 'toy_labels', path: file });
    expect(history.runs[0]).toMatchObject({ runId, status: 'ok', steps: 1, failedStep: null, model: 'simulated' });
    expect(history.runs[0].tokensIn).toBe(step.tokens!.input);
    const reopened = await service.call('workflow.trace', { runId });
    expect(reopened.trace.steps[0].lmCalls).toEqual(step.lmCalls);

    const added = await service.call('workflow.addToDataset', { runId, step: 0 });
    expect(added.task).toBe('classify');
    // Collection may already have stored this execution; either way it is in the dataset now.
    if (!added.added) expect(added.reason).toMatch(/already stored/);
    const rows = await service.call('data.list', { signature: 'classify' });
    expect(rows.rows.some((r) => r.inputs.text === 'apple pear plum otter' && r.source === 'execution_history')).toBe(true);
  });

  it("a failing step 2 keeps step 1's output, names step 2's error and skips step 3", async () => {
    const { runId } = await service.call('workflow.run', { text: FAILING, inputs: { topic: 'ducks' }, model: 'simulated' });
    const done = await finished(runId);
    expect(done.status).toBe('failed');
    expect(done.steps.map((s) => [s.step, s.status])).toEqual([
      ['gather', 'ok'],
      ['judge', 'failed'],
      ['report', 'skipped'],
    ]);
    expect(done.steps[0].outputs).toEqual({ topic: 'ducks' });
    expect(done.steps[1].error).toMatch(/'evidence' has no value: give the run inputs\.evidence/);
    expect(done.steps[2].reason).toBe("not run: step 'judge' failed");
    const [summary] = (await service.call('workflow.runs', { workflow: 'failing_run' })).runs;
    expect(summary).toMatchObject({ status: 'failed', failedStep: 'judge' });
    await expect(service.call('workflow.addToDataset', { runId, step: 0 })).rejects.toMatchObject({ code: 'bad_request', issues: [{ path: 'step' }] });
    await expect(service.call('workflow.addToDataset', { runId, step: 1 })).rejects.toMatchObject({ code: 'bad_request', message: /failed/ });
  });

  it('stop cancels a run: the steps not reached are skipped', async () => {
    const text = TOY.replace('  steps:\n', '  steps:\n    - name: first\n      type: set_variable\n      variable: x\n      value: 1\n').concat('    - name: after\n      type: set_variable\n      variable: y\n      value: 2\n');
    const { runId } = await service.call('workflow.run', { text, inputs: { text: 'red blue' }, model: 'simulated' });
    expect((await service.call('workflow.stop', { runId })).stopped).toBe(true);
    const done = await finished(runId);
    expect(done.status).toBe('cancelled');
    // The DSPy step under way is cancelled, not answered by the traditional fallback.
    expect(done.steps[1]).toMatchObject({ step: 'classify', status: 'failed', error: expect.stringMatching(/cancel/i) });
    expect(done.steps.at(-1)).toMatchObject({ step: 'after', status: 'skipped' });
    expect((await service.call('workflow.stop', { runId })).stopped).toBe(false);
  });

  it('runs from the app are traffic for a running experiment on the step', async () => {
    await service.call('config.update', { patch: { deployment: { experiment_enabled: true } } });
    const { experiment } = await service.call('experiments.create', {
      name: 'gui traffic',
      signature: 'classify',
      arms: [
        { id: 'control', kind: 'baseline_dspy', weight: 1 },
        { id: 'plain', kind: 'traditional', weight: 1 },
      ],
      targetSampleSize: 100,
    });
    await service.call('experiments.transition', { id: experiment.id, to: 'running' });
    const texts = ['apple pear', 'otter eagle', 'red blue', 'hammer saw', 'plum fig', 'cat dog'];
    const traces: RunTrace[] = [];
    for (const text of texts) traces.push(await finished((await service.call('workflow.run', { text: TOY, inputs: { text }, model: 'simulated' })).runId));
    const { analysis } = await service.call('experiments.analyze', { id: experiment.id });
    expect(analysis.arms.reduce((n, a) => n + a.n, 0)).toBe(texts.length);
    // The trace says which arm served a step sent to the traditional arm.
    const plain = analysis.arms.find((a) => a.armId === 'plain')!.n;
    expect(traces.filter((t) => /arm plain/.test(t.steps[0].reason ?? '')).length).toBe(plain);
    await service.call('experiments.transition', { id: experiment.id, to: 'stopped' });
    await service.call('config.update', { patch: { deployment: { experiment_enabled: false } } });
  });

  it('a batch runs the workflow on the examples of a step dataset and counts the outputs that match their labels', async () => {
    const toy = readFileSync(path.resolve('templates/sample-project/data/toy_labels.jsonl'));
    await service.call('data.import', { signature: 'classify', fileName: 'toy_labels.jsonl', content: toy.toString('base64') });
    const batchEvents: EventPayload<'workflow.batchEvent'>[] = [];
    const off = service.subscribe((e) => e.event === 'workflow.batchEvent' && batchEvents.push(e.payload as EventPayload<'workflow.batchEvent'>));
    const started = await service.call('workflow.batch', { text: TOY, dataset: 'classify', labelState: 'accepted', limit: 4, model: 'simulated' });
    expect(started).toMatchObject({ status: 'running', total: 4, done: 0 });
    const end = await new Promise<EventPayload<'workflow.batchEvent'>>((resolve) => {
      const check = () => {
        const last = batchEvents.find((e) => e.batchId === started.batchId && e.status !== 'running');
        if (last) resolve(last);
      };
      service.subscribe(check);
      check();
    });
    off();
    expect(end).toMatchObject({ status: 'ok', total: 4, done: 4, ok: 4, failed: 0, compared: 4, currentRunId: null });
    expect(end.agree).toBeGreaterThanOrEqual(0);
    expect(end.agree).toBeLessThanOrEqual(4);
    expect(end.runIds).toHaveLength(4);
    // Each run is an ordinary run of the history, on one example's inputs.
    const traces = await Promise.all(end.runIds.map(async (runId) => (await service.call('workflow.trace', { runId })).trace));
    expect(traces.every((t) => t.status === 'ok' && typeof t.inputs.text === 'string')).toBe(true);
    expect(new Set(traces.map((t) => t.inputs.text)).size).toBe(4);
    const progress = batchEvents.filter((e) => e.batchId === started.batchId).map((e) => e.done);
    expect(progress).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4]);

    const long = await service.call('workflow.batch', { text: TOY, dataset: 'classify', limit: 200, model: 'simulated' });
    expect((await service.call('workflow.stopBatch', { batchId: long.batchId })).stopped).toBe(true);
    const stopped = await new Promise<EventPayload<'workflow.batchEvent'>>((resolve) => {
      const off2 = service.subscribe((e) => {
        const p = e.payload as EventPayload<'workflow.batchEvent'>;
        if (e.event === 'workflow.batchEvent' && p.batchId === long.batchId && p.status !== 'running') {
          off2();
          resolve(p);
        }
      });
    });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.done).toBeLessThan(200);
    await expect(service.call('workflow.batch', { text: TOY, dataset: 'nope', model: 'simulated' })).rejects.toMatchObject({ code: 'bad_request', issues: [{ path: 'dataset' }] });
  });

  it('after promotion the run uses the optimized program, and the trace shows the demos DSPy sent', async () => {
    // The dataset the batch test imported.
    const { job } = await service.call('optimize.run', { signature: 'classify', strategy: 'bootstrap_few_shot', params: { max_bootstrapped_demos: 2, max_labeled_demos: 2 } });
    const done = await (await service.studio()).engine.wait(job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const versionId = done.result!.programVersion!;
    await service.call('optimize.promote', { versionId });
    const trace = await finished((await service.call('workflow.run', { text: TOY, inputs: { text: 'kiwi lemon fig' }, model: 'simulated' })).runId);
    expect(trace.steps[0]).toMatchObject({ status: 'ok', mode: 'optimized', programVersion: versionId, cacheHit: true });
    // Demos travel as earlier user/assistant turns before the input.
    const messages = trace.steps[0].lmCalls![0].messages;
    expect(messages.filter((m) => m.role === 'assistant').length).toBeGreaterThan(0);
    expect(messages.at(-1)!.content).toContain('kiwi lemon fig');
    await service.call('optimize.rollback', { signature: 'classify' });
  });

  it('refuses what it cannot run, naming the field', async () => {
    await expect(service.call('workflow.run', { text: 'workflow:\n  name: x\n  steps: 3\n' })).rejects.toMatchObject({ code: 'bad_request', issues: [{ path: 'text' }] });
    await expect(service.call('workflow.run', { text: TOY, inputs: 'x' as never })).rejects.toMatchObject({ code: 'bad_request', issues: [{ path: 'inputs' }] });
    await expect(service.call('workflow.run', { text: TOY, model: 'gpt' as never })).rejects.toMatchObject({ issues: [{ path: 'model' }] });
    await expect(service.call('workflow.run', { text: TOY, path: 'relative/w.yaml' })).rejects.toMatchObject({ code: 'bad_request', issues: [{ path: 'path' }] });
    await expect(service.call('workflow.trace', { runId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
