import { mkdirSync } from 'node:fs';
import { dspyPluginConfigSchema, parseConfig, type DspyPluginConfig } from '../../shared/plugin-config/schema';
import { ExperimentStore } from './experiments/experiment-store';
import { rollbackTrigger } from './deployment/rollback';
import { previousPhase } from './deployment/phases';
import { evaluateFeatureFlags } from './deployment/rollout';
import { compareArms, traceArms, type CompareRequest, type ComparisonReport } from './experiments/offline-comparison';
import type { DSPyPlugin } from './dspy-plugin/dspy-plugin';
import { RealTimeExecutor } from './dspy-plugin/real-time-executor';
import { AlertManager } from './monitoring/alerts';
import { buildHealthReport, type PluginHealthReport } from './monitoring/health';
import { MetricsStore } from './monitoring/metrics-store';
import { AdaptiveReoptimizer } from './optimization/adaptive-reoptimizer';
import { PriceBook } from './optimization/prices';
import { OptimizationEngine } from './optimization/optimization-engine';
import { createPluginHost, type PluginHost } from './plugin-host';
import type { PluginEntry } from './plugins/plugin-manager';
import { providerSettingsFromEnv, providerSettingsSchema, type ProviderSettings, type ProviderSettingsInput } from './providers/provider-settings';
import { PythonPool, type PoolOptions } from './python-bridge/pool';
import { RuntimeSetup, type RuntimeSetupOptions } from './python-bridge/runtime-setup';
import { TrainingData } from './training-data/manager';
import { runWorkflow, type RunOptions, type RunResult, type StepRecord } from './workflow-runtime/workflow-runner';

const CONFIG_KEY = 'plugins.dspy_plugin';

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = base[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** The values a change replaced, by section, for the audit entry. */
function diffKeys(before: DspyPluginConfig, after: DspyPluginConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const section of Object.keys(after) as (keyof DspyPluginConfig)[]) {
    for (const [k, v] of Object.entries(after[section])) {
      const old = (before[section] as Record<string, unknown>)[k];
      if (JSON.stringify(old) !== JSON.stringify(v)) out[`${section}.${k}`] = old;
    }
  }
  return out;
}

export interface StudioOptions {
  dataDir: string;
  plugins?: Record<string, PluginEntry>;
  providers?: ProviderSettingsInput;
  /** Overrides of the pool settings the plugin config gives (tests use small pools). */
  pool?: Partial<PoolOptions>;
  /** Where the runtime is provisioned from (tests: a wheelhouse copied elsewhere, no source tree). */
  runtime?: Pick<RuntimeSetupOptions, 'wheelhouse' | 'repoRoot'>;
  /** An Electron-ABI better-sqlite3 build (the desktop shell in development; see docs/architecture.md). */
  nativeBinding?: string;
}

/**
 * The host, assembled: plugins, the training data store, the Python pool (started on first use),
 * the optimization engine and real-time execution, monitoring. The CLI, the browser-mode server
 * and the Electron shell each hold one.
 */
export class Studio {
  private poolPromise?: Promise<PythonPool>;
  readonly engine: OptimizationEngine;
  readonly executor: RealTimeExecutor;
  readonly metrics: MetricsStore;
  readonly alerts = new AlertManager();
  readonly experiments: ExperimentStore;
  readonly adaptive: AdaptiveReoptimizer;
  /** Prices of LM tokens (Settings), for estimates and measured costs. */
  readonly prices: PriceBook;
  /** When the current deployment phase began: auto-rollback judges only executions since then. */
  private phaseEnteredAt = Date.now();
  /** Program versions loaded into the workers at pool start (cache_warming). */
  warming: Promise<string[]> = Promise.resolve([]);
  providers: ProviderSettings;
  /** Provisions the Python runtime from the bundled wheelhouse before the pool starts. */
  readonly runtime: RuntimeSetup;

  private constructor(
    readonly dataDir: string,
    readonly host: PluginHost,
    readonly data: TrainingData,
    private readonly options: StudioOptions,
  ) {
    this.providers = options.providers ? providerSettingsSchema.parse(options.providers) : providerSettingsFromEnv();
    this.runtime = new RuntimeSetup({ dataDir, pythonPath: options.pool?.pythonPath, ...options.runtime });
    this.metrics = new MetricsStore(data.db);
    this.prices = new PriceBook(data.db);
    this.experiments = new ExperimentStore(data.db);
    this.engine = new OptimizationEngine({ data, pool: () => this.pool(), config: () => this.config });
    this.adaptive = new AdaptiveReoptimizer({ metrics: this.metrics, engine: this.engine, enabled: () => this.config.real_time.adaptive_thresholds });
    this.executor = new RealTimeExecutor({
      engine: this.engine,
      data,
      pool: () => this.pool(),
      config: () => this.config,
      providers: () => this.providers,
      experiments: this.experiments,
      observe: (r, { program, lm }) => {
        const exec = { ...r, runId: r.runId ?? '', model: lm.model, structuredOutput: lm.structured_output ?? 'chat' };
        this.metrics.record(exec);
        this.adaptive.check(exec, program.program, lm);
        this.checkDeployment();
      },
    });
  }

