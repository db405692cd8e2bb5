import { z } from 'zod';
import { EVALUATION_MODES, fallbackStrategySchema } from '../dspy/config';

/** An integer in [min, max] with a default; the message names the range and the value given. */
function intIn(min: number, max: number | undefined, dflt: number, description: string) {
  const range = max === undefined ? `at least ${min}` : `between ${min} and ${max}`;
  const msg = (iss: { input?: unknown }) => `must be ${range} (got ${JSON.stringify(iss.input)})`;
  let s = z.number({ error: msg }).int({ error: msg }).min(min, { error: msg });
  if (max !== undefined) s = s.max(max, { error: msg });
  return s.default(dflt).describe(`${description} Default ${dflt}; ${range}.`);
}

function bool(dflt: boolean, description: string) {
  return z.boolean({ error: (iss) => `must be true or false (got ${JSON.stringify(iss.input)})` }).default(dflt).describe(`${description} Default ${dflt}.`);
}

function oneOf<T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.enum(values, { error: (iss) => `must be one of ${values.join(', ')} (got ${JSON.stringify(iss.input)})` }).describe(description);
}

/** A subset of `values`, no repeats; defaults to all of them. */
function subsetOf<T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.array(oneOf(values, description))
    .refine((a) => new Set(a).size === a.length, { error: 'must not list a value twice' })
    .default([...values])
    .describe(`${description} Any of: ${values.join(', ')}. Default: all.`);
}

export const STRATEGIES = EVALUATION_MODES;
export const TRAINING_SOURCES = ['execution_history', 'user_feedback', 'synthetic_generation'] as const;
export const DEPLOYMENT_PHASES = ['development', 'staging', 'canary', 'limited_production', 'full_production'] as const;
export const FEATURE_FLAGS = ['optimization_enabled', 'training_data_collection', 'real_time_optimization'] as const;

export const pythonBridgeSchema = z.object({
  pool_size: intIn(1, 16, 3, 'Python worker processes.'),
  timeout: intIn(1, undefined, 30000, 'Request timeout in milliseconds.'),
  max_retries: intIn(0, 10, 3, 'Retries of a failed request.'),
  health_check_interval: intIn(1, undefined, 10000, 'Milliseconds between worker health checks.'),
}).describe('Python worker pool.');

export const optimizationSchema = z.object({
  enabled: bool(true, 'Run optimizations.'),
  strategies: subsetOf(STRATEGIES, 'Optimizers allowed.'),
  default_strategy: oneOf(STRATEGIES, 'Optimizer used when none is named; must be listed in strategies.').default('bootstrap_few_shot'),
  async_optimization: bool(true, 'Optimize in background jobs.'),
  cache_enabled: bool(true, 'Cache optimized programs.'),
  cache_ttl: intIn(0, undefined, 3600, 'Seconds an optimized program stays cached.'),
  auto_promote: bool(true, 'Promote a finished optimization by itself when it beats the baseline and the promoted program by the adoption threshold on held-out dev examples.'),
}).check((ctx) => {
  if (!ctx.value.strategies.includes(ctx.value.default_strategy)) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value.default_strategy,
      path: ['default_strategy'],
      message: `must be one of the listed strategies (${ctx.value.strategies.join(', ') || 'none'}) (got "${ctx.value.default_strategy}")`,
    });
  }
}).describe('Optimization engine.');

export const trainingDataSchema = z.object({
  collection_enabled: bool(true, 'Collect training examples.'),
  quality_threshold: z.number({ error: (iss) => `must be between 0 and 1 (got ${JSON.stringify(iss.input)})` })
    .min(0, { error: (iss) => `must be between 0 and 1 (got ${JSON.stringify(iss.input)})` })
    .max(1, { error: (iss) => `must be between 0 and 1 (got ${JSON.stringify(iss.input)})` })
    .default(0.7).describe('Minimum quality score of a usable example. Default 0.7; between 0 and 1.'),
  bias_detection: bool(true, 'Report bias in datasets.'),
  versioning_enabled: bool(true, 'Version datasets.'),
  sources: subsetOf(TRAINING_SOURCES, 'Where examples come from.'),
}).describe('Training data management.');

