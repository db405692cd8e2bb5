import { pipelineExStepTypes } from '../../shared/workflow/catalog';
import { DSPY_PLUGIN_MODULE, DSPyPlugin } from './dspy-plugin/dspy-plugin';
import { ConfigurationSystem } from './plugins/configuration-system';
import { PluginManager, type PluginEntry, type PluginFactory } from './plugins/plugin-manager';
import type { PositionLookup } from './plugins/configuration-system';
import { ProviderRegistry } from './plugins/provider-registry';
import { StepRegistry } from './plugins/step-registry';

export const PIPELINE_EX_OWNER = 'pipeline_ex';

/** The plugins every host knows, by block name and by module name. */
export const builtinPlugins: Record<string, PluginFactory> = {
  dspy_plugin: () => new DSPyPlugin(),
  [DSPY_PLUGIN_MODULE]: () => new DSPyPlugin(),
};

export const defaultPluginsBlock: Record<string, PluginEntry> = {
  dspy_plugin: { module: DSPY_PLUGIN_MODULE, enabled: true, config: {} },
};

export interface PluginHost {
  steps: StepRegistry;
  providers: ProviderRegistry;
  config: ConfigurationSystem;
  plugins: PluginManager;
}

/** Registries with pipeline_ex's own step types and providers, then the plugins of the block. */
export async function createPluginHost(options: {
  plugins?: Record<string, PluginEntry>;
  factories?: Record<string, PluginFactory>;
  positionOf?: (name: string) => PositionLookup;
} = {}): Promise<PluginHost> {
  const steps = new StepRegistry();
  const providers = new ProviderRegistry();
  const config = new ConfigurationSystem();
  for (const def of pipelineExStepTypes) steps.register(def, PIPELINE_EX_OWNER);
  providers.register({ name: 'claude', capabilities: ['claude_compatible'], owner: PIPELINE_EX_OWNER, priority: 50 });
  providers.register({ name: 'gemini', capabilities: ['gemini_compatible'], owner: PIPELINE_EX_OWNER, priority: 50 });
  const plugins = new PluginManager({ steps, providers, config }, { ...builtinPlugins, ...options.factories });
  await plugins.loadAll(options.plugins ?? defaultPluginsBlock, options.positionOf);
  return { steps, providers, config, plugins };
}