  static async open(options: StudioOptions): Promise<Studio> {
    mkdirSync(options.dataDir, { recursive: true });
    const data = TrainingData.open(options.dataDir, { nativeBinding: options.nativeBinding });
    const stored = data.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(CONFIG_KEY) as { value_json: string } | undefined;
    const plugins = options.plugins ?? (stored ? { dspy_plugin: { module: 'Pipeline.Plugins.DSPyPlugin', enabled: true, config: JSON.parse(stored.value_json) } } : undefined);
    const host = await createPluginHost({ plugins });
    const studio = new Studio(options.dataDir, host, data, options);
    if (host.plugins.get('dspy_plugin')) studio.syncTrainingSettings('startup');
    studio.engine.recover();
    return studio;
  }

  /** The store's training-data settings follow the plugin config (one source of truth). */
  private syncTrainingSettings(by: string): void {
    const c = this.config;
    const wanted = {
      collection_enabled: c.training_data.collection_enabled,
      quality_threshold: c.training_data.quality_threshold,
      bias_detection: c.training_data.bias_detection,
      versioning_enabled: c.training_data.versioning_enabled,
      sources: [...c.training_data.sources],
      feature_flags: [...c.deployment.feature_flags],
    };
    const current = this.data.settings;
    if (Object.entries(wanted).some(([k, v]) => JSON.stringify(current[k as keyof typeof current]) !== JSON.stringify(v))) this.data.updateSettings(wanted, by);
  }

  /**
   * Changes the plugin config at run time (deployment phase, rollout, flags, ...): validated,
   * stored, audited, in effect for the next execution. Pool settings apply after restartPool().
   */
  updateConfig(patch: Record<string, unknown>, by: string): DspyPluginConfig {
    const merged = deepMerge(this.config as unknown as Record<string, unknown>, patch);
    const parsed = parseConfig(dspyPluginConfigSchema, merged);
    if (!parsed.ok) throw new Error(`invalid configuration: ${parsed.errors.map((e) => e.message).join('; ')}`);
    const before = this.config;
    if (parsed.value.deployment.phase !== before.deployment.phase) this.phaseEnteredAt = Date.now();
    this.dspyPlugin.reconfigure(parsed.value);
    this.data.db
      .prepare('INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at')
      .run(CONFIG_KEY, JSON.stringify(parsed.value), new Date().toISOString());
    this.data.audit.append({ actor: by, action: 'config.change', target: 'plugins.dspy_plugin', details: { patch, before: diffKeys(before, parsed.value) } });
    this.syncTrainingSettings(by);
    return parsed.value;
  }

  /**
   * Auto-rollback: when the DSPy path's executions since the phase began fire the phase's trigger
   * (error rate > 0.02, degradation > 0.3 against traditional execution), step back one phase.
   */
  checkDeployment(): string | undefined {
    const { phase } = this.config.deployment;
    const to = previousPhase(phase);
    if (!to || !this.config.monitoring.enabled) return undefined;
    const recent = this.metrics.executions(this.phaseEnteredAt);
    // Fallbacks belong to the DSPy path: one after an error is recorded as not ok.
    const dspy = recent.filter((e) => e.mode === 'optimized' || e.mode === 'baseline' || e.mode === 'fallback');
    const traditional = recent.filter((e) => e.mode === 'traditional');
    const success = (xs: typeof recent) => (xs.length ? xs.filter((e) => e.ok).length / xs.length : undefined);
    const errorRate = dspy.length ? dspy.filter((e) => !e.ok).length / dspy.length : 0;
    const trigger = rollbackTrigger(phase, { executions: dspy.length, errorRate, successRate: success(dspy), baselineSuccessRate: success(traditional) });
    if (!trigger) return undefined;
    this.updateConfig({ deployment: { phase: to } }, 'auto-rollback');
    this.data.audit.append({ actor: 'auto-rollback', action: 'deployment.rollback', target: phase, details: { from: phase, to, reason: trigger, executions: dspy.length } });
    return trigger;
  }

  setProviders(settings: ProviderSettings): void {
    this.providers = settings;
  }

  /** Stops the workers and starts a fresh pool with the current python_bridge settings; `repairRuntime` rebuilds the provisioned runtime in between. */
  async restartPool(opts: { repairRuntime?: boolean } = {}): Promise<void> {
    if (opts.repairRuntime) this.runtime.assertRepairable();
    const old = this.poolPromise;
    this.poolPromise = undefined;
    await (await old?.catch(() => undefined))?.shutdown();
    if (opts.repairRuntime) await this.runtime.ensure(true);
    await this.pool();
  }

  get dspyPlugin(): DSPyPlugin {
    const plugin = this.host.plugins.get<DSPyPlugin>('dspy_plugin');
    if (!plugin) {
      const status = this.host.plugins.status().find((s) => s.name === 'dspy_plugin');
      throw new Error(`the DSPy plugin is not active${status?.error ? `: ${status.error}` : ''}`);
    }
    return plugin;
  }

