import { EventEmitter } from 'node:events';
import type { DspyPluginConfig } from '../../../shared/plugin-config/schema';
import { programShape, type ProgramSpec } from '../dspy-plugin/program-spec';
import { lmRequestTimeoutMs, predictorsOf, priceKey, type LmConfig } from '../providers/provider-settings';
import { lmStatsOf } from '../python-bridge/call-stats';
import { parseGepaTree } from '../../../shared/dspy/gepa-tree';
import type { PythonPool } from '../python-bridge/pool';
import type { TrainingData } from '../training-data/manager';
import { decideAdoption } from './adoption';
import { CallModelError, OPTIMIZERS, OptimizerParamsError, resolveOptimizerParams } from '../../../shared/dspy/optimizers';
import { MetricsStore } from '../monitoring/metrics-store';
import { PriceBook } from './prices';
import { checkBudget, estimateOptimization, exampleTokens, phaseUsageSchema, type Budget, type Estimate, type Latency, type ParseFailures, type Strategy } from './estimate';
import {
  JobRepository,
  ProgramVersionRepository,
  SqliteCacheBackend,
  type JobProgress,
  type OptimizationJob,
  type OptimizationOutcome,
  type StoredProgramVersion,
} from './job-store';
import { cacheKey, ResultCache, type CacheKeyParts } from './result-cache';

export interface OptimizeRequest {
  /** Registered signature (name or hash) whose examples train the program. */
  signature: string;
  program: ProgramSpec;
  strategy?: Strategy;
  params?: Record<string, unknown>;
  /** Dataset version id; by default a version is snapshotted now (when versioning is on). */
  datasetVersion?: string;
  metric?: string | Record<string, unknown>;
  lm: LmConfig;
  budget?: Budget;
  requestedBy?: string;
}

export type EngineEvent =
  | { type: 'job'; job: OptimizationJob }
  | { type: 'progress'; jobId: string; progress: JobProgress };

/** The runtime's optimize result (docs/python-runtime.md). */
interface RuntimeOptimizeResult {
  baseline_score: number;
  optimized_score: number;
  baseline_scores: number[];
  optimized_scores: number[];
  dev_ids: (string | null)[];
  demos: unknown;
  instructions: unknown;
  lm_calls: number;
  wall_time_s: number;
  usage?: unknown;
  devset_source: 'devset' | 'trainset';
  program_state: Record<string, unknown>;
  source: string;
  gepa?: unknown;
  /** GEPA was stopped early: the result is its best candidate so far. */
  stopped?: boolean;
}

export class OptimizationRefused extends Error {}

type DevExample = { id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> };

/** What a cached optimization result holds: enough to answer a repeated request without Python. */
interface CachedResult {
  versionId: string;
  outcome: OptimizationOutcome;
}

const MAX_HISTORY = 500;
/** Recent optimizations of a model whose measured time per LM call the estimate uses. */
const LATENCY_SAMPLE_JOBS = 5;
/** Workflow step executions (ChatAdapter) whose parse failures join the optimizations' in the estimate. */
const PARSE_SAMPLE_EXECUTIONS = 200;

/** An optimizer's num_threads, when the request leaves it out, is the provider's (1 for a local server, 8 for a hosted API). */
export function withProviderThreads(strategy: Strategy, params: Record<string, unknown> | undefined, lm: LmConfig): Record<string, unknown> {
  const spec = (OPTIMIZERS[strategy].params as Record<string, { max?: number } | undefined>).num_threads;
  if (!spec || lm.num_threads === undefined || params?.num_threads !== undefined) return params ?? {};
  return { ...params, num_threads: Math.min(lm.num_threads, spec.max ?? lm.num_threads) };
}
const QUEUED_LOST_REASON = 'interrupted while queued: the app stopped before it started, and a queued request is not kept across restarts; submit it again';

/**
 * The optimization engine: async jobs persisted in SQLite, results cached by
 * (signature hash, dataset version, strategy and params, model), adoption against the baseline,
 * every promoted program a version that can be rolled back, all of it audited.
 */