export const realTimeSchema = z.object({
  max_wait_time: intIn(0, undefined, 5000, 'Milliseconds a step waits for an optimized program before falling back.'),
  fallback_strategy: fallbackStrategySchema.default('traditional'),
  cache_warming: bool(true, 'Load cached programs at start.'),
  adaptive_thresholds: bool(true, 'Re-optimize a promoted program whose executions degrade: after 5 runs, an error rate over 1.5x the one before its promotion, or quality under 0.8x its dev score, starts a new optimization.'),
}).describe('Real-time execution.');

export const monitoringSchema = z.object({
  enabled: bool(true, 'Monitoring on.'),
  ab_testing: bool(true, 'Allow A/B experiments.'),
}).describe('Production monitoring.');

export const deploymentSchema = z.object({
  phase: oneOf(DEPLOYMENT_PHASES, 'Deployment phase.').default('development'),
  rollout_percentage: intIn(0, 100, 100, 'Percent of executions that use DSPy.'),
  experiment_enabled: bool(false, 'Run an A/B experiment.'),
  feature_flags: subsetOf(FEATURE_FLAGS, 'Features switched on.'),
}).describe('Phased rollout.');

// z.object(...).prefault({}) parses `{}` through the inner defaults, so a missing section gets every default.
const section = <T extends z.ZodType>(s: T) => s.prefault({} as never);

/** Schema extension `dspy`: optimization, python bridge, real-time execution. */
export const dspySchemaExtension = z.object({
  python_bridge: section(pythonBridgeSchema),
  optimization: section(optimizationSchema),
  real_time: section(realTimeSchema),
});
/** Schema extension `dspy_monitoring`: monitoring and deployment. */
export const dspyMonitoringSchemaExtension = z.object({
  monitoring: section(monitoringSchema),
  deployment: section(deploymentSchema),
});
/** Schema extension `dspy_training`: training data. */
export const dspyTrainingSchemaExtension = z.object({
  training_data: section(trainingDataSchema),
});

export const schemaExtensions = {
  dspy: dspySchemaExtension,
  dspy_monitoring: dspyMonitoringSchemaExtension,
  dspy_training: dspyTrainingSchemaExtension,
} as const;

/** `plugins.dspy_plugin.config`: the three extensions together. */
export const dspyPluginConfigSchema = z.object({
  ...dspySchemaExtension.shape,
  ...dspyMonitoringSchemaExtension.shape,
  ...dspyTrainingSchemaExtension.shape,
}).describe('DSPy plugin settings.');
export type DspyPluginConfig = z.infer<typeof dspyPluginConfigSchema>;

/** The whole `plugins.dspy_plugin` block. */
export const dspyPluginBlockSchema = z.object({
  module: z.string().default('Pipeline.Plugins.DSPyPlugin').describe('Plugin module. Default Pipeline.Plugins.DSPyPlugin.'),
  enabled: bool(true, 'Load the plugin.'),
  config: section(dspyPluginConfigSchema),
}).describe('The DSPy plugin.');
export type DspyPluginBlock = z.infer<typeof dspyPluginBlockSchema>;

export interface ConfigError {
  /** Dotted path such as `python_bridge.pool_size`. */
  path: string;
  message: string;
}

export type ConfigParseResult<T> = { ok: true; value: T } | { ok: false; errors: ConfigError[] };

/** Parses with any of the schemas above; errors read `python_bridge.pool_size: must be between 1 and 16 (got 0)`. */
export function parseConfig<T extends z.ZodType>(schema: T, input: unknown): ConfigParseResult<z.infer<T>> {
  const res = schema.safeParse(input ?? {});
  if (res.success) return { ok: true, value: res.data };
  return {
    ok: false,
    errors: res.error.issues.map((i) => {
      const path = i.path.map(String).join('.');
      const message = i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message;
      return { path, message: path ? `${path}: ${message}` : message };
    }),
  };
}

export const parseDspyPluginConfig = (input: unknown) => parseConfig(dspyPluginConfigSchema, input);
export const defaultDspyPluginConfig = (): DspyPluginConfig => dspyPluginConfigSchema.parse({});