  get config(): DspyPluginConfig {
    return this.dspyPlugin.config;
  }

  /** The Python worker pool, started with the plugin's python_bridge settings on first use. */
  pool(): Promise<PythonPool> {
    this.poolPromise ??= (async () => {
      const pb = this.config.python_bridge;
      if (!this.options.pool?.runtime) await this.runtime.ensure();
      const runtime = this.options.pool?.runtime ?? this.runtime.locate();
      const pool = new PythonPool({ poolSize: pb.pool_size, timeout: pb.timeout, maxRetries: pb.max_retries, healthCheckInterval: pb.health_check_interval, dataDir: this.dataDir, ...this.options.pool, runtime });
      await pool.start();
      if (this.config.real_time.cache_warming) this.warming = this.warm(pool);
      return pool;
    })().catch((err) => {
      this.poolPromise = undefined;
      throw err;
    });
    return this.poolPromise;
  }

  /** Cache warming: the generated modules of the most used promoted programs are imported in the workers. */
  private async warm(pool: PythonPool): Promise<string[]> {
    const warmed: string[] = [];
    for (const v of this.engine.warm(10)) {
      await Promise.all(pool.workers().map(() => pool.request('export_source', { program: v.programSpec }).catch(() => undefined)));
      warmed.push(v.id);
    }
    return warmed;
  }

  get poolStarted(): boolean {
    return this.poolPromise !== undefined;
  }

  async run(workflow: Record<string, unknown>, opts: Omit<RunOptions, 'dspy' | 'providers'>): Promise<RunResult> {
    return runWorkflow(workflow, {
      ...opts,
      dspy: this.executor,
      providers: { claude: this.providers.claude, gemini: this.providers.gemini },
      onEvent: (e) => {
        // DSPy steps record themselves (with cache and fallback details); traditional calls are recorded here.
        if (e.type === 'step_finished' && (e.record.type === 'claude' || e.record.type === 'gemini') && e.record.status !== 'skipped') {
          this.recordTraditional(String(workflow.name ?? ''), e.record);
        }
        opts.onEvent?.(e);
      },
    });
  }

  private recordTraditional(workflow: string, rec: StepRecord): void {
    const outputs = rec.outputs !== null && typeof rec.outputs === 'object' && !Array.isArray(rec.outputs) ? (rec.outputs as Record<string, unknown>) : rec.outputs === undefined ? null : { response: rec.outputs };
    const run = this.data.runs.record({
      workflow,
      step: rec.step,
      inputs: rec.inputs ?? {},
      outputs,
      mode: 'traditional',
      latency_ms: rec.latencyMs,
      tokens_in: rec.tokens?.input ?? null,
      tokens_out: rec.tokens?.output ?? null,
      cost: rec.costUsd ?? null,
      error: rec.error ?? null,
    });
    const tokens = (rec.tokens?.input ?? 0) + (rec.tokens?.output ?? 0);
    this.metrics.record({ runId: run.id, workflow, step: rec.step, mode: 'traditional', ok: rec.status === 'ok', latencyMs: rec.latencyMs, tokens, cost: rec.costUsd ?? 0, timestamp: Date.now() });
  }

  /** Offline A/B of two arms (baseline or program versions) on the same labeled examples. */
  compare(req: CompareRequest): Promise<ComparisonReport> {
    return compareArms({ data: this.data, versions: this.engine.versions, pool: () => this.pool() }, req);
  }

  /** Both arms of a comparison run on one example, with their LM calls. */
  compareTrace(req: Parameters<typeof traceArms>[1]): ReturnType<typeof traceArms> {
    return traceArms({ data: this.data, versions: this.engine.versions, pool: () => this.pool() }, req);
  }

  async health(windowMs = 15 * 60_000): Promise<PluginHealthReport> {
    const summary = this.metrics.summary(windowMs);
    const pool = this.poolPromise ? await this.poolPromise.catch(() => undefined) : undefined;
    const status = pool?.status();
    this.alerts.evaluate(summary, Date.now());
    return buildHealthReport({
      now: Date.now(),
      pythonBridge: {
        started: pool !== undefined,
        ready: status ? status.readyWorkers > 0 : false,
        workers: status?.readyWorkers ?? 0,
        poolSize: this.options.pool?.poolSize ?? this.config.python_bridge.pool_size,
        restarts: status?.restarts ?? 0,
      },
      summary,
      alerts: this.alerts.active(),
      deployment: { phase: this.config.deployment.phase, rolloutPercentage: this.config.deployment.rollout_percentage },
      featureFlags: evaluateFeatureFlags(this.config),
    });
  }

  async close(): Promise<void> {
    const pool = this.poolPromise ? await this.poolPromise.catch(() => undefined) : undefined;
    await pool?.shutdown();
    this.data.close();
    await this.host.plugins.unloadAll();
  }
}
