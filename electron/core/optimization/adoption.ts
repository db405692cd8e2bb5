import type { Strategy } from './estimate';

/**
 * Dev-set gain (optimized - baseline, same metric) a program needs to be promoted. bootstrap_few_shot's
 * +0.05 is issue 5's; copro +0.03 (it only rewrites instructions, a smaller lever) and mipro +0.05 (it
 * picks the best of many trials, so more of its gain is selection luck) are this project's choice.
 */
export const ADOPTION_THRESHOLDS: Record<Strategy, number> = { bootstrap_few_shot: 0.05, copro: 0.03, mipro: 0.05 };

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
  if (input.devSize <= 0) return { adopt: false, gain, threshold, reason: 'no dev set: the gain cannot be measured' };
  const adopt = gain + EPSILON >= threshold;
  const fmt = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
  return {
    adopt, gain, threshold,
    reason: `${input.strategy}: dev-set gain ${fmt(gain)} (${input.baselineScore.toFixed(3)} -> ${input.optimizedScore.toFixed(3)} on ${input.devSize} examples) ${adopt ? '>=' : '<'} threshold ${fmt(threshold)}`,
  };
}

export interface ProgramVersion {
  id: string;
  signatureHash: string;
  strategy: Strategy;
  baselineScore: number;
  score: number;
  createdAt: number;
  /** Where the integrator keeps the program state (a cache key, a row id). */
  programRef: string;
}

export interface VersionEvent {
  type: 'promoted' | 'rejected' | 'rolled_back';
  versionId: string;
  /** Active version before the event (undefined: the unoptimized baseline). */
  previousActiveId?: string;
  activeId?: string;
  reason: string;
  at: number;
}

/** Serializable state of one signature's versions. */
export interface VersionListState {
  signatureHash: string;
  versions: ProgramVersion[];
  /** Promotion order; the active version is the last one not rolled back. */
  promoted: string[];
  activeId?: string;
  events: VersionEvent[];
}

/** The promoted programs of one signature, newest last, with rollback. Pure data: the integrator persists `state`. */
export class VersionList {
  private s: VersionListState;

  constructor(state: VersionListState | string) {
    this.s = typeof state === 'string' ? { signatureHash: state, versions: [], promoted: [], events: [] } : structuredClone(state);
  }

  get state(): VersionListState { return structuredClone(this.s); }
  get active(): ProgramVersion | undefined { return this.find(this.s.activeId); }
  list(): ProgramVersion[] { return this.s.versions.map((v) => ({ ...v })); }
  find(id: string | undefined): ProgramVersion | undefined { return this.s.versions.find((v) => v.id === id); }

  /** Records a candidate and promotes it when the decision says so; returns the event. */
  propose(v: ProgramVersion, decision: AdoptionDecision, at: number): VersionEvent {
    if (v.signatureHash !== this.s.signatureHash) throw new Error(`version ${v.id} is for signature ${v.signatureHash}, not ${this.s.signatureHash}`);
    if (this.find(v.id)) throw new Error(`version ${v.id} already exists`);
    this.s.versions.push({ ...v });
    if (!decision.adopt) return this.emit({ type: 'rejected', versionId: v.id, previousActiveId: this.s.activeId, activeId: this.s.activeId, reason: decision.reason, at });
    const previous = this.s.activeId;
    this.s.promoted.push(v.id);
    this.s.activeId = v.id;
    return this.emit({ type: 'promoted', versionId: v.id, previousActiveId: previous, activeId: v.id, reason: decision.reason, at });
  }

  /**
   * Makes an earlier promoted version active again (default: the one promoted before the active one;
   * with none left, the baseline). Versions promoted after the target leave the promotion chain.
   */
  rollback(at: number, opts: { toId?: string; reason?: string } = {}): VersionEvent {
    const current = this.s.activeId;
    if (current === undefined) throw new Error('nothing to roll back: the baseline is active');
    const idx = this.s.promoted.indexOf(current);
    let targetIdx = idx - 1;
    if (opts.toId !== undefined) {
      targetIdx = this.s.promoted.indexOf(opts.toId);
      if (targetIdx < 0 || targetIdx >= idx) throw new Error(`cannot roll back to ${opts.toId}: not a version promoted before ${current}`);
    }
    this.s.promoted = this.s.promoted.slice(0, targetIdx + 1);
    this.s.activeId = targetIdx >= 0 ? this.s.promoted[targetIdx] : undefined;
    return this.emit({ type: 'rolled_back', versionId: current, previousActiveId: current, activeId: this.s.activeId, reason: opts.reason ?? 'manual rollback', at });
  }

  private emit(e: VersionEvent): VersionEvent {
    this.s.events.push(e);
    return { ...e };
  }
}
