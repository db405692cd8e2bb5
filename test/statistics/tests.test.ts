import { describe, expect, it } from 'vitest';
import {
  mannWhitneyU, mcnemar, pairedBootstrap, pairedPower, pairedTInterval, twoProportionZTest, welchTTest, wilcoxonSignedRank,
} from '../../electron/core/statistics';

describe('McNemar', () => {
  it('exact binomial for few discordant pairs: b=1, c=9 gives 2 * 11/1024', () => {
    const r = mcnemar(1, 9);
    expect(r.test).toBe('mcnemar-exact');
    expect(r.pValue).toBeCloseTo((2 * 11) / 1024, 9);
    expect(mcnemar(9, 1).pValue).toBeCloseTo(r.pValue, 12);
  });
  it('chi-square with continuity correction for many (Agresti approval ratings, b=150, c=86)', () => {
    const r = mcnemar(150, 86);
    expect(r.test).toBe('mcnemar-chi2');
    expect(r.statistic).toBeCloseTo(63 ** 2 / 236, 10); // 16.82
    expect(r.pValue).toBeGreaterThan(3.5e-5);
    expect(r.pValue).toBeLessThan(4.5e-5);
  });
  it('no discordant pairs or a balanced split is p = 1', () => {
    expect(mcnemar(0, 0).pValue).toBe(1);
    expect(mcnemar(5, 5).pValue).toBe(1);
  });
});

describe('Wilcoxon signed-rank', () => {
  // Darwin's Zea mays height differences (Fisher 1935); published exact two-sided p = 0.041259765625, W = 24.
  const darwin = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
  it('exact for n <= 20 reproduces the published value', () => {
    const r = wilcoxonSignedRank(darwin);
    expect(r.test).toBe('wilcoxon-exact');
    expect(r.statistic).toBe(24);
    expect(r.wPlus).toBe(96);
    expect(r.pValue).toBeCloseTo(0.041259765625, 12);
  });
  it('drops zero differences', () => {
    const r = wilcoxonSignedRank([0, 0, ...darwin]);
    expect(r.n).toBe(15);
    expect(r.pValue).toBeCloseTo(0.041259765625, 12);
  });
  it('normal approximation above 20: 25 positive differences 1..25', () => {
    const r = wilcoxonSignedRank(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(r.test).toBe('wilcoxon-normal');
    // mu = 162.5, sd = sqrt(25*26*51/24) = 37.165; z = (162.5 - 0.5) / 37.165 = 4.359
    expect(r.pValue).toBeGreaterThan(1.2e-5);
    expect(r.pValue).toBeLessThan(1.4e-5);
  });
  it('tie correction shrinks the variance', () => {
    // 30 differences, all |d| = 1: 20 positive, 10 negative. Ties: one group of 30.
    const d = [...Array(20).fill(1), ...Array(10).fill(-1)];
    const r = wilcoxonSignedRank(d);
    // hand: var = 30*31*61/24 - (30^3 - 30)/48 = 1801.875; z = (310 - 232.5 - 0.5) / 42.449 = 1.814
    expect(r.wPlus).toBe(20 * 15.5);
    expect(r.pValue).toBeCloseTo(0.0697, 3);
  });
  it('all zero is p = 1', () => expect(wilcoxonSignedRank([0, 0, 0]).pValue).toBe(1));
});

describe('Welch t-test', () => {
  // Wikipedia "Welch's t-test", example 1: t = -2.46, df = 24.9, p = 0.021 (A1 - A2).
  const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
  it('matches the published example', () => {
    const r = welchTTest(a1, a2);
    expect(r.statistic).toBeCloseTo(2.46, 2);
    expect(r.df).toBeGreaterThan(24.8);
    expect(r.df).toBeLessThan(25.1);
    expect(r.pValue).toBeCloseTo(0.021, 3);
    expect(r.ci[0]).toBeGreaterThan(0);
    expect(r.ci[0]).toBeLessThan(r.difference);
    expect(r.ci[1]).toBeGreaterThan(r.difference);
  });
  it('is antisymmetric in its arms', () => {
    const r = welchTTest(a2, a1);
    expect(r.statistic).toBeCloseTo(-2.46, 2);
  });
  it('degenerate inputs', () => {
    expect(welchTTest([1], [2, 3]).pValue).toBe(1);
    expect(welchTTest([1, 1], [1, 1]).pValue).toBe(1);
    expect(welchTTest([1, 1], [2, 2]).pValue).toBe(0);
  });
});

describe('Mann-Whitney U', () => {
  it('complete separation of 3 vs 3 (hand: U = 9, z = 4 / sqrt(5.25), p = 0.0809)', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(9);
    expect(r.z).toBeCloseTo(4 / Math.sqrt(5.25), 10);
    expect(r.pValue).toBeCloseTo(0.0809, 4);
  });
  it('U counts pairs, ties counting half', () => {
    const a = [1, 2, 2, 5];
    const b = [2, 3, 4];
    let pairs = 0;
    for (const x of a) for (const y of b) pairs += y > x ? 1 : y === x ? 0.5 : 0;
    expect(mannWhitneyU(a, b).statistic).toBe(pairs);
  });
  it('identical samples give p = 1', () => {
    expect(mannWhitneyU([1, 2, 3, 4], [1, 2, 3, 4]).pValue).toBeCloseTo(1, 10);
  });
});

