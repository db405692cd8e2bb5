import { effectiveRollout, nextPhase, PHASE_POLICIES, previousPhase, type DeploymentPhase, type PhasePolicy } from './phases';

/** Metrics of the DSPy path in the current phase, with the baseline they are judged against. */
export interface MetricsSnapshot {
  executions: number;
  errorRate: number;
  /** Mean quality score and success rate, current and baseline; each pair is used when both are given. */
  quality?: number;
  baselineQuality?: number;
  successRate?: number;
  baselineSuccessRate?: number;
  /** Start of the window the snapshot covers; a window older than the current phase is ignored. */
  since?: number;
}

export type DeploymentEventType = 'promote' | 'demote' | 'rollback';

/** One phase change; the integrator appends each to the audit log. */
export interface DeploymentEvent {
  type: DeploymentEventType;
  from: DeploymentPhase;
  to: DeploymentPhase;
  rolloutPercentage: number;
  reason: string;
  at: number;
  actor: string;
  metrics?: MetricsSnapshot;
}

/** Relative drop against the baseline, the worse of quality and success rate (0 when no baseline). */
export function degradation(s: MetricsSnapshot): number {
  const drop = (cur?: number, base?: number) => (cur === undefined || base === undefined || base <= 0 ? 0 : Math.max(0, (base - cur) / base));
  return Math.max(drop(s.quality, s.baselineQuality), drop(s.successRate, s.baselineSuccessRate));
}

export interface GateResult {
  ok: boolean;
  reasons: string[];
}

/** Why a phase may not be promoted from yet, given its metrics. */
export function promotionGate(phase: DeploymentPhase, s: MetricsSnapshot, policy: PhasePolicy = PHASE_POLICIES[phase]): GateResult {
  const reasons: string[] = [];
  if (!nextPhase(phase)) reasons.push(`${phase} is the last phase`);
  if (s.executions < policy.minExecutions) reasons.push(`${s.executions} executions < ${policy.minExecutions} required in ${phase}`);
  if (s.errorRate > policy.promoteMaxErrorRate) reasons.push(`error rate ${s.errorRate.toFixed(4)} > ${policy.promoteMaxErrorRate}`);
  const d = degradation(s);
  if (d > policy.promoteMaxDegradation) reasons.push(`degradation ${d.toFixed(3)} > ${policy.promoteMaxDegradation}`);
  return { ok: reasons.length === 0, reasons };
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

export interface DeploymentControllerOptions {
  phase: DeploymentPhase;
  /** deployment.rollout_percentage from the plugin config. */
  rolloutPercentage: number;
  policies?: Partial<Record<DeploymentPhase, Partial<PhasePolicy>>>;
  clock?: () => number;
  enteredAt?: number;
}

export class DeploymentController {
  private current: DeploymentPhase;
  private enteredAt: number;
  private readonly configuredRollout: number;
  private readonly policies: Record<DeploymentPhase, PhasePolicy>;
  private readonly clock: () => number;
  private readonly listeners = new Set<(e: DeploymentEvent) => void>();
  private readonly log: DeploymentEvent[] = [];

  constructor(opts: DeploymentControllerOptions) {
    this.current = opts.phase;
    this.configuredRollout = opts.rolloutPercentage;
    this.clock = opts.clock ?? Date.now;
    this.enteredAt = opts.enteredAt ?? this.clock();
    this.policies = Object.fromEntries(Object.entries(PHASE_POLICIES).map(([p, pol]) => [p, { ...pol, ...opts.policies?.[p as DeploymentPhase] }])) as Record<DeploymentPhase, PhasePolicy>;
  }

  get phase(): DeploymentPhase { return this.current; }
  get phaseEnteredAt(): number { return this.enteredAt; }
  get rolloutPercentage(): number { return effectiveRollout(this.current, this.configuredRollout); }
  policy(phase: DeploymentPhase = this.current): PhasePolicy { return this.policies[phase]; }
  history(): readonly DeploymentEvent[] { return this.log; }

  /** Subscribes to transitions; returns the unsubscribe function. */
  onEvent(listener: (e: DeploymentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Moves one phase up. With metrics, the phase's promotion gate must pass unless forced. */
  promote(opts: { reason?: string; actor?: string; metrics?: MetricsSnapshot; force?: boolean } = {}): DeploymentEvent {
    const to = nextPhase(this.current);
    if (!to) throw new Error(`cannot promote: ${this.current} is the last phase`);
    if (opts.metrics && !opts.force) {
      const gate = promotionGate(this.current, opts.metrics, this.policies[this.current]);
      if (!gate.ok) throw new Error(`cannot promote from ${this.current}: ${gate.reasons.join('; ')}`);
    }
    return this.move('promote', to, opts.reason ?? 'manual promotion', opts.actor ?? 'user', opts.metrics);
  }

  /** Moves one phase down. */
  demote(opts: { reason?: string; actor?: string } = {}): DeploymentEvent {
    const to = previousPhase(this.current);
    if (!to) throw new Error(`cannot demote: ${this.current} is the first phase`);
    return this.move('demote', to, opts.reason ?? 'manual demotion', opts.actor ?? 'user');
  }

  /** Checks a snapshot against the phase's rollback triggers; rolls back one phase when one fires. */
  evaluate(metrics: MetricsSnapshot): DeploymentEvent | undefined {
    if (metrics.since !== undefined && metrics.since < this.enteredAt) return undefined;
    const trigger = rollbackTrigger(this.current, metrics, this.policies[this.current]);
    const to = previousPhase(this.current);
    if (!trigger || !to) return undefined;
    return this.move('rollback', to, `auto-rollback: ${trigger}`, 'auto-rollback', metrics);
  }

  private move(type: DeploymentEventType, to: DeploymentPhase, reason: string, actor: string, metrics?: MetricsSnapshot): DeploymentEvent {
    const from = this.current;
    this.current = to;
    this.enteredAt = this.clock();
    const event: DeploymentEvent = { type, from, to, rolloutPercentage: this.rolloutPercentage, reason, at: this.enteredAt, actor, ...(metrics ? { metrics: { ...metrics } } : {}) };
    this.log.push(event);
    for (const l of this.listeners) l(event);
    return event;
  }
}
