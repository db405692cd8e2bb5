import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/storage';
import { WorkflowRunStore } from '../../electron/core/workflow-runs/run-store';
import type { RunTrace } from '../../shared/run/trace';

const trace = (id: string, over: Partial<RunTrace> = {}): RunTrace => ({
  runId: id,
  workflow: 'w',
  path: '/tmp/w.yaml',
  status: 'running',
  model: 'simulated',
  inputs: { text: 'x' },
  startedAt: `2026-12-01T10:00:0${id}.000Z`,
  finishedAt: null,
  durationMs: null,
  steps: [{ index: 0, step: 'a', type: 'dspy_claude', status: 'running' }],
  ...over,
});

describe('workflow run store', () => {
  it('keeps the latest trace of a run, lists newest first with totals, and narrows by path', () => {
    const store = new WorkflowRunStore(openDatabase(':memory:'));
    store.save(trace('1'));
    const done = trace('1', { status: 'failed', finishedAt: 'x', durationMs: 12, steps: [{ index: 0, step: 'a', type: 'dspy_claude', status: 'failed', error: 'boom', tokens: { input: 5, output: 2 }, costUsd: 0.5 }] });
    store.save(done);
    store.save(trace('2', { status: 'ok', path: '/tmp/other.yaml' }));
    expect(store.get('1')).toEqual(done);
    expect(store.list({ workflow: 'w', limit: 10 }).map((r) => r.runId)).toEqual(['2', '1']);
    expect(store.list({ workflow: 'w', path: '/tmp/w.yaml', limit: 10 })).toEqual([
      { runId: '1', workflow: 'w', path: '/tmp/w.yaml', status: 'failed', model: 'simulated', startedAt: done.startedAt, durationMs: 12, steps: 1, failedStep: 'a', tokensIn: 5, tokensOut: 2, costUsd: 0.5 },
    ]);
  });

  it('a run a previous process left running reads as interrupted', () => {
    const db = openDatabase(':memory:');
    new WorkflowRunStore(db).save(trace('3'));
    const store = new WorkflowRunStore(db);
    expect(store.markInterrupted()).toBe(1);
    expect(store.get('3')?.status).toBe('interrupted');
  });
});