describe('two-proportion z-test', () => {
  it('45/100 vs 60/100 (hand: pooled 0.525, z = 0.15 / 0.070622 = 2.124, p = 0.0337)', () => {
    const r = twoProportionZTest({ successes: 45, n: 100 }, { successes: 60, n: 100 });
    expect(r.statistic).toBeCloseTo(2.124, 3);
    expect(r.pValue).toBeCloseTo(0.0337, 4);
    expect(r.difference).toBeCloseTo(0.15, 12);
  });
  it('empty or constant arms', () => {
    expect(twoProportionZTest({ successes: 0, n: 0 }, { successes: 1, n: 2 }).pValue).toBe(1);
    expect(twoProportionZTest({ successes: 5, n: 5 }, { successes: 5, n: 5 }).pValue).toBe(1);
  });
});

describe('paired bootstrap and intervals', () => {
  const diffs = Array.from({ length: 60 }, (_, i) => ((i * 37) % 11) / 10 - 0.2);
  it('is reproducible for a seed and varies across seeds', () => {
    const a = pairedBootstrap(diffs, { seed: 7 });
    expect(pairedBootstrap(diffs, { seed: 7 })).toEqual(a);
    expect(pairedBootstrap(diffs, { seed: 8 }).ci).not.toEqual(a.ci);
  });
  it('agrees with the t interval on a well-behaved sample', () => {
    const b = pairedBootstrap(diffs, { seed: 3, iterations: 4000 });
    const t = pairedTInterval(diffs);
    expect(b.difference).toBeCloseTo(t.difference, 12);
    expect(Math.abs(b.ci[0] - t.ci[0])).toBeLessThan(0.03);
    expect(Math.abs(b.ci[1] - t.ci[1])).toBeLessThan(0.03);
    expect(b.pValue).toBeLessThan(0.01);
  });
  it('centred data is not significant', () => {
    const centred = diffs.map((d, i) => (i % 2 ? d : -d));
    const m = centred.reduce((s, x) => s + x, 0) / centred.length;
    const b = pairedBootstrap(centred.map((x) => x - m), { seed: 2 });
    expect(b.pValue).toBeGreaterThan(0.5);
    expect(b.ci[0]).toBeLessThan(0);
    expect(b.ci[1]).toBeGreaterThan(0);
  });
  it('t interval by hand: [1, 2, 3] has mean 2, half width t(0.975, 2) * 1/sqrt(3) = 4.303 * 0.57735', () => {
    const r = pairedTInterval([1, 2, 3]);
    expect(r.ci[0]).toBeCloseTo(2 - 4.3027 * 0.57735, 3);
    expect(r.ci[1]).toBeCloseTo(2 + 4.3027 * 0.57735, 3);
  });
  it('power grows with n and effect', () => {
    // z = 0.5 * sqrt(32) / 1 - 1.96 = 0.868 -> power 0.807
    expect(pairedPower(0.5, 1, 32)).toBeCloseTo(0.807, 2);
    expect(pairedPower(0.5, 1, 10)).toBeLessThan(pairedPower(0.5, 1, 32));
    expect(pairedPower(0.2, 1, 32)).toBeLessThan(pairedPower(0.5, 1, 32));
    expect(pairedPower(0.1, 0, 5)).toBe(1);
  });
});
