import { DEPLOYMENT_PHASES } from '../../../shared/plugin-config/schema';

export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];
export { DEPLOYMENT_PHASES };

export interface PhasePolicy {
  /** Most of the executions that may use DSPy in this phase (percent); the config's rollout_percentage can only lower it. */
  maxRollout: number;
  /** Auto-rollback when the error rate exceeds this (undefined: never auto-rollback). */
  rollbackErrorRate?: number;
  /** Auto-rollback when degradation (relative drop against the baseline) exceeds this. */
  rollbackDegradation?: number;
  /** Executions in the phase before any automatic decision. */
  minExecutions: number;
}

/**
 * Error rate > 0.02 and degradation > 0.3 are the required rollback triggers; canary 1 %, limited 10 %,
 * full 100 % its rollout. Staging's looser triggers are this project's choice; docs/monitoring.md lists each with its source.
 */
export const PHASE_POLICIES: Record<DeploymentPhase, PhasePolicy> = {
  development: { maxRollout: 100, minExecutions: 10 },
  staging: { maxRollout: 100, rollbackErrorRate: 0.05, rollbackDegradation: 0.5, minExecutions: 20 },
  canary: { maxRollout: 1, rollbackErrorRate: 0.02, rollbackDegradation: 0.3, minExecutions: 50 },
  limited_production: { maxRollout: 10, rollbackErrorRate: 0.02, rollbackDegradation: 0.3, minExecutions: 100 },
  full_production: { maxRollout: 100, rollbackErrorRate: 0.02, rollbackDegradation: 0.3, minExecutions: 100 },
};

export const previousPhase = (p: DeploymentPhase): DeploymentPhase | undefined => {
  const i = DEPLOYMENT_PHASES.indexOf(p);
  return i > 0 ? DEPLOYMENT_PHASES[i - 1] : undefined;
};

/** Percent of executions on the DSPy path: the configured rollout_percentage capped by the phase. */
export function effectiveRollout(phase: DeploymentPhase, configured: number): number {
  return Math.max(0, Math.min(configured, PHASE_POLICIES[phase].maxRollout));
}
