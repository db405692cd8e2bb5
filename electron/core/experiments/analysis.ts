// Live experiment analysis: unpaired tests of each arm against the control.
import { mean, quantile } from '../statistics/distributions';
import { mannWhitneyU, twoProportionZTest, welchTTest, type TestResult } from '../statistics/tests';
import type { Arm, Experiment, Outcome } from './experiment';

export interface ArmStats {
  armId: string;
  kind: Arm['kind'];
  n: number;
  successRate: number;
  /** Mean of the recorded scores (NaN when none). */
  meanScore: number;
  scored: number;
  latencyP50: number;
  latencyP95: number;
  totalCost: number;
  meanCost: number;
}

export interface ArmComparison {
  armId: string;
  controlArmId: string;
  successRate: TestResult & { difference: number; significant: boolean };
  /** Welch's t on scores, with Mann-Whitney U as a distribution-free check; absent without scores on both sides. */
  score?: { welch: TestResult & { difference: number; ci: [number, number] }; mannWhitney: TestResult; significant: boolean };
}

export interface ExperimentAnalysis {
  experimentId: string;
  alpha: number;
  arms: ArmStats[];
  comparisons: ArmComparison[];
  /** Smallest arm's n over the target, capped at 1. */
  progress: number;
  complete: boolean;
  recommendation: string;
}

const scoresOf = (os: readonly Outcome[]) => os.flatMap((o) => (o.score === undefined ? [] : [o.score]));

function armStats(arm: Arm, outcomes: readonly Outcome[]): ArmStats {
  const scores = scoresOf(outcomes);
  const latencies = outcomes.map((o) => o.latencyMs);
  const totalCost = outcomes.reduce((s, o) => s + o.cost, 0);
  return {
    armId: arm.id, kind: arm.kind, n: outcomes.length,
    successRate: outcomes.length ? outcomes.filter((o) => o.ok).length / outcomes.length : NaN,
    meanScore: mean(scores), scored: scores.length,
    latencyP50: quantile(latencies, 0.5), latencyP95: quantile(latencies, 0.95),
    totalCost, meanCost: outcomes.length ? totalCost / outcomes.length : NaN,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function analyze(exp: Experiment, outcomes: readonly Outcome[]): ExperimentAnalysis {
  const byArm = new Map(exp.arms.map((a) => [a.id, [] as Outcome[]]));
  for (const o of outcomes) if (o.experimentId === exp.id) byArm.get(o.armId)?.push(o);
  const arms = exp.arms.map((a) => armStats(a, byArm.get(a.id)!));
  const control = byArm.get(exp.controlArmId)!;
  const comparisons: ArmComparison[] = exp.arms.filter((a) => a.id !== exp.controlArmId).map((a) => {
    const treat = byArm.get(a.id)!;
    const sr = twoProportionZTest(
      { successes: control.filter((o) => o.ok).length, n: control.length },
      { successes: treat.filter((o) => o.ok).length, n: treat.length },
    );
    const cs = scoresOf(control);
    const ts = scoresOf(treat);
    const welch = welchTTest(cs, ts);
    return {
      armId: a.id, controlArmId: exp.controlArmId,
      successRate: { ...sr, significant: sr.pValue < exp.alpha },
      ...(cs.length >= 2 && ts.length >= 2
        ? { score: { welch, mannWhitney: mannWhitneyU(cs, ts), significant: welch.pValue < exp.alpha } }
        : {}),
    };
  });
  const progress = Math.min(1, arms.reduce((m, s) => Math.min(m, s.n), Infinity) / exp.targetSampleSize);
  const complete = progress >= 1;
  return { experimentId: exp.id, alpha: exp.alpha, arms, comparisons, progress, complete, recommendation: recommend(exp, arms, comparisons, complete) };
}

function recommend(exp: Experiment, arms: ArmStats[], comparisons: ArmComparison[], complete: boolean): string {
  if (arms.every((a) => a.n === 0)) {
    return exp.status === 'running'
      ? 'No outcomes yet: run workflows with this step; each execution is assigned to an arm.'
      : 'No outcomes yet: start the experiment, then run workflows with this step.';
  }
  const smallest = arms.reduce((m, a) => Math.min(m, a.n), Infinity);
  if (!complete) {
    // Stopping at the first significant peek inflates false positives, so wait for the target.
    return `Keep running: ${smallest} of ${exp.targetSampleSize} outcomes in the smallest arm (${pct(smallest / exp.targetSampleSize)}); decide at the target sample size.`;
  }
  const better = comparisons.filter((c) => c.successRate.significant && c.successRate.difference > 0)
    .sort((x, y) => y.successRate.difference - x.successRate.difference);
  if (better.length) {
    const c = better[0];
    return `Adopt arm ${c.armId}: success rate ${c.successRate.difference > 0 ? '+' : ''}${pct(c.successRate.difference)} over control ${exp.controlArmId} (p = ${c.successRate.pValue.toPrecision(2)} < ${exp.alpha}).`;
  }
  const worse = comparisons.filter((c) => c.successRate.significant && c.successRate.difference < 0).map((c) => c.armId);
  if (worse.length) return `Keep control ${exp.controlArmId}: arm(s) ${worse.join(', ')} have a significantly lower success rate.`;
  const scoreWins = comparisons.filter((c) => c.score?.significant && c.score.welch.difference > 0).map((c) => c.armId);
  if (scoreWins.length) return `No success-rate difference, but arm(s) ${scoreWins.join(', ')} score significantly higher than control ${exp.controlArmId}: consider adopting.`;
  return `No significant difference from control ${exp.controlArmId} at alpha ${exp.alpha} with ${smallest} outcomes per arm: keep control or run longer.`;
}
