// Hypothesis tests. Two-sample functions take (control, treatment): differences are treatment - control.
import {
  binomialCdf, chiSquareCdf, mean, normalCdf, normalInv, quantileSorted, rankWithTies, seededRandom,
  studentTCdf, studentTInv, twoSidedNormalP, variance,
} from './distributions';

export interface TestResult {
  test: string;
  statistic: number;
  pValue: number;
}

/** Below this many discordant pairs McNemar uses the exact binomial test (the usual rule of thumb). */
export const MCNEMAR_EXACT_BELOW = 25;

/**
 * McNemar's test on the discordant counts of paired pass/fail outcomes:
 * `b` = control passed and treatment failed, `c` = control failed and treatment passed.
 */
export function mcnemar(b: number, c: number): TestResult {
  const n = b + c;
  if (n === 0) return { test: 'mcnemar-exact', statistic: 0, pValue: 1 };
  if (n < MCNEMAR_EXACT_BELOW) {
    return { test: 'mcnemar-exact', statistic: Math.min(b, c), pValue: Math.min(1, 2 * binomialCdf(Math.min(b, c), n, 0.5)) };
  }
  // Edwards' continuity correction.
  const chi2 = (Math.abs(b - c) - 1) ** 2 / n;
  return { test: 'mcnemar-chi2', statistic: chi2, pValue: 1 - chiSquareCdf(chi2, 1) };
}

/** Exact null distribution of W+ is used up to this many non-zero differences. */
export const WILCOXON_EXACT_MAX_N = 20;

/**
 * Wilcoxon signed-rank test on paired differences. Zero differences are dropped (Wilcoxon's method);
 * tied |d| share their average rank. Exact (permutation over signs) for n <= 20, otherwise the normal
 * approximation with tie-corrected variance and a 0.5 continuity correction. Statistic: min(W+, W-).
 */
export function wilcoxonSignedRank(diffs: readonly number[]): TestResult & { n: number; wPlus: number; wMinus: number } {
  const d = diffs.filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { test: 'wilcoxon-exact', statistic: 0, pValue: 1, n, wPlus: 0, wMinus: 0 };
  const { ranks, tieSizes } = rankWithTies(d.map(Math.abs));
  let wPlus = 0;
  ranks.forEach((r, i) => { if (d[i] > 0) wPlus += r; });
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  const w = Math.min(wPlus, wMinus);
  if (n <= WILCOXON_EXACT_MAX_N) {
    // Ranks are multiples of 0.5: count sign assignments by doubled rank sum.
    const doubled = ranks.map((r) => Math.round(r * 2));
    const max = doubled.reduce((a, b) => a + b, 0);
    let counts = new Array<number>(max + 1).fill(0);
    counts[0] = 1;
    for (const r of doubled) {
      const next = counts.slice();
      for (let s = 0; s + r <= max; s++) next[s + r] += counts[s];
      counts = next;
    }
    const limit = Math.round(w * 2);
    let tail = 0;
    for (let s = 0; s <= limit; s++) tail += counts[s];
    return { test: 'wilcoxon-exact', statistic: w, pValue: Math.min(1, (2 * tail) / 2 ** n), n, wPlus, wMinus };
  }
  const mu = total / 2;
  const tieAdj = tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / 48;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieAdj);
  const z = sd === 0 ? 0 : Math.max(0, Math.abs(wPlus - mu) - 0.5) / sd;
  return { test: 'wilcoxon-normal', statistic: w, pValue: twoSidedNormalP(z), n, wPlus, wMinus };
}

export interface IntervalResult {
  difference: number;
  ci: [number, number];
}

/**
 * Paired bootstrap of the mean difference with a seeded PRNG: percentile CI, and a two-sided p-value
 * (twice the share of resampled means on the far side of zero).
 */
export function pairedBootstrap(
  diffs: readonly number[],
  opts: { iterations?: number; seed?: number; confidence?: number } = {},
): TestResult & IntervalResult {
  const { iterations = 2000, seed = 1, confidence = 0.95 } = opts;
  const n = diffs.length;
  const observed = mean(diffs);
  if (n === 0) return { test: 'paired-bootstrap', statistic: NaN, pValue: 1, difference: NaN, ci: [NaN, NaN] };
  const rand = seededRandom(seed);
  const means = new Array<number>(iterations);
  let below = 0;
  let above = 0;
  for (let i = 0; i < iterations; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += diffs[Math.floor(rand() * n)];
    const m = s / n;
    means[i] = m;
    if (m <= 0) below++;
    if (m >= 0) above++;
  }
  means.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return {
    test: 'paired-bootstrap',
    statistic: observed,
    pValue: Math.min(1, (2 * Math.min(below, above)) / iterations),
    difference: observed,
    ci: [quantileSorted(means, tail), quantileSorted(means, 1 - tail)],
  };
}