export class OptimizationEngine extends EventEmitter {
  readonly jobs: JobRepository;
  private readonly metrics: MetricsStore;
  readonly versions: ProgramVersionRepository;
  readonly cache: ResultCache<CachedResult>;
  /** `stopper`: GEPA's first cancel stops its search and keeps the best candidate so far. */
  private readonly running = new Map<string, { controller: AbortController; stopper?: AbortController; done: Promise<OptimizationJob> }>();

  constructor(
    private readonly deps: {
      data: TrainingData;
      pool: () => Promise<PythonPool>;
      config: () => DspyPluginConfig;
      /** Called with each finished job, for monitoring. */
      onFinished?: (job: OptimizationJob, durationMs: number) => void;
    },
  ) {
    super();
    this.jobs = new JobRepository(deps.data.db);
    this.metrics = new MetricsStore(deps.data.db);
    this.versions = new ProgramVersionRepository(deps.data.db);
    const opt = deps.config().optimization;
    this.cache = new ResultCache<CachedResult>({ ttlSeconds: opt.cache_ttl, maxEntries: 500, backend: new SqliteCacheBackend(deps.data.db) });
  }

  /**
   * At startup: jobs a crash left running or queued are failed with the reason. A queued job's
   * request (program, LM) is not persisted, so it cannot be resumed; it is reported as failed.
   */
  recover(): { failed: string[]; resumed: string[] } {
    const { failed, queued } = this.jobs.recoverInterrupted();
    for (const job of queued) {
      const finished = this.jobs.finish(job.id, 'failed', { error: QUEUED_LOST_REASON });
      this.emit('event', { type: 'job', job: finished } satisfies EngineEvent);
    }
    return { failed: [...failed, ...queued.map((j) => j.id)], resumed: [] };
  }

  private resolveStrategy(requested?: Strategy): Strategy {
    const opt = this.deps.config().optimization;
    if (!opt.enabled) throw new OptimizationRefused('optimization is disabled (plugins.dspy_plugin.config.optimization.enabled: false)');
    const strategy = requested ?? opt.default_strategy;
    if (!opt.strategies.includes(strategy)) {
      throw new OptimizationRefused(`strategy ${strategy} is not allowed: optimization.strategies lists ${opt.strategies.join(', ')}`);
    }
    return strategy;
  }

  /** The examples a request trains on; `snapshot` takes the dataset version a run records (checks look at the live rows). */
  private dataset(req: OptimizeRequest, snapshot = true) {
    const sig = this.deps.data.signatures.resolve(req.signature);
    let version = req.datasetVersion ?? null;
    if (snapshot && !version && this.deps.data.settings.versioning_enabled) {
      // An unchanged dataset reuses its latest snapshot, so equal requests share one cache key.
      const latest = this.deps.data.versions.latest(sig.name);
      version =
        latest && latest.contentHash === this.deps.data.versions.liveContent(sig.name).contentHash
          ? latest.id
          : this.deps.data.createVersion({ signature: sig.name, by: req.requestedBy ?? 'optimizer', note: 'snapshot for optimization' }).id;
    }
    const set = this.deps.data.examplesForOptimization(sig.name, version ?? undefined);
    const toExample = (i: { id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }) => ({ id: i.id, inputs: i.inputs, outputs: i.outputs });
    // The labelers' notes go with the training examples: GEPA's feedback metric quotes them.
    const notes = this.deps.data.notes(set.train.map((i) => i.id));
    const train = set.train.map((i) => ({ ...toExample(i), ...(notes.has(i.id) ? { note: notes.get(i.id) } : {}) }));
    return { sig, version, train, dev: set.dev.map(toExample), excluded: set.excluded, notes };
  }

