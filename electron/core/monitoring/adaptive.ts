/** The required adaptive thresholds: re-optimize past 1.5x the baseline error rate or under 0.8x its quality, after 5 executions. */
export const ADAPTIVE_DEFAULTS = { minExecutions: 5, errorRateFactor: 1.5, qualityFactor: 0.8 } as const;

export interface AdaptiveInput {
  executions: number;
  errorRate: number;
  /** Mean quality since the program was adopted (undefined when no metric ran). */
  quality?: number;
  /** Error rate and quality measured when the program was adopted. */
  baselineErrorRate: number;
  baselineQuality?: number;
}

export interface AdaptiveDecision {
  reoptimize: boolean;
  reasons: string[];
}

export function decideReoptimization(input: AdaptiveInput, opts: Partial<typeof ADAPTIVE_DEFAULTS> = {}): AdaptiveDecision {
  const { minExecutions, errorRateFactor, qualityFactor } = { ...ADAPTIVE_DEFAULTS, ...opts };
  if (input.executions < minExecutions) return { reoptimize: false, reasons: [] };
  const reasons: string[] = [];
  const errLimit = errorRateFactor * input.baselineErrorRate;
  if (input.errorRate > errLimit) reasons.push(`error rate ${input.errorRate.toFixed(3)} > ${errorRateFactor} x baseline ${input.baselineErrorRate.toFixed(3)}`);
  if (input.quality !== undefined && input.baselineQuality !== undefined && input.quality < qualityFactor * input.baselineQuality) {
    reasons.push(`quality ${input.quality.toFixed(3)} < ${qualityFactor} x baseline ${input.baselineQuality.toFixed(3)}`);
  }
  return { reoptimize: reasons.length > 0, reasons };
}
