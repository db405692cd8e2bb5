// Typed wrappers over jstat (untyped); every p-value in this folder goes through here.
import jStat from 'jstat';

export const normalCdf = (z: number): number => jStat.normal.cdf(z, 0, 1) as number;
export const normalInv = (p: number): number => jStat.normal.inv(p, 0, 1) as number;
export const studentTCdf = (t: number, df: number): number => jStat.studentt.cdf(t, df) as number;
export const studentTInv = (p: number, df: number): number => jStat.studentt.inv(p, df) as number;
export const chiSquareCdf = (x: number, df: number): number => jStat.chisquare.cdf(x, df);
export const binomialCdf = (k: number, n: number, p: number): number => jStat.binomial.cdf(k, n, p) as number;

/** Two-sided p-value of a standard normal statistic. */
export const twoSidedNormalP = (z: number): number => Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance (n - 1 denominator); 0 for fewer than two values. */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s / (xs.length - 1);
}

/** Linear-interpolation quantile (type 7, as numpy and R default) of sorted values. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const quantile = (xs: readonly number[], q: number): number => quantileSorted([...xs].sort((a, b) => a - b), q);

/** Average ranks (1-based) with ties sharing their mean rank; also the tie group sizes. */
export function rankWithTies(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const avg = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = avg;
    if (j > i) tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}

/** mulberry32: a small seeded PRNG so bootstrap results are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
