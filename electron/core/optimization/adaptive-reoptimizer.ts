import { decideReoptimization, type AdaptiveDecision } from '../monitoring/adaptive';
import type { MetricsStore, StoredExecution } from '../monitoring/metrics-store';
import type { ProgramSpec } from '../dspy-plugin/program-spec';
import type { LmConfig } from '../providers/provider-settings';
import { OptimizationRefused, type OptimizationEngine } from './optimization-engine';

/**
 * Adaptive thresholds: once a promoted program has run at least 5 times, an error rate past 1.5x
 * the one before its promotion, or quality under 0.8x its dev score, starts a new optimization.
 */
export class AdaptiveReoptimizer {
  readonly triggered: { versionId: string; jobId?: string; decision: AdaptiveDecision }[] = [];

  constructor(private readonly deps: { metrics: MetricsStore; engine: OptimizationEngine; enabled: () => boolean }) {}

  check(exec: StoredExecution, program: ProgramSpec, lm: LmConfig): AdaptiveDecision | undefined {
    if (!this.deps.enabled() || !exec.programVersion || !exec.signatureHash) return undefined;
    const version = this.deps.engine.versions.get(exec.programVersion);
    if (!version || version.status !== 'promoted' || this.triggered.some((t) => t.versionId === version.id)) return undefined;
    const promotedAt = Date.parse(version.promotedAt ?? version.createdAt);
    const all = this.deps.metrics.executions().filter((e) => e.signatureHash === exec.signatureHash);
    const since = all.filter((e) => e.programVersion === version.id && e.timestamp >= promotedAt);
    const before = all.filter((e) => e.timestamp < promotedAt);
    const rate = (xs: StoredExecution[]) => (xs.length ? xs.filter((e) => !e.ok).length / xs.length : 0);
    const quality = since.filter((e) => e.quality !== undefined);
    const decision = decideReoptimization({
      executions: since.length,
      errorRate: rate(since),
      baselineErrorRate: rate(before),
      quality: quality.length ? quality.reduce((a, e) => a + (e.quality ?? 0), 0) / quality.length : undefined,
      baselineQuality: version.optimizedScore,
    });
    if (!decision.reoptimize) return decision;
    let jobId: string | undefined;
    try {
      jobId = this.deps.engine.submit({ signature: version.task, program, strategy: version.strategy, lm, requestedBy: 'adaptive' }).id;
    } catch (err) {
      if (!(err instanceof OptimizationRefused)) throw err;
    }
    this.triggered.push({ versionId: version.id, jobId, decision });
    return decision;
  }
}
