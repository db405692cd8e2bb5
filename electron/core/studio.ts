import { mkdirSync } from 'node:fs';
import type { DspyPluginConfig } from '../../shared/plugin-config/schema';
import { evaluateFeatureFlags } from './deployment/rollout';
import { compareArms, type CompareRequest, type ComparisonReport } from './experiments/offline-comparison';
import type { DSPyPlugin } from './dspy-plugin/dspy-plugin';
import { RealTimeExecutor } from './dspy-plugin/real-time-executor';
import { AlertManager } from './monitoring/alerts';
import { buildHealthReport, type PluginHealthReport } from './monitoring/health';
import { MetricsStore } from './monitoring/metrics-store';
import { OptimizationEngine } from './optimization/optimization-engine';
import { createPluginHost, type PluginHost } from './plugin-host';
import type { PluginEntry } from './plugins/plugin-manager';
import { providerSettingsFromEnv, type ProviderSettings } from './providers/provider-settings';
import { PythonPool, type PoolOptions } from './python-bridge/pool';
import { TrainingData } from './training-data/manager';
import { runWorkflow, type RunOptions, type RunResult } from './workflow-runtime/workflow-runner';

export interface StudioOptions {
  dataDir: string;
  plugins?: Record<string, PluginEntry>;
  providers?: ProviderSettings;
  /** Overrides of the pool settings the plugin config gives (tests use small pools). */
  pool?: Partial<PoolOptions>;
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
  providers: ProviderSettings;

  private constructor(
    readonly dataDir: string,
    readonly host: PluginHost,
    readonly data: TrainingData,
    private readonly options: StudioOptions,
  ) {
    this.providers = options.providers ?? providerSettingsFromEnv();
    this.metrics = new MetricsStore(data.db);
    this.engine = new OptimizationEngine({ data, pool: () => this.pool(), config: () => this.config });
    this.executor = new RealTimeExecutor({
      engine: this.engine,
      data,
      pool: () => this.pool(),
      config: () => this.config,
      providers: () => this.providers,
      observe: (r) => this.metrics.record({ ...r, runId: r.runId ?? '' }),
    });
  }

  static async open(options: StudioOptions): Promise<Studio> {
    mkdirSync(options.dataDir, { recursive: true });
    const host = await createPluginHost({ plugins: options.plugins });
    const data = TrainingData.open(options.dataDir);
    const studio = new Studio(options.dataDir, host, data, options);
    studio.engine.recover();
    return studio;
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
      const pool = new PythonPool({ poolSize: pb.pool_size, timeout: pb.timeout, maxRetries: pb.max_retries, healthCheckInterval: pb.health_check_interval, dataDir: this.dataDir, ...this.options.pool });
      await pool.start();
      return pool;
    })().catch((err) => {
      this.poolPromise = undefined;
      throw err;
    });
    return this.poolPromise;
  }

  get poolStarted(): boolean {
    return this.poolPromise !== undefined;
  }

  async run(workflow: Record<string, unknown>, opts: Omit<RunOptions, 'dspy' | 'providers'>): Promise<RunResult> {
    return runWorkflow(workflow, {
      ...opts,
      dspy: this.executor,
      providers: { claude: this.providers.claude, gemini: this.providers.gemini },
    });
  }

  /** Offline A/B of two arms (baseline or program versions) on the same labeled examples. */
  compare(req: CompareRequest): Promise<ComparisonReport> {
    return compareArms({ data: this.data, versions: this.engine.versions, pool: () => this.pool() }, req);
  }

  async health(windowMs = 15 * 60_000): Promise<PluginHealthReport> {
    const summary = this.metrics.summary(windowMs);
    const pool = this.poolPromise ? await this.poolPromise.catch(() => undefined) : undefined;
    const status = pool?.status();
    this.alerts.evaluate(summary, Date.now());
    return buildHealthReport({
      now: Date.now(),
      pythonBridge: {
        ready: status ? status.readyWorkers > 0 : false,
        workers: status?.readyWorkers ?? 0,
        poolSize: this.config.python_bridge.pool_size,
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
