import type { Strategy } from './estimate';

/**
 * Dev-set gain (optimized - baseline, same metric) a program needs to be promoted. bootstrap_few_shot's
 * +0.05 is required; copro +0.03 (it only rewrites instructions, a smaller lever) and mipro +0.05 (it
 * picks the best of many trials, so more of its gain is selection luck) are this project's choice, and
 * so are gepa +0.08 (it picks its candidate on the dev examples the gain is measured on) and simba +0.05
 * (it selects on the trainset, like bootstrap_few_shot).
 */
export const ADOPTION_THRESHOLDS: Record<Strategy, number> = { bootstrap_few_shot: 0.05, copro: 0.03, mipro: 0.05, gepa: 0.08, simba: 0.05 };

// 0.85 - 0.8 is 0.04999999999999993 in floating point; a gain equal to the threshold passes.
const EPSILON = 1e-9;

export interface AdoptionDecision {
  adopt: boolean;
  gain: number;
  threshold: number;
  reason: string;
}

export function decideAdoption(input: { strategy: Strategy; baselineScore: number; optimizedScore: number; devSize: number; thresholds?: Partial<Record<Strategy, number>> }): AdoptionDecision {
  const threshold = input.thresholds?.[input.strategy] ?? ADOPTION_THRESHOLDS[input.strategy];
  const gain = input.optimizedScore - input.baselineScore;
  if (input.devSize <= 0) {
    return { adopt: false, gain, threshold, reason: 'no dev examples: the scores are on the training set, so the gain is not measured and nothing is promoted automatically; promote it by hand if you trust it' };
  }
  const adopt = gain + EPSILON >= threshold;
  const fmt = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
  return {
    adopt, gain, threshold,
    reason: `${input.strategy}: dev-set gain ${fmt(gain)} (${input.baselineScore.toFixed(3)} -> ${input.optimizedScore.toFixed(3)} on ${input.devSize} examples) ${adopt ? '>=' : '<'} threshold ${fmt(threshold)}`,
  };
}