  /** LM calls, tokens, cost and time before a run, and whether the budget allows it; refuses invalid params. */
  estimate(req: OptimizeRequest): { estimate: Estimate; budget?: ReturnType<typeof checkBudget>; trainSize: number; devSize: number; sample: { size: number; of: number } | null } {
    const strategy = this.resolveStrategy(req.strategy);
    const sig = this.deps.data.signatures.resolve(req.signature);
    const set = this.deps.data.examplesForOptimization(sig.name, req.datasetVersion);
    // Prompt and answer sizes measured on the examples the run will use.
    const sizes = exampleTokens(set.train);
    const chat = (req.lm.structured_output ?? 'chat') === 'chat';
    const parseFailures = this.parseFailuresOf(req.lm);
    let estimate: Estimate;
    try {
      const params = withProviderThreads(strategy, req.params, req.lm);
      const reflection = strategy === 'gepa' ? reflectionLm(req.lm, resolveOptimizerParams('gepa', params).reflection_model) : undefined;
      estimate = estimateOptimization({
        reflectionModel: reflection && priceKey(reflection),
        strategy,
        params,
        trainSize: set.train.length,
        devSize: set.dev.length,
        // Priced as the runtime reports usage: provider/model, local endpoints free.
        model: priceKey(req.lm),
        predictors: req.program.kind === 'chain' ? req.program.steps.length : 1,
        latency: this.latencyOf(req.lm),
        evalThreads: req.lm.num_threads,
        // Only ChatAdapter asks again (through JSONAdapter) after an answer it cannot parse.
        parseFailures: chat ? parseFailures : undefined,
        prices: new PriceBook(this.deps.data.db).table(),
        avgInputTokens: sizes?.input,
        avgOutputTokens: sizes?.output,
      });
    } catch (err) {
      if (err instanceof OptimizerParamsError || err instanceof CallModelError) throw new OptimizationRefused(err.message);
      throw err;
    }
    if (!parseFailures && chat && req.lm.provider !== 'simulated') {
      estimate.notes.push(`no adapter retries counted: no optimization or workflow run of ${req.lm.model} has measured how many of its answers fail to parse yet (a small local model may need up to twice the calls)`);
    }
    // sample: the dataset is larger than the optimizer receives (its stratified sample's size and the rows it was drawn from)
    return { estimate, budget: req.budget ? checkBudget(estimate, req.budget) : undefined, trainSize: set.train.length, devSize: set.dev.length, sample: set.sample };
  }

  /**
   * Time per LM call: the simulated model's latency when set, else measured over recent optimizations
   * of the same model (which includes the runtime's own time per call, so never a bare 0).
   */
  private latencyOf(lm: LmConfig): Latency | undefined {
    if (lm.provider === 'simulated' && lm.latency_ms) return { msPerCall: lm.latency_ms, source: 'configured', samples: 0 };
    const recent = this.jobs
      .list({ status: 'succeeded', limit: 200 })
      .filter((j) => j.model === lm.model && j.result && !j.result.cached && j.result.lmCalls > 0)
      .slice(0, LATENCY_SAMPLE_JOBS);
    const calls = recent.reduce((s, j) => s + j.result!.lmCalls, 0);
    if (calls === 0) return undefined;
    const ms = recent.reduce((s, j) => s + j.result!.wallTimeS * 1000, 0);
    return { msPerCall: ms / calls, source: 'measured', samples: calls };
  }

  /**
   * The measured share of this model's ChatAdapter answers that failed to parse (each costs one more call),
   * over recent optimizations of the same model that reported it and its recent workflow step executions.
   */
  private parseFailuresOf(lm: LmConfig): ParseFailures | undefined {
    const stats = this.jobs
      .list({ status: 'succeeded', limit: 200 })
      .filter((j) => j.model === lm.model && j.result?.lmStats && !j.result.cached)
      .slice(0, LATENCY_SAMPLE_JOBS)
      .map((j) => j.result!.lmStats!)
      .concat(this.metrics.lmStatsOf(lm.model, 'chat', PARSE_SAMPLE_EXECUTIONS));
    const fallbacks = stats.reduce((s, x) => s + x.fallbacks, 0);
    const firstCalls = stats.reduce((s, x) => s + x.adapterCalls - x.fallbacks, 0);
    return firstCalls > 0 ? { rate: fallbacks / firstCalls, samples: firstCalls } : undefined;
  }

