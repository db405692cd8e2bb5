import { describe, expect, it } from 'vitest';
import { compareMetric, comparePaired, MIN_DISCORDANT_PAIRS, type PairedExample } from '../../electron/core/statistics';

describe('compareMetric', () => {
  it('pass/fail uses McNemar with discordant counts = losses and wins', () => {
    // 40 examples: 20 both pass, 2 control-only, 14 treatment-only, 4 both fail.
    const control = [...Array(20).fill(1), ...Array(2).fill(1), ...Array(14).fill(0), ...Array(4).fill(0)];
    const treatment = [...Array(20).fill(1), ...Array(2).fill(0), ...Array(14).fill(1), ...Array(4).fill(0)];
    const r = compareMetric('accuracy', control, treatment);
    expect(r.kind).toBe('binary');
    expect([r.wins, r.ties, r.losses]).toEqual([14, 24, 2]);
    expect(r.test).toBe('mcnemar-exact');
    // exact: 2 * P(X <= 2 | n = 16, 1/2) = 2 * (1 + 16 + 120) / 65536
    expect(r.pValue).toBeCloseTo((2 * 137) / 65536, 9);
    expect(r.significant).toBe(true);
    expect(r.meanControl).toBeCloseTo(22 / 40, 12);
    expect(r.meanTreatment).toBeCloseTo(34 / 40, 12);
    expect(r.difference).toBeCloseTo(0.3, 12);
    expect(r.ci[0]).toBeGreaterThan(0);
    expect(r.ci[1]).toBeGreaterThan(r.difference);
    expect(r.tooFewToTell).toBe(false);
  });

  it('continuous scores use Wilcoxon', () => {
    const control = [0.2, 0.4, 0.5, 0.3, 0.6, 0.1, 0.45, 0.35];
    const treatment = control.map((c, i) => c + 0.1 + i * 0.01);
    const r = compareMetric('f1', control, treatment);
    expect(r.kind).toBe('continuous');
    expect(r.test).toBe('wilcoxon-exact');
    expect(r.wins).toBe(8);
    // all 8 differences positive: exact p = 2 / 2^8
    expect(r.pValue).toBeCloseTo(2 / 256, 12);
  });

  it('warns "too few examples to tell" with fewer than MIN_DISCORDANT_PAIRS differing examples', () => {
    const control = [1, 1, 0, 0, 0, 1, 1, 1];
    const treatment = [1, 1, 1, 1, 1, 1, 1, 1];
    const r = compareMetric('accuracy', control, treatment);
    expect(r.wins + r.losses).toBeLessThan(MIN_DISCORDANT_PAIRS);
    expect(r.tooFewToTell).toBe(true);
    expect(r.warning).toMatch(/too few examples to tell/);
    expect(r.significant).toBe(false);
  });

  it('warns on low power even with enough differing examples', () => {
    // 10 discordant out of 12, split 6/4: noisy, small effect.
    const control = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const treatment = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0];
    const r = compareMetric('accuracy', control, treatment);
    expect(r.power).toBeLessThan(0.8);
    expect(r.tooFewToTell).toBe(true);
    expect(r.warning).toMatch(/power/);
  });

  it('does not flag a significant result for low power', () => {
    // 20 wins, 7 losses, 29 ties: McNemar p ~ 0.02, power for the observed effect ~ 0.75.
    const control = [...Array(20).fill(0), ...Array(7).fill(1), ...Array(29).fill(0)];
    const treatment = [...Array(20).fill(1), ...Array(7).fill(0), ...Array(29).fill(0)];
    const r = compareMetric('accuracy', control, treatment);
    expect(r.significant).toBe(true);
    expect(r.power).toBeLessThan(0.8);
    expect(r.tooFewToTell).toBe(false);
  });

  it('a large, consistent effect on many examples has high power and no warning', () => {
    const control = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const treatment = Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const r = compareMetric('accuracy', control, treatment);
    expect(r.power).toBeGreaterThan(0.8);
    expect(r.tooFewToTell).toBe(false);
    expect(r.test).toBe('mcnemar-chi2');
  });

  it('rejects arms of different lengths', () => {
    expect(() => compareMetric('m', [1, 2], [1])).toThrow(/2 control scores but 1/);
  });
});

describe('comparePaired', () => {
  const examples: PairedExample[] = Array.from({ length: 30 }, (_, i) => ({
    id: `ex${i}`,
    control: { correct: i % 2 === 0, score: i / 30 },
    treatment: { correct: i % 5 !== 0, score: i / 30 + 0.05 },
  }));
  it('compares every metric and reports per-example differences', () => {
    const r = comparePaired(examples);
    expect(r.n).toBe(30);
    expect(r.metrics.map((m) => m.metric)).toEqual(['correct', 'score']);
    expect(r.metrics[0].kind).toBe('binary');
    expect(r.metrics[1].kind).toBe('continuous');
    expect(r.perExample[1].differences.correct).toBe(1);
    expect(r.perExample[0].differences.correct).toBe(-1); // ex0: control passes, treatment fails
    expect(r.perExample[3].differences.score).toBeCloseTo(0.05, 12);
  });
  it('honours explicit kinds', () => {
    const r = comparePaired(examples, { kinds: { correct: 'continuous' } });
    expect(r.metrics[0].test).toMatch(/^wilcoxon/);
  });
  it('rejects a metric missing from one arm', () => {
    expect(() => comparePaired([{ id: 'a', control: { x: 1 }, treatment: {} }])).toThrow(/example a: metric x/);
  });
});
