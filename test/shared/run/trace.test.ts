import { describe, expect, it } from 'vitest';
import { compareTraces, traceTotals, type RunTrace, type TraceStep } from '../../../shared/run/trace';

const run = (steps: Partial<TraceStep>[]): RunTrace => ({
  runId: 'r',
  workflow: 'w',
  path: null,
  status: 'ok',
  model: 'simulated',
  inputs: {},
  startedAt: '2026-12-01T00:00:00.000Z',
  finishedAt: null,
  durationMs: null,
  steps: steps.map((s, index) => ({ index, step: `s${index}`, type: 'dspy_claude', status: 'ok', ...s })),
});

describe('trace', () => {
  it('totals the measured tokens, cost and LM calls', () => {
    const call = { model: 'm', messages: [], outputs: [], promptTokens: 1, completionTokens: 1 };
    expect(traceTotals(run([{ tokens: { input: 3, output: 2 }, costUsd: 0.5, lmCalls: [call, call] }, { status: 'skipped' }, { tokens: { input: 1, output: 1 } }]).steps)).toEqual({
      tokensIn: 4,
      tokensOut: 3,
      costUsd: 0.5,
      lmCalls: 2,
    });
  });

  it('compares two runs by step name: different outputs (key order aside), different statuses, steps of one side only', () => {
    const a = run([{ step: 'x', outputs: { a: 1, b: 2 } }, { step: 'y', outputs: 'p' }, { step: 'only_a' }]);
    const b = run([{ step: 'y', outputs: 'q' }, { step: 'x', outputs: { b: 2, a: 1 } }, { step: 'only_b', status: 'failed' }]);
    expect(compareTraces(a, b).map((c) => [c.step, c.outputsDiffer, c.statusDiffers, Boolean(c.a), Boolean(c.b)])).toEqual([
      ['x', false, false, true, true],
      ['y', true, false, true, true],
      ['only_a', false, true, true, false],
      ['only_b', false, true, false, true],
    ]);
  });
});