  /** Queues a job (or answers from the cache); refuses what the config or the budget does not allow. */
  submit(req: OptimizeRequest): OptimizationJob {
    const strategy = this.resolveStrategy(req.strategy);
    // Refusals are decided on the live rows, so a refused run leaves no dataset version behind.
    const { sig, train: liveTrain, excluded } = this.dataset(req, false);
    const min = strategy === 'mipro' ? 2 : 1;
    if (liveTrain.length < min) {
      const misfit = excluded.misfit ? ` ${excluded.misfit} example${excluded.misfit === 1 ? ' does' : 's do'} not fit the current signature: map their fields in Data.` : '';
      throw new OptimizationRefused(
        `${strategy} needs at least ${min} usable training example${min > 1 ? 's' : ''} for ${sig.name ?? sig.hash.slice(0, 12)}; found ${liveTrain.length}. Label or import examples (accepted, quality >= threshold) first.${misfit}`,
      );
    }
    const { estimate, budget } = this.estimate({ ...req, strategy });
    if (budget && !budget.ok) throw new OptimizationRefused(budget.message);
    const { version, train, dev, notes } = this.dataset(req);
    const params = withProviderThreads(strategy, req.params, req.lm);
    // Keyed by the resolved params: {} and the defaults written out are the same optimization.
    const resolved = resolveOptimizerParams(strategy, params) as unknown as Record<string, unknown>;
    // Notes change GEPA's feedback, not the dataset version: they are part of its key.
    const noted = strategy === 'gepa' && notes.size ? { notes: Object.fromEntries(notes) } : {};
    const parts: CacheKeyParts = { signatureHash: sig.hash, program: programShape(req.program), datasetVersion: version ?? 'live', strategy, params: { ...resolved, metric: req.metric ?? null, ...noted }, model: req.lm.model };
    // The same optimization already under way is joined, not started twice.
    const key = cacheKey(parts);
    const inFlight = [...this.running.keys()].map((id) => this.jobs.get(id)).find((j) => j && j.cacheKey === key && (j.status === 'queued' || j.status === 'running'));
    if (inFlight) return inFlight;
    const job = this.jobs.create({
      task: sig.name,
      signatureHash: sig.hash,
      signatureName: sig.name ?? null,
      datasetVersion: version,
      strategy,
      params,
      model: req.lm.model,
      cacheKey: key,
      estimate,
      requestedBy: req.requestedBy ?? 'user',
    });
    const cached = this.deps.config().optimization.cache_enabled ? this.cache.get(parts) : undefined;
    if (cached) {
      this.jobs.markRunning(job.id);
      const finished = this.jobs.finish(job.id, 'succeeded', { result: { ...cached.outcome, cached: true } });
      this.emit('event', { type: 'job', job: finished } satisfies EngineEvent);
      return finished;
    }
    this.emit('event', { type: 'job', job } satisfies EngineEvent);
    this.launch(job, { req, parts, train, dev });
    return job;
  }

  private launch(job: OptimizationJob, work: { req: OptimizeRequest; parts: CacheKeyParts; train: unknown[]; dev: DevExample[] }): void {
    const controller = new AbortController();
    const stopper = job.strategy === 'gepa' ? new AbortController() : undefined;
    // Python gets the params resolved (defaults applied, validated; submit's estimate refused invalid ones).
    const resolved = { ...job, params: resolveOptimizerParams(job.strategy, job.params) as unknown as Record<string, unknown> };
    const done = this.execute(resolved, work, controller.signal, stopper?.signal).finally(() => this.running.delete(job.id));
    this.running.set(job.id, { controller, stopper, done });
  }

