import { describe, expect, it } from 'vitest';
import {
  defaultDspyPluginConfig, dspyMonitoringSchemaExtension, dspyPluginBlockSchema, dspySchemaExtension,
  dspyTrainingSchemaExtension, parseConfig, parseDspyPluginConfig,
} from '../../shared/index';

const SPEC_DEFAULTS = {
  python_bridge: { pool_size: 3, timeout: 30000, max_retries: 3, health_check_interval: 10000 },
  optimization: { enabled: true, strategies: ['bootstrap_few_shot', 'copro', 'mipro', 'gepa', 'simba'], default_strategy: 'bootstrap_few_shot', async_optimization: true, cache_enabled: true, cache_ttl: 3600, auto_promote: true },
  training_data: { collection_enabled: true, quality_threshold: 0.7, bias_detection: true, versioning_enabled: true, sources: ['execution_history', 'user_feedback', 'synthetic_generation'] },
  real_time: { max_wait_time: 5000, fallback_strategy: 'traditional', cache_warming: true, adaptive_thresholds: true },
  monitoring: { enabled: true, ab_testing: true },
  deployment: { phase: 'development', rollout_percentage: 100, experiment_enabled: false, feature_flags: ['optimization_enabled', 'training_data_collection', 'real_time_optimization'] },
};

describe('plugins.dspy_plugin', () => {
  it('parsing {} yields the spec defaults for every key', () => {
    expect(defaultDspyPluginConfig()).toEqual(SPEC_DEFAULTS);
    expect(dspyPluginBlockSchema.parse({})).toEqual({ module: 'Pipeline.Plugins.DSPyPlugin', enabled: true, config: SPEC_DEFAULTS });
  });

  it('a config written with removed keys still parses (they are dropped)', () => {
    const r = parseDspyPluginConfig({ monitoring: { enabled: false, metrics_collection: true, alerting: false, performance_comparison: true } });
    expect(r.ok && r.value.monitoring).toEqual({ enabled: false, ab_testing: true });
  });

  it('a partial section keeps the other defaults', () => {
    const r = parseDspyPluginConfig({ python_bridge: { pool_size: 8 }, deployment: { phase: 'canary' } });
    expect(r.ok && r.value.python_bridge).toEqual({ ...SPEC_DEFAULTS.python_bridge, pool_size: 8 });
    expect(r.ok && r.value.deployment.rollout_percentage).toBe(100);
  });

  it('rejects pool_size 0 with the path and the allowed range', () => {
    expect(parseDspyPluginConfig({ python_bridge: { pool_size: 0 } })).toEqual({
      ok: false, errors: [{ path: 'python_bridge.pool_size', message: 'python_bridge.pool_size: must be between 1 and 16 (got 0)' }],
    });
  });

  it.each([
    [{ python_bridge: { pool_size: 17 } }, 'python_bridge.pool_size: must be between 1 and 16 (got 17)'],
    [{ python_bridge: { max_retries: 11 } }, 'python_bridge.max_retries: must be between 0 and 10 (got 11)'],
    [{ training_data: { quality_threshold: 1.5 } }, 'training_data.quality_threshold: must be between 0 and 1 (got 1.5)'],
    [{ deployment: { rollout_percentage: -1 } }, 'deployment.rollout_percentage: must be between 0 and 100 (got -1)'],
    [{ deployment: { phase: 'prod' } }, 'deployment.phase: must be one of development, staging, canary, limited_production, full_production (got "prod")'],
    [{ training_data: { sources: ['rumours'] } }, 'training_data.sources.0: must be one of execution_history, user_feedback, synthetic_generation'],
    [{ real_time: { fallback_strategy: 'retry' } }, 'real_time.fallback_strategy'],
    [{ optimization: { strategies: ['copro'] } }, 'optimization.default_strategy: must be one of the listed strategies (copro) (got "bootstrap_few_shot")'],
    [{ optimization: { strategies: ['copro', 'mipro'], default_strategy: 'bootstrap_few_shot' } }, 'optimization.default_strategy: must be one of the listed strategies'],
  ])('rejects %j', (input, message) => {
    const r = parseDspyPluginConfig(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.message).join('\n')).toContain(message);
  });

  it('exports the three schema extensions, which compose to the whole config', () => {
    expect(Object.keys(dspySchemaExtension.shape)).toEqual(['python_bridge', 'optimization', 'real_time']);
    expect(Object.keys(dspyMonitoringSchemaExtension.shape)).toEqual(['monitoring', 'deployment']);
    expect(Object.keys(dspyTrainingSchemaExtension.shape)).toEqual(['training_data']);
    const composed = { ...dspySchemaExtension.parse({}), ...dspyMonitoringSchemaExtension.parse({}), ...dspyTrainingSchemaExtension.parse({}) };
    expect(composed).toEqual(SPEC_DEFAULTS);
    const bad = parseConfig(dspyTrainingSchemaExtension, { training_data: { quality_threshold: -0.1 } });
    expect(!bad.ok && bad.errors[0].path).toBe('training_data.quality_threshold');
  });
});
