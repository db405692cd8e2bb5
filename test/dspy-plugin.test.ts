import { describe, expect, it } from 'vitest';
import { DSPyPlugin } from '../electron/core/dspy-plugin/dspy-plugin';
import { createPluginHost } from '../electron/core/plugin-host';

describe('DSPy plugin', () => {
  it('registers exactly the spec\'s step types, providers and schema extensions', async () => {
    const host = await createPluginHost();
    const [status] = host.plugins.status();
    expect(status).toMatchObject({ name: 'dspy_plugin', module: 'Pipeline.Plugins.DSPyPlugin', state: 'active' });
    expect(status.registrations.stepTypes.sort()).toEqual(['dspy_chain', 'dspy_claude', 'dspy_evaluation', 'dspy_gemini']);
    expect(status.registrations.providers).toEqual([
      { name: 'dspy_claude', capabilities: ['dspy_optimization', 'claude_compatible'] },
      { name: 'dspy_gemini', capabilities: ['dspy_optimization', 'gemini_compatible'] },
    ]);
    expect(status.registrations.schemaExtensions).toEqual(['dspy', 'dspy_monitoring', 'dspy_training']);
    expect(host.steps.knownTypes()).toHaveLength(19);
  });

  it('fills every default of the spec when the config block is empty', async () => {
    const host = await createPluginHost();
    const config = host.plugins.get<DSPyPlugin>('dspy_plugin')!.config;
    expect(config.python_bridge).toEqual({ pool_size: 3, timeout: 30000, max_retries: 3, health_check_interval: 10000 });
    expect(config.optimization.default_strategy).toBe('bootstrap_few_shot');
    expect(config.training_data.quality_threshold).toBe(0.7);
    expect(config.real_time.max_wait_time).toBe(5000);
    expect(config.deployment).toMatchObject({ phase: 'development', rollout_percentage: 100, experiment_enabled: false });
  });

  it('rejects pool_size: 0 with the path and the allowed range, and the host keeps running', async () => {
    const host = await createPluginHost({
      plugins: { dspy_plugin: { module: 'Pipeline.Plugins.DSPyPlugin', config: { python_bridge: { pool_size: 0 } } } },
    });
    const [status] = host.plugins.status();
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(/plugins\.dspy_plugin\.config\.python_bridge\.pool_size/);
    expect(status.error).toMatch(/between 1 and 16/);
    expect(host.steps.has('dspy_claude')).toBe(false);
    expect(host.steps.has('claude')).toBe(true);
  });

  it('selects the DSPy provider for DSPy capabilities and the traditional one otherwise', async () => {
    const host = await createPluginHost();
    expect(host.providers.select(['dspy_optimization', 'claude_compatible']).name).toBe('dspy_claude');
    expect(host.providers.fallbackOrder(['claude_compatible']).map((p) => p.name)).toEqual(['dspy_claude', 'claude']);
    expect(host.providers.select(['gemini_compatible']).name).toBe('dspy_gemini');
  });

  it('reports health with the deployment phase', async () => {
    const host = await createPluginHost();
    const health = await host.plugins.health();
    expect(health.dspy_plugin).toMatchObject({ healthy: true, details: { deployment_phase: 'development', rollout_percentage: 100 } });
  });
});
