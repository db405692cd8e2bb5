import type { Db } from '../storage/database';
import { newId } from '../storage/hashing';
import type { LmStats } from '../../../shared/run/trace';
import type { CacheBackend, CacheEntry } from './result-cache';
import type { AdoptionDecision } from './adoption';
import type { Estimate, PhaseUsage, Strategy } from './estimate';
import type { JobProgress } from '../../../shared/api/tuning';
import type { GepaTree } from '../../../shared/dspy/gepa-tree';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The live progress of a job, exactly as the StudioApi carries it. */
export type { JobProgress } from '../../../shared/api/tuning';

export interface OptimizationJob {
  id: string;
  /** The task (dataset) optimized. */
  task: string;
  /** The task's signature version the program was optimized for. */
  signatureHash: string;
  signatureName: string | null;
  datasetVersion: string | null;
  strategy: Strategy;
  params: Record<string, unknown>;
  model: string;
  cacheKey: string;
  status: JobStatus;
  progress: JobProgress | null;
  estimate: Estimate | null;
  result: OptimizationOutcome | null;
  error: string | null;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** What a finished job produced (the runtime's optimize result, trimmed, plus the decision). */
export interface OptimizationOutcome {
  baselineScore: number;
  optimizedScore: number;
  /** Dev examples the scores are measured on; 0 when they are training-set scores. */
  devSize: number;
  scoredOn: 'dev' | 'train';
  trainSize: number;
  baselineScores: number[];
  optimizedScores: number[];
  devIds: string[];
  demos: unknown;
  instructions: unknown;
  lmCalls: number;
  /** LM calls and tokens the runtime measured, by phase (baseline, compile, final) and model. */
  usage?: PhaseUsage;
  /** Adapter parse failures, JSONAdapter fallbacks and request retries over the whole run (measured). */
  lmStats?: LmStats;
  wallTimeS: number;
  programVersion: string;
  decision: AdoptionDecision;
  promoted: boolean;
  /** Why it was or was not promoted automatically. */
  promotion: string;
  cached: boolean;
  /** GEPA's search tree. */
  gepa?: GepaTree;
}

export type ProgramVersionStatus = 'candidate' | 'promoted' | 'superseded' | 'rolled_back' | 'rejected';

export interface StoredProgramVersion {
  id: string;
  task: string;
  /** The signature version it was optimized for; the program shape is in programSpec. */
  signatureHash: string;
  jobId: string | null;
  strategy: Strategy;
  model: string;
  datasetVersion: string | null;
  baselineScore: number;
  optimizedScore: number;
  status: ProgramVersionStatus;
  decision: AdoptionDecision;
  programSpec: Record<string, unknown>;
  programState: Record<string, unknown>;
  source: string;
  createdAt: string;
  promotedAt: string | null;
  promotedBy: string | null;
}

const json = (v: string | null) => (v === null ? null : JSON.parse(v));

function rowToJob(r: Record<string, any>): OptimizationJob {
  return {
    id: r.id,
    task: r.task,
    signatureHash: r.signature_hash,
    signatureName: r.signature_name,
    datasetVersion: r.dataset_version,
    strategy: r.strategy,
    params: JSON.parse(r.params_json),
    model: r.model,
    cacheKey: r.cache_key,
    status: r.status,
    progress: json(r.progress_json),
    estimate: json(r.estimate_json),
    result: json(r.result_json),
    error: r.error,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

function rowToVersion(r: Record<string, any>): StoredProgramVersion {
  return {
    id: r.id,
    task: r.task,
    signatureHash: r.signature_hash,
    jobId: r.job_id,
    strategy: r.strategy,
    model: r.model,
    datasetVersion: r.dataset_version,
    baselineScore: r.baseline_score,
    optimizedScore: r.optimized_score,
    status: r.status,
    decision: JSON.parse(r.decision_json),
    programSpec: JSON.parse(r.program_spec_json),
    programState: JSON.parse(r.program_state_json),
    source: r.source,
    createdAt: r.created_at,
    promotedAt: r.promoted_at,
    promotedBy: r.promoted_by,
  };
}

export const INTERRUPTED_REASON = 'the host stopped while this job was running (crash or restart); run it again';

/** Optimization jobs in SQLite, so they survive a host restart. */
export class JobRepository {
  constructor(private readonly db: Db) {}

  create(job: Pick<OptimizationJob, 'task' | 'signatureHash' | 'signatureName' | 'datasetVersion' | 'strategy' | 'params' | 'model' | 'cacheKey' | 'estimate' | 'requestedBy'>): OptimizationJob {
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO optimization_jobs (id, task, signature_hash, signature_name, dataset_version, strategy, params_json, model, cache_key, status, estimate_json, requested_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(id, job.task, job.signatureHash, job.signatureName, job.datasetVersion, job.strategy, JSON.stringify(job.params), job.model, job.cacheKey, JSON.stringify(job.estimate), job.requestedBy, new Date().toISOString());
    return this.get(id)!;
  }

  get(id: string): OptimizationJob | undefined {
    const r = this.db.prepare('SELECT * FROM optimization_jobs WHERE id = ?').get(id) as Record<string, any> | undefined;
    return r ? rowToJob(r) : undefined;
  }

  list(filter: { task?: string; status?: JobStatus; limit?: number } = {}): OptimizationJob[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM optimization_jobs WHERE (@task IS NULL OR task = @task) AND (@status IS NULL OR status = @status)
         ORDER BY created_at DESC, id DESC LIMIT @limit`,
      )
      .all({ task: filter.task ?? null, status: filter.status ?? null, limit: filter.limit ?? 200 }) as Record<string, any>[];
    return rows.map(rowToJob);
  }

  markRunning(id: string): void {
    this.db.prepare(`UPDATE optimization_jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`).run(new Date().toISOString(), id);
  }

  saveProgress(id: string, progress: JobProgress): void {
    this.db.prepare('UPDATE optimization_jobs SET progress_json = ? WHERE id = ?').run(JSON.stringify(progress), id);
  }

  finish(id: string, status: Exclude<JobStatus, 'queued' | 'running'>, fields: { result?: OptimizationOutcome; error?: string }): OptimizationJob {
    this.db
      .prepare('UPDATE optimization_jobs SET status = ?, result_json = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(status, fields.result ? JSON.stringify(fields.result) : null, fields.error ?? null, new Date().toISOString(), id);
    return this.get(id)!;
  }

  /** At startup: a job left running by a crash is failed with the reason; queued ones are returned to be resumed. */
  recoverInterrupted(): { failed: string[]; queued: OptimizationJob[] } {
    const running = this.list({ status: 'running', limit: 10_000 });
    for (const j of running) this.finish(j.id, 'failed', { error: INTERRUPTED_REASON });
    return { failed: running.map((j) => j.id), queued: this.list({ status: 'queued', limit: 10_000 }).reverse() };
  }
}

/** Every optimized program is a version; promotion and rollback move the single promoted one. */
export class ProgramVersionRepository {
  constructor(private readonly db: Db) {}

  add(v: Omit<StoredProgramVersion, 'id' | 'createdAt' | 'promotedAt' | 'promotedBy' | 'status'> & { status: 'candidate' | 'rejected' }): StoredProgramVersion {
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO program_versions (id, task, signature_hash, job_id, strategy, model, dataset_version, baseline_score, optimized_score, status, decision_json, program_spec_json, program_state_json, source, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id, v.task, v.signatureHash, v.jobId, v.strategy, v.model, v.datasetVersion, v.baselineScore, v.optimizedScore, v.status,
        JSON.stringify(v.decision), JSON.stringify(v.programSpec), JSON.stringify(v.programState), v.source, new Date().toISOString(),
      );
    return this.get(id)!;
  }

  get(id: string): StoredProgramVersion | undefined {
    const r = this.db.prepare('SELECT * FROM program_versions WHERE id = ?').get(id) as Record<string, any> | undefined;
    return r ? rowToVersion(r) : undefined;
  }

  list(task?: string): StoredProgramVersion[] {
    const rows = this.db
      .prepare('SELECT * FROM program_versions WHERE (? IS NULL OR task = ?) ORDER BY created_at DESC, id DESC')
      .all(task ?? null, task ?? null) as Record<string, any>[];
    return rows.map(rowToVersion);
  }

  promoted(task: string): StoredProgramVersion | undefined {
    const r = this.db.prepare(`SELECT * FROM program_versions WHERE task = ? AND status = 'promoted'`).get(task) as Record<string, any> | undefined;
    return r ? rowToVersion(r) : undefined;
  }

  /** Makes `id` the promoted version of its task; the previous one becomes superseded. Call inside the caller's transaction. */
  promote(id: string, by: string): StoredProgramVersion {
    const v = this.get(id);
    if (!v) throw new Error(`no program version ${id}`);
    this.db.prepare(`UPDATE program_versions SET status = 'superseded' WHERE task = ? AND status = 'promoted'`).run(v.task);
    this.db.prepare(`UPDATE program_versions SET status = 'promoted', promoted_at = ?, promoted_by = ? WHERE id = ?`).run(new Date().toISOString(), by, id);
    return this.get(id)!;
  }

  /** Rolls the promoted version back to the one promoted before it (or to none: the baseline). */
  rollback(task: string, by: string): { from: StoredProgramVersion; to?: StoredProgramVersion } {
    const from = this.promoted(task);
    if (!from) throw new Error('nothing to roll back: no promoted program for this dataset');
    const previous = this.db
      .prepare(`SELECT * FROM program_versions WHERE task = ? AND status = 'superseded' ORDER BY promoted_at DESC LIMIT 1`)
      .get(task) as Record<string, any> | undefined;
    this.db.prepare(`UPDATE program_versions SET status = 'rolled_back' WHERE id = ?`).run(from.id);
    if (previous) this.db.prepare(`UPDATE program_versions SET status = 'promoted', promoted_at = ?, promoted_by = ? WHERE id = ?`).run(new Date().toISOString(), by, previous.id);
    return { from: this.get(from.id)!, to: previous ? this.get(previous.id) : undefined };
  }
}

/** The result cache's entries in SQLite, so cached programs survive restarts and warm the next start. */
export class SqliteCacheBackend<T> implements CacheBackend<T> {
  constructor(private readonly db: Db) {}

  private toEntry(r: Record<string, any>): CacheEntry<T> {
    return { key: r.key, parts: JSON.parse(r.parts_json), value: JSON.parse(r.value_json), createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, hits: r.hits };
  }

  get(key: string): CacheEntry<T> | undefined {
    const r = this.db.prepare('SELECT * FROM optimization_cache WHERE key = ?').get(key) as Record<string, any> | undefined;
    return r ? this.toEntry(r) : undefined;
  }

  set(e: CacheEntry<T>): void {
    this.db
      .prepare(
        `INSERT INTO optimization_cache (key, parts_json, value_json, created_at, expires_at, last_used_at, hits) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET parts_json = excluded.parts_json, value_json = excluded.value_json, created_at = excluded.created_at,
           expires_at = excluded.expires_at, last_used_at = excluded.last_used_at, hits = excluded.hits`,
      )
      .run(e.key, JSON.stringify(e.parts), JSON.stringify(e.value), e.createdAt, e.expiresAt, e.lastUsedAt, e.hits);
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM optimization_cache WHERE key = ?').run(key);
  }

  *entries(): Iterable<CacheEntry<T>> {
    // LRU order: the least recently used first, as the in-memory backend keeps insertion order.
    for (const r of this.db.prepare('SELECT * FROM optimization_cache ORDER BY last_used_at ASC').all() as Record<string, any>[]) yield this.toEntry(r);
  }

  size(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM optimization_cache').get() as { n: number }).n;
  }
}
