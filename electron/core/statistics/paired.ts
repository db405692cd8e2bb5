// Offline comparison: two arms scored on the same examples.
import { mean, variance } from './distributions';
import { mcnemar, pairedBootstrap, pairedPower, wilcoxonSignedRank } from './tests';

export type MetricKind = 'binary' | 'continuous';

/** One example's scores under both arms, by metric name (booleans count as 0/1). */
export interface PairedExample {
  id: string;
  control: Record<string, number | boolean>;
  treatment: Record<string, number | boolean>;
}

export interface PairedOptions {
  alpha?: number;
  /** Confidence level of the interval. */
  confidence?: number;
  bootstrapIterations?: number;
  seed?: number;
  /** Smallest difference worth detecting; the power check uses max(|observed|, this). */
  minEffect?: number;
  /** Below this estimated power the result is flagged "too few examples to tell". */
  minPower?: number;
  /** Metric kinds; a metric not listed is binary when every value is 0 or 1. */
  kinds?: Record<string, MetricKind>;
}

/**
 * With 5 or fewer non-zero differences no two-sided paired test can reach p < 0.05
 * (the exact sign test's smallest p is 2/2^5 = 0.0625), so such a comparison can never tell.
 */
export const MIN_DISCORDANT_PAIRS = 6;

export interface MetricComparison {
  metric: string;
  kind: MetricKind;
  n: number;
  meanControl: number;
  meanTreatment: number;
  /** treatment - control */
  difference: number;
  ci: [number, number];
  confidence: number;
  test: string;
  statistic: number;
  pValue: number;
  significant: boolean;
  /** From the treatment's side: wins = treatment scored higher. */
  wins: number;
  ties: number;
  losses: number;
  power: number;
  tooFewToTell: boolean;
  warning?: string;
}

export interface PairedComparison {
  n: number;
  metrics: MetricComparison[];
  perExample: { id: string; differences: Record<string, number> }[];
}

const num = (v: number | boolean | undefined): number => (typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? NaN));

export function compareMetric(
  metric: string,
  control: readonly number[],
  treatment: readonly number[],
  opts: PairedOptions & { kind?: MetricKind } = {},
): MetricComparison {
  if (control.length !== treatment.length) throw new Error(`metric ${metric}: ${control.length} control scores but ${treatment.length} treatment scores`);
  const { alpha = 0.05, confidence = 0.95, bootstrapIterations = 2000, seed = 1, minEffect = 0.05, minPower = 0.8 } = opts;
  const kind = opts.kind ?? ([...control, ...treatment].every((v) => v === 0 || v === 1) ? 'binary' : 'continuous');
  const diffs = control.map((c, i) => treatment[i] - c);
  const wins = diffs.filter((d) => d > 0).length;
  const losses = diffs.filter((d) => d < 0).length;
  const ties = diffs.length - wins - losses;
  const boot = pairedBootstrap(diffs, { iterations: bootstrapIterations, seed, confidence });
  // McNemar's discordant counts are exactly the losses (b) and wins (c) for pass/fail scores.
  const test = kind === 'binary' ? mcnemar(losses, wins) : wilcoxonSignedRank(diffs);
  const difference = mean(diffs);
  const power = pairedPower(Math.max(Math.abs(difference), minEffect), Math.sqrt(variance(diffs)), diffs.length, alpha);
  const discordant = wins + losses;
  let warning: string | undefined;
  if (discordant < MIN_DISCORDANT_PAIRS) {
    warning = `too few examples to tell: ${discordant} of ${diffs.length} examples differ between the arms; at least ${MIN_DISCORDANT_PAIRS} must differ for any test to reach significance`;
  } else if (power < minPower && test.pValue >= alpha) {
    // Low power leaves the question open only when the test did not already find a difference.
    warning = `too few examples to tell: estimated power ${power.toFixed(2)} < ${minPower} to detect a difference of ${Math.max(Math.abs(difference), minEffect).toFixed(3)} with ${diffs.length} examples`;
  }
  return {
    metric, kind, n: diffs.length,
    meanControl: mean(control), meanTreatment: mean(treatment), difference,
    ci: boot.ci, confidence,
    test: test.test, statistic: test.statistic, pValue: test.pValue, significant: test.pValue < alpha,
    wins, ties, losses, power,
    tooFewToTell: warning !== undefined,
    ...(warning ? { warning } : {}),
  };
}

/** Compares every metric present in the examples (both arms must score the same metrics). */
export function comparePaired(examples: readonly PairedExample[], opts: PairedOptions = {}): PairedComparison {
  const names = [...new Set(examples.flatMap((e) => Object.keys(e.control)))].sort();
  for (const e of examples) {
    for (const m of names) {
      if (!(m in e.control) || !(m in e.treatment)) throw new Error(`example ${e.id}: metric ${m} is missing from one arm`);
    }
  }
  const metrics = names.map((m) =>
    compareMetric(m, examples.map((e) => num(e.control[m])), examples.map((e) => num(e.treatment[m])), { ...opts, kind: opts.kinds?.[m] }));
  return {
    n: examples.length,
    metrics,
    perExample: examples.map((e) => ({ id: e.id, differences: Object.fromEntries(names.map((m) => [m, num(e.treatment[m]) - num(e.control[m])])) })),
  };
}
