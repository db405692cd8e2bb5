import { describe, expect, it } from 'vitest';
import {
  analyze, assignArm, createExperiment, hashUnit, pickWeighted, recordOutcome, transitionExperiment,
  type Experiment, type Outcome,
} from '../../electron/core/experiments';

const arms = [
  { id: 'control', kind: 'baseline_dspy' as const, weight: 1 },
  { id: 'opt', kind: 'optimized' as const, programVersionId: 'v2', weight: 3 },
];

describe('createExperiment / lifecycle', () => {
  it('builds a draft with the first arm as control', () => {
    const e = createExperiment({ id: 'e1', arms, targetSampleSize: 100 });
    expect(e.status).toBe('draft');
    expect(e.controlArmId).toBe('control');
    expect(e.alpha).toBe(0.05);
  });
  it('lists every problem', () => {
    expect(() => createExperiment({
      id: 'e', targetSampleSize: 0,
      arms: [{ id: 'a', kind: 'optimized', weight: -1 }, { id: 'a', kind: 'traditional', weight: 0 }],
    })).toThrow(/unique.*arm a: weight.*programVersionId.*positive weight.*targetSampleSize/);
    expect(() => createExperiment({ id: 'e', arms: [arms[0]], targetSampleSize: 5 })).toThrow(/at least 2 arms/);
    expect(() => createExperiment({ id: 'e', arms, controlArmId: 'x', targetSampleSize: 5 })).toThrow(/control arm x/);
  });
  it('allows draft -> running -> stopped -> running -> completed and nothing after', () => {
    let e = createExperiment({ id: 'e1', arms, targetSampleSize: 10 });
    expect(() => transitionExperiment(e, 'completed')).toThrow(/cannot go from draft to completed/);
    e = transitionExperiment(e, 'running');
    e = transitionExperiment(e, 'stopped');
    e = transitionExperiment(e, 'running');
    e = transitionExperiment(e, 'completed');
    expect(() => transitionExperiment(e, 'running')).toThrow(/allowed: none/);
  });
});

describe('allocation', () => {
  it('hashUnit is deterministic, in [0, 1), and namespaced', () => {
    const h = hashUnit('ns', 'user-1');
    expect(hashUnit('ns', 'user-1')).toBe(h);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(1);
    expect(hashUnit('ns2', 'user-1')).not.toBe(h);
    expect(hashUnit('a', 'bc')).not.toBe(hashUnit('ab', 'c'));
  });
  it('pickWeighted skips zero weights', () => {
    expect(pickWeighted([0, 1, 0], 0)).toBe(1);
    expect(pickWeighted([1, 0, 1], 0.5)).toBe(2);
    expect(pickWeighted([1, 1, 0], 0.999999999)).toBe(1);
    expect(() => pickWeighted([0, 0], 0.3)).toThrow();
  });
  it('assignArm is sticky and respects the weights (1:3 over 8000 units)', () => {
    const e = createExperiment({ id: 'alloc', arms, targetSampleSize: 10 });
    expect(assignArm(e, 'u42').id).toBe(assignArm(e, 'u42').id);
    const counts: Record<string, number> = { control: 0, opt: 0 };
    for (let i = 0; i < 8000; i++) counts[assignArm(e, `u${i}`).id]++;
    // expected 2000 control, sd = sqrt(8000 * 0.25 * 0.75) = 38.7; allow 4 sd
    expect(Math.abs(counts.control - 2000)).toBeLessThan(155);
  });
});

function outcomes(exp: Experiment, armId: string, n: number, successRate: number, score: (i: number) => number | undefined): Outcome[] {
  return Array.from({ length: n }, (_, i) => ({
    experimentId: exp.id, armId, unitId: `${armId}-${i}`, ok: i < Math.round(n * successRate), score: score(i),
    latencyMs: 100 + (i % 10) * 10, cost: 0.001, timestamp: i,
  }));
}

