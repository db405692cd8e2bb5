import { describe, expect, it } from 'vitest';
import { ConfigurationSystem } from '../../electron/core/plugins/configuration-system';
import { PluginManager, type Plugin } from '../../electron/core/plugins/plugin-manager';
import { ProviderRegistry } from '../../electron/core/plugins/provider-registry';
import { StepRegistry } from '../../electron/core/plugins/step-registry';
import { pipelineExStepTypes } from '../../shared/workflow/catalog';

function registries() {
  return { steps: new StepRegistry(), providers: new ProviderRegistry(), config: new ConfigurationSystem() };
}

const good = (): Plugin => ({
  name: 'good',
  version: '1.0.0',
  description: 'registers one step and one provider',
  init(ctx) {
    ctx.steps.register(pipelineExStepTypes[0], ctx.name);
    ctx.providers.register({ name: 'good_provider', capabilities: ['c'], owner: ctx.name });
  },
  health: () => ({ healthy: true, details: { ok: 1 } }),
});

const throwsHalfway = (): Plugin => ({
  name: 'broken',
  version: '0.0.1',
  description: 'throws after registering something',
  init(ctx) {
    ctx.steps.register(pipelineExStepTypes[1], ctx.name);
    throw new Error('boom at init');
  },
});

describe('PluginManager', () => {
  it('isolates a plugin that throws during init: reported failed, its registrations removed, the others active', async () => {
    const regs = registries();
    const pm = new PluginManager(regs, { good, broken: throwsHalfway });
    const status = await pm.loadAll({ good: {}, broken: {} });
    expect(status.find((s) => s.name === 'good')).toMatchObject({ state: 'active', registrations: { stepTypes: ['claude'] } });
    expect(status.find((s) => s.name === 'broken')).toMatchObject({ state: 'failed', error: 'boom at init' });
    expect(regs.steps.knownTypes()).toEqual(['claude']);
    const health = await pm.health();
    expect(health.good).toMatchObject({ healthy: true, state: 'active' });
    expect(health.broken).toMatchObject({ healthy: false, state: 'failed' });
  });

  it('reports unknown and disabled plugins, and unload removes registrations', async () => {
    const regs = registries();
    const pm = new PluginManager(regs, { good });
    await pm.loadAll({ nope: { module: 'Pipeline.Plugins.Nope' }, good: {}, off: { enabled: false } });
    expect(pm.status().find((s) => s.name === 'nope')?.error).toMatch(/No plugin named "Pipeline.Plugins.Nope". Known plugins: good/);
    expect(pm.status().find((s) => s.name === 'off')?.state).toBe('disabled');
    await pm.unload('good');
    expect(pm.status().find((s) => s.name === 'good')?.state).toBe('unloaded');
    expect(regs.providers.list()).toEqual([]);
    expect(pm.get('good')).toBeUndefined();
  });

  it('reports a plugin whose health check throws as unhealthy', async () => {
    const pm = new PluginManager(registries(), {
      flaky: () => ({ ...good(), name: 'flaky', health: () => { throw new Error('probe failed'); } }),
    });
    await pm.loadAll({ flaky: {} });
    expect((await pm.health()).flaky).toMatchObject({ healthy: false, error: 'probe failed' });
  });
});
