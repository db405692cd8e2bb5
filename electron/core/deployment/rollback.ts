import { PHASE_POLICIES, type DeploymentPhase, type PhasePolicy } from './phases';

/** Metrics of the DSPy path in the current phase, with the baseline they are judged against. */
export interface MetricsSnapshot {
  executions: number;
  errorRate: number;
  /** Mean quality score and success rate, current and baseline; each pair is used when both are given. */
  quality?: number;
  baselineQuality?: number;
  successRate?: number;
  baselineSuccessRate?: number;
}

/** Relative drop against the baseline, the worse of quality and success rate (0 when no baseline). */
export function degradation(s: MetricsSnapshot): number {
  const drop = (cur?: number, base?: number) => (cur === undefined || base === undefined || base <= 0 ? 0 : Math.max(0, (base - cur) / base));
  return Math.max(drop(s.quality, s.baselineQuality), drop(s.successRate, s.baselineSuccessRate));
}

/** The rollback trigger a snapshot fires in a phase, or undefined. */
export function rollbackTrigger(phase: DeploymentPhase, s: MetricsSnapshot, policy: PhasePolicy = PHASE_POLICIES[phase]): string | undefined {
  if (s.executions < policy.minExecutions) return undefined;
  if (policy.rollbackErrorRate !== undefined && s.errorRate > policy.rollbackErrorRate) {
    return `error rate ${s.errorRate.toFixed(4)} > ${policy.rollbackErrorRate}`;
  }
  const d = degradation(s);
  if (policy.rollbackDegradation !== undefined && d > policy.rollbackDegradation) return `degradation ${d.toFixed(3)} > ${policy.rollbackDegradation}`;
  return undefined;
}