describe('recordOutcome', () => {
  const e = transitionExperiment(createExperiment({ id: 'r', arms, targetSampleSize: 10 }), 'running');
  const o: Outcome = { experimentId: 'r', armId: 'opt', unitId: 'u', ok: true, latencyMs: 5, cost: 0, timestamp: 1 };
  it('accepts a valid outcome as a copy', () => {
    const r = recordOutcome(e, o);
    expect(r).toEqual(o);
    expect(r).not.toBe(o);
  });
  it('rejects wrong experiment, unknown arm, not running, negative latency', () => {
    expect(() => recordOutcome(e, { ...o, experimentId: 'x' })).toThrow(/belongs to experiment x/);
    expect(() => recordOutcome(e, { ...o, armId: 'zz' })).toThrow(/no arm zz/);
    expect(() => recordOutcome({ ...e, status: 'stopped' }, o)).toThrow(/is stopped/);
    expect(() => recordOutcome(e, { ...o, latencyMs: -1 })).toThrow(/>= 0/);
  });
});

describe('analyze', () => {
  const e = transitionExperiment(createExperiment({ id: 'a', arms, targetSampleSize: 200 }), 'running');
  it('reports per-arm stats and a significant win at the target', () => {
    const os = [
      ...outcomes(e, 'control', 200, 0.6, (i) => (i % 10) / 10),
      ...outcomes(e, 'opt', 250, 0.8, (i) => (i % 10) / 10 + 0.05),
    ];
    const r = analyze(e, os);
    const [c, t] = r.arms;
    expect(c.n).toBe(200);
    expect(t.n).toBe(250);
    expect(c.successRate).toBeCloseTo(0.6, 12);
    expect(t.successRate).toBeCloseTo(0.8, 12);
    expect(c.meanScore).toBeCloseTo(0.45, 12);
    expect(c.latencyP50).toBe(145);
    expect(c.latencyP95).toBeCloseTo(190, 6);
    expect(c.totalCost).toBeCloseTo(0.2, 12);
    expect(r.progress).toBe(1);
    expect(r.complete).toBe(true);
    const cmp = r.comparisons[0];
    expect(cmp.armId).toBe('opt');
    expect(cmp.successRate.difference).toBeCloseTo(0.2, 12);
    expect(cmp.successRate.significant).toBe(true);
    expect(cmp.score?.welch.difference).toBeCloseTo(0.05, 12);
    expect(r.recommendation).toMatch(/^Adopt arm opt: success rate \+20\.0%/);
  });
  it('keeps running below the target, even when a peek looks significant', () => {
    const r = analyze(e, [...outcomes(e, 'control', 50, 0.2, () => undefined), ...outcomes(e, 'opt', 60, 0.9, () => undefined)]);
    expect(r.progress).toBeCloseTo(0.25, 12);
    expect(r.comparisons[0].score).toBeUndefined();
    expect(r.recommendation).toMatch(/^Keep running: 50 of 200/);
  });
  it('says keep control when the treatment is worse, and no difference when equal', () => {
    const worse = analyze(e, [...outcomes(e, 'control', 200, 0.8, () => undefined), ...outcomes(e, 'opt', 200, 0.5, () => undefined)]);
    expect(worse.recommendation).toMatch(/^Keep control control: arm\(s\) opt/);
    const same = analyze(e, [...outcomes(e, 'control', 200, 0.7, () => undefined), ...outcomes(e, 'opt', 200, 0.7, () => undefined)]);
    expect(same.comparisons[0].successRate.significant).toBe(false);
    expect(same.recommendation).toMatch(/^No significant difference/);
  });
  it('no data yet; ignores outcomes of other experiments', () => {
    const r = analyze(e, outcomes({ ...e, id: 'other' }, 'control', 10, 1, () => 1));
    expect(r.arms[0].n).toBe(0);
    expect(r.recommendation).toMatch(/^No outcomes yet/);
  });
});