  private async execute(
    job: OptimizationJob,
    work: { req: OptimizeRequest; parts: CacheKeyParts; train: unknown[]; dev: DevExample[] } | undefined,
    signal: AbortSignal,
    stop?: AbortSignal,
  ): Promise<OptimizationJob> {
    const started = Date.now();
    const finish = (status: 'succeeded' | 'failed' | 'cancelled', fields: { result?: OptimizationOutcome; error?: string }) => {
      const finished = this.jobs.finish(job.id, status, fields);
      this.emit('event', { type: 'job', job: finished } satisfies EngineEvent);
      this.deps.onFinished?.(finished, Date.now() - started);
      return finished;
    };
    if (!work) return finish('failed', { error: 'a queued job cannot be resumed after a restart without its request; submit it again' });
    await Promise.resolve();
    this.jobs.markRunning(job.id);
    this.emit('event', { type: 'job', job: this.jobs.get(job.id)! } satisfies EngineEvent);
    const { req, parts, train, dev } = work;
    const history: NonNullable<JobProgress['history']> = [];
    let lastSaved = 0;
    let budgetStop: string | undefined;
    let lastTree: JobProgress['gepa'];
    try {
      const pool = await this.deps.pool();
      const result = await pool.request<RuntimeOptimizeResult>(
        'optimize',
        {
          program: req.program, strategy: job.strategy, params: job.params, trainset: train, devset: dev.length ? dev : undefined, metric: req.metric ?? defaultMetric(req.program), lm: req.lm,
          reflection_lm: job.strategy === 'gepa' ? reflectionLm(req.lm, job.params.reflection_model as string | null) : undefined,
        },
        {
          signal,
          stop,
          // An optimization is long and costly: one attempt per worker crash is enough.
          timeout: Math.max(this.deps.config().python_bridge.timeout, 30 * 60_000),
          maxRetries: 1,
          onProgress: (p: Record<string, any>) => {
            if (typeof p.score === 'number' && p.phase === 'compile' && typeof p.trial === 'number' && p.trial > 0) {
              history.push({ trial: p.trial, score: p.score, best: p.best_score ?? p.score });
              if (history.length > MAX_HISTORY) history.shift();
            }
            const progress: JobProgress = { phase: p.phase, trial: p.trial, totalTrials: p.total_trials ?? undefined, score: p.score ?? undefined, bestScore: p.best_score ?? undefined, lmCalls: p.lm_calls, history: [...history], gepa: parseGepaTree(p.gepa) ?? lastTree };
            lastTree = progress.gepa;
            // Once: for GEPA a second cancel would abandon the best candidate the first one keeps.
            if (budgetStop === undefined && req.budget?.maxLmCalls !== undefined && (p.lm_calls ?? 0) > req.budget.maxLmCalls) {
              budgetStop = `stopped: ${p.lm_calls} LM calls passed the budget cap of ${req.budget.maxLmCalls}`;
              this.cancel(job.id);
            }
            this.emit('event', { type: 'progress', jobId: job.id, progress } satisfies EngineEvent);
            if (Date.now() - lastSaved > 250 || p.phase === 'done') {
              lastSaved = Date.now();
              this.jobs.saveProgress(job.id, progress);
            }
          },
        },
      );
      const lmStats = lmStatsOf(result);
      // With no dev example the runtime scores on the trainset: that gain is not a held-out one.
      const devSize = result.devset_source === 'devset' ? dev.length : 0;
      const decision = decideAdoption({ strategy: job.strategy, baselineScore: result.baseline_score, optimizedScore: result.optimized_score, devSize });
      const version = this.versions.add({
        task: job.task,
        signatureHash: job.signatureHash,
        jobId: job.id,
        strategy: job.strategy,
        model: job.model,
        datasetVersion: job.datasetVersion,
        baselineScore: result.baseline_score,
        optimizedScore: result.optimized_score,
        status: decision.adopt ? 'candidate' : 'rejected',
        decision,
        programSpec: req.program as unknown as Record<string, unknown>,
        programState: result.program_state,
        source: result.source,
      });
      const stopped = result.stopped === true;
      const promotion = stopped
        ? { promote: false, reason: `stopped early: the best candidate found so far is kept; ${decision.adopt ? 'promote it by hand' : decision.reason}` }
        : decision.adopt ? await this.autoPromotion(job, req, result.optimized_score, dev, signal) : { promote: false, reason: decision.reason };
      if (promotion.promote) this.promote(version.id, `optimizer:${job.requestedBy}`, promotion.reason);
      const outcome: OptimizationOutcome = {
        baselineScore: result.baseline_score,
        optimizedScore: result.optimized_score,
        devSize,
        scoredOn: devSize > 0 ? 'dev' : 'train',
        trainSize: train.length,
        baselineScores: result.baseline_scores,
        optimizedScores: result.optimized_scores,
        devIds: result.dev_ids.map((x) => x ?? ''),
        demos: result.demos,
        instructions: result.instructions,
        lmCalls: result.lm_calls,
        usage: phaseUsageSchema.safeParse(result.usage).data,
        ...(lmStats && { lmStats }),
        wallTimeS: result.wall_time_s,
        programVersion: version.id,
        decision,
        promoted: promotion.promote,
        promotion: promotion.reason,
        cached: false,
        gepa: parseGepaTree(result.gepa),
      };
      if (stopped) return finish('cancelled', { result: outcome, error: `${budgetStop ?? 'cancelled by the user'}; GEPA kept its best candidate so far (program version ${version.id.slice(0, 8)})` });
      if (this.deps.config().optimization.cache_enabled) this.cache.set(parts, { versionId: version.id, outcome });
      return finish('succeeded', { result: outcome });
    } catch (err) {
      if (signal.aborted) return finish('cancelled', { error: budgetStop ?? 'cancelled by the user' });
      return finish('failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  get(jobId: string): OptimizationJob | undefined {
    return this.jobs.get(jobId);
  }

  /** Resolves when the job has finished (immediately for a finished one). */
  async wait(jobId: string): Promise<OptimizationJob> {
    const live = this.running.get(jobId);
    if (live) return live.done;
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no optimization job ${jobId}`);
    return job;
  }

  /**
   * Cancels a running job. GEPA's first cancel stops its search after the iteration under way and keeps
   * its best candidate so far (evaluated on dev and stored, the job ends cancelled with that result);
   * a second cancel, or any other strategy's, abandons the run.
   */
  cancel(jobId: string): boolean {
    const live = this.running.get(jobId);
    if (!live) return false;
    if (live.stopper && !live.stopper.signal.aborted) live.stopper.abort();
    else live.controller.abort();
    return true;
  }

  /**
   * Whether a candidate that beat its baseline replaces the promoted program: only with
   * optimization.auto_promote on, and only when it also beats the promoted one by the adoption
   * threshold on the same dev examples (the promoted program is scored on them when its own
   * scores came from other data).
   */
  private async autoPromotion(
    job: OptimizationJob,
    req: OptimizeRequest,
    score: number,
    dev: DevExample[],
    signal: AbortSignal,
  ): Promise<{ promote: boolean; reason: string; incumbentScore?: number }> {
    if (!this.deps.config().optimization.auto_promote) return { promote: false, reason: 'optimization.auto_promote is off: promote it by hand' };
    const incumbent = this.promoted(job.task);
    if (!incumbent) return { promote: true, reason: `first program of ${job.task}: ${score.toFixed(3)} on ${dev.length} dev examples` };
    const comparable = incumbent.datasetVersion === job.datasetVersion && incumbent.signatureHash === job.signatureHash && incumbent.decision.adopt;
    let incumbentScore = incumbent.optimizedScore;
    if (!comparable) {
      const pool = await this.deps.pool();
      const r = await pool.request<{ mean: number }>(
        'evaluate',
        { program: incumbent.programSpec, program_state: incumbent.programState, dataset: dev, metric: req.metric ?? defaultMetric(req.program), lm: req.lm },
        { signal, maxRetries: 1, timeout: lmRequestTimeoutMs(req.lm, Math.ceil((2 * dev.length * predictorsOf(incumbent.programSpec)) / (req.lm.num_threads ?? 1)), this.deps.config().python_bridge.timeout) },
      );
      incumbentScore = r.mean;
    }
    const { threshold } = decideAdoption({ strategy: job.strategy, baselineScore: 0, optimizedScore: 0, devSize: dev.length });
    const gain = score - incumbentScore;
    const promote = gain + 1e-9 >= threshold;
    return {
      promote,
      incumbentScore,
      reason: `${promote ? 'replaces' : 'kept'} the promoted ${incumbent.strategy} program ${incumbent.id.slice(0, 8)}: ${score.toFixed(3)} vs ${incumbentScore.toFixed(3)} on the same ${dev.length} dev examples (gain ${gain >= 0 ? '+' : ''}${gain.toFixed(3)}, threshold +${threshold.toFixed(3)})${promote ? '' : '; promote it by hand to override'}`,
    };
  }

  /** Makes a version the one real-time execution uses; audited in the same transaction. */
  promote(versionId: string, by: string, reason = 'promoted by hand'): StoredProgramVersion {
    return this.deps.data.db
      .transaction(() => {
        const current = this.versions.get(versionId);
        if (current?.status === 'promoted') return current;
        const v = this.versions.promote(versionId, by);
        this.deps.data.signatures.setStaleChoice(v.task, null);
        this.deps.data.audit.append({ actor: by, action: 'program.promote', target: versionId, details: { task: v.task, signature_hash: v.signatureHash, strategy: v.strategy, score: v.optimizedScore, baseline: v.baselineScore, reason } });
        return v;
      })
      .immediate();
  }

  /** Back to the program promoted before (or the baseline); audited in the same transaction. */
  rollback(task: string, by: string): { from: StoredProgramVersion; to?: StoredProgramVersion } {
    return this.deps.data.db
      .transaction(() => {
        const r = this.versions.rollback(task, by);
        this.deps.data.signatures.setStaleChoice(task, null);
        this.deps.data.audit.append({ actor: by, action: 'program.rollback', target: r.from.id, details: { task, to: r.to?.id ?? 'baseline' } });
        return r;
      })
      .immediate();
  }

  /** The promoted program of a task: what its DSPy step runs. */
  promoted(task: string): StoredProgramVersion | undefined {
    return this.versions.promoted(task);
  }

  /** Cache warming: the programs of the most used cached results, newest promoted first. */
  warm(n = 10): StoredProgramVersion[] {
    return this.cache
      .mostUsed(n)
      .map((e) => this.versions.get(e.value.versionId))
      .filter((v): v is StoredProgramVersion => v !== undefined && v.status === 'promoted');
  }
}

/**
 * GEPA's reflection LM: the step's LM, or another model of the step's provider (same key and endpoint)
 * named `provider/model` by the reflection_model parameter.
 */
export function reflectionLm(lm: LmConfig, model: string | null): LmConfig {
  if (model === null) return lm;
  const [prefix, ...rest] = model.split('/');
  const provider = prefix === 'openai' ? 'openai_compatible' : prefix;
  if (provider !== lm.provider) throw new OptimizationRefused(`params.reflection_model: ${model} is not a model of the step's provider (${lm.provider}); name one of its models, or null for the step's model`);
  return { ...lm, model: provider === 'simulated' ? model : rest.join('/') };
}

/** Object outputs compare field by field; everything else by exact match. */
export function defaultMetric(program: ProgramSpec): string {
  const last = program.kind === 'chain' ? program.steps[program.steps.length - 1].signature : program.signature;
  return (last.output_fields ?? []).some((f) => f.type === 'object') ? 'json_field_match' : 'exact_match';
}
