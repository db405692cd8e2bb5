import { lmStatsSchema, type LmStats } from '../../../shared/run/trace';
import type { Db } from '../storage/database';
import { summarize, type ExecutionRecord, type MetricsSummary, type OptimizationRecord } from './metrics';

/** `model` and `structuredOutput`: the LM config of a DSPy step (what the measured parse-failure rate is kept by). */
export type StoredExecution = ExecutionRecord & { runId: string; programVersion?: string; experimentId?: string; arm?: string; model?: string; structuredOutput?: string };

/** A stored stats column read back; a row that does not parse counts as one without stats. */
function storedLmStats(json: string | null): LmStats | undefined {
  if (json === null) return undefined;
  const parsed = lmStatsSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : undefined;
}

/** Execution metrics in SQLite, so `metrics` in one process reports the runs of another. */
export class MetricsStore {
  constructor(private readonly db: Db) {}

  record(r: StoredExecution): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO execution_metrics (run_id, workflow, step, signature_hash, mode, ok, latency_ms, cache_hit, fallback_ms, tokens, cost, program_version, experiment_id, arm, at, model, structured_output, lm_stats_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.runId, r.workflow ?? null, r.step, r.signatureHash ?? null, r.mode, r.ok ? 1 : 0, r.latencyMs,
        r.cacheHit === undefined ? -1 : r.cacheHit ? 1 : 0, r.fallbackMs ?? null, r.tokens, r.cost, r.programVersion ?? null, r.experimentId ?? null, r.arm ?? null, r.timestamp,
        r.model ?? null, r.structuredOutput ?? null, r.lmStats ? JSON.stringify(r.lmStats) : null,
      );
  }

  /** The LM call stats of the latest `limit` DSPy step executions of a model in one structured-output mode. */
  lmStatsOf(model: string, structuredOutput: string, limit: number): LmStats[] {
    const rows = this.db
      .prepare(`SELECT lm_stats_json FROM execution_metrics WHERE model = ? AND structured_output = ? AND lm_stats_json IS NOT NULL ORDER BY at DESC LIMIT ?`)
      .all(model, structuredOutput, limit) as { lm_stats_json: string }[];
    return rows.flatMap((r) => storedLmStats(r.lm_stats_json) ?? []);
  }

  /**
   * Executions with their quality where a person has judged them: the run collected as an example and
   * labelled accepted (1), rejected (0), or corrected (1 when the correction kept the outputs, else 0).
   */
  executions(from = 0, to = Date.now()): StoredExecution[] {
    const rows = this.db
      .prepare(
        `SELECT m.*, CASE e.label_state WHEN 'accepted' THEN 1.0 WHEN 'rejected' THEN 0.0
                       WHEN 'corrected' THEN CASE WHEN e.outputs_json = r.outputs_json THEN 1.0 ELSE 0.0 END END AS quality
           FROM execution_metrics m
           LEFT JOIN examples e ON e.run_id = m.run_id
           LEFT JOIN runs r ON r.id = m.run_id
          WHERE m.at >= ? AND m.at <= ? ORDER BY m.at`,
      )
      .all(from, to) as Record<string, any>[];
    return rows.map((r) => ({
      runId: r.run_id,
      workflow: r.workflow ?? undefined,
      step: r.step ?? '',
      signatureHash: r.signature_hash ?? undefined,
      mode: r.mode,
      ok: r.ok === 1,
      latencyMs: r.latency_ms,
      cacheHit: r.cache_hit === -1 ? undefined : r.cache_hit === 1,
      fallbackMs: r.fallback_ms ?? undefined,
      tokens: r.tokens,
      cost: r.cost,
      programVersion: r.program_version ?? undefined,
      experimentId: r.experiment_id ?? undefined,
      arm: r.arm ?? undefined,
      model: r.model ?? undefined,
      structuredOutput: r.structured_output ?? undefined,
      lmStats: storedLmStats(r.lm_stats_json ?? null),
      timestamp: r.at,
      ...(r.quality === null ? {} : { quality: r.quality }),
    }));
  }

  /** Finished optimization jobs as monitoring sees them. */
  optimizations(from = 0, to = Date.now()): OptimizationRecord[] {
    const rows = this.db
      .prepare(`SELECT signature_hash, strategy, status, started_at, finished_at FROM optimization_jobs WHERE finished_at IS NOT NULL AND started_at IS NOT NULL`)
      .all() as { signature_hash: string; strategy: string; status: string; started_at: string; finished_at: string }[];
    return rows
      .map((r) => ({ signatureHash: r.signature_hash, strategy: r.strategy, durationMs: Date.parse(r.finished_at) - Date.parse(r.started_at), ok: r.status === 'succeeded', timestamp: Date.parse(r.finished_at) }))
      .filter((o) => o.timestamp >= from && o.timestamp <= to);
  }

  summary(windowMs?: number, now = Date.now()): MetricsSummary {
    const from = windowMs === undefined ? 0 : now - windowMs;
    return summarize(this.executions(from, now), this.optimizations(from, now), from, now);
  }
}