/** t-based confidence interval of a mean difference (paired). */
export function pairedTInterval(diffs: readonly number[], confidence = 0.95): IntervalResult {
  const n = diffs.length;
  const m = mean(diffs);
  if (n < 2) return { difference: m, ci: [NaN, NaN] };
  const half = studentTInv(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance(diffs) / n);
  return { difference: m, ci: [m - half, m + half] };
}

/**
 * Approximate power of a two-sided paired test at level `alpha` to detect a mean difference `effect`
 * given the standard deviation of the differences (normal approximation).
 */
export function pairedPower(effect: number, sdDiff: number, n: number, alpha = 0.05): number {
  if (n === 0) return 0;
  if (sdDiff === 0) return effect === 0 ? alpha : 1;
  return normalCdf((Math.abs(effect) * Math.sqrt(n)) / sdDiff - normalInv(1 - alpha / 2));
}

/** Welch's unequal-variance t-test with the Welch-Satterthwaite degrees of freedom. */
export function welchTTest(control: readonly number[], treatment: readonly number[], confidence = 0.95): TestResult & IntervalResult & { df: number } {
  const n1 = control.length;
  const n2 = treatment.length;
  const difference = mean(treatment) - mean(control);
  if (n1 < 2 || n2 < 2) return { test: 'welch-t', statistic: NaN, pValue: 1, df: NaN, difference, ci: [NaN, NaN] };
  const v1 = variance(control) / n1;
  const v2 = variance(treatment) / n2;
  const se = Math.sqrt(v1 + v2);
  if (se === 0) {
    return { test: 'welch-t', statistic: difference === 0 ? 0 : Math.sign(difference) * Infinity, pValue: difference === 0 ? 1 : 0, df: n1 + n2 - 2, difference, ci: [difference, difference] };
  }
  const df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1));
  const t = difference / se;
  const half = studentTInv(1 - (1 - confidence) / 2, df) * se;
  return {
    test: 'welch-t', statistic: t, df, difference,
    pValue: Math.min(1, 2 * (1 - studentTCdf(Math.abs(t), df))),
    ci: [difference - half, difference + half],
  };
}

/**
 * Mann-Whitney U test, normal approximation with tie-corrected variance and a 0.5 continuity
 * correction. Statistic: U of the treatment (pairs where treatment > control, ties counting half).
 */
export function mannWhitneyU(control: readonly number[], treatment: readonly number[]): TestResult & { z: number } {
  const n1 = control.length;
  const n2 = treatment.length;
  if (n1 === 0 || n2 === 0) return { test: 'mann-whitney-u', statistic: NaN, pValue: 1, z: 0 };
  const { ranks, tieSizes } = rankWithTies([...control, ...treatment]);
  let r2 = 0;
  for (let i = n1; i < n1 + n2; i++) r2 += ranks[i];
  const u = r2 - (n2 * (n2 + 1)) / 2;
  const nTot = n1 + n2;
  const mu = (n1 * n2) / 2;
  const tieTerm = tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / (nTot * (nTot - 1));
  const sd = Math.sqrt(((n1 * n2) / 12) * (nTot + 1 - tieTerm));
  const z = sd === 0 ? 0 : Math.sign(u - mu) * Math.max(0, Math.abs(u - mu) - 0.5) / sd;
  return { test: 'mann-whitney-u', statistic: u, pValue: twoSidedNormalP(z), z };
}

/** Pooled two-proportion z-test of success rates. */
export function twoProportionZTest(
  control: { successes: number; n: number },
  treatment: { successes: number; n: number },
): TestResult & { difference: number } {
  const p1 = control.n ? control.successes / control.n : NaN;
  const p2 = treatment.n ? treatment.successes / treatment.n : NaN;
  const difference = p2 - p1;
  if (!control.n || !treatment.n) return { test: 'two-proportion-z', statistic: NaN, pValue: 1, difference };
  const pooled = (control.successes + treatment.successes) / (control.n + treatment.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  const z = se === 0 ? 0 : difference / se;
  return { test: 'two-proportion-z', statistic: z, pValue: se === 0 ? 1 : twoSidedNormalP(z), difference };
}
