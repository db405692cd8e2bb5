import type { ConfigurationSystem, PositionLookup } from './configuration-system';
import type { ProviderRegistry } from './provider-registry';
import type { StepRegistry } from './step-registry';

export interface PluginHealth {
  healthy: boolean;
  details?: Record<string, unknown>;
}

/** What a plugin sees while it initialises: the registries and its own config block. */
export interface PluginContext {
  name: string;
  steps: StepRegistry;
  providers: ProviderRegistry;
  config: ConfigurationSystem;
  rawConfig: unknown;
  positionOf?: PositionLookup;
}

export interface Plugin {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  init(ctx: PluginContext): void | Promise<void>;
  health?(): PluginHealth | Promise<PluginHealth>;
  shutdown?(): void | Promise<void>;
}

export type PluginFactory = () => Plugin;

export interface PluginEntry {
  module?: string;
  enabled?: boolean;
  config?: unknown;
}

export type PluginState = 'active' | 'failed' | 'disabled' | 'unloaded';

export interface PluginStatus {
  name: string;
  module?: string;
  version?: string;
  description?: string;
  state: PluginState;
  error?: string;
  registrations: { stepTypes: string[]; providers: { name: string; capabilities: string[] }[]; schemaExtensions: string[] };
}

interface LoadedPlugin {
  entry: PluginEntry;
  plugin?: Plugin;
  state: PluginState;
  error?: string;
}

/**
 * Loads the plugins named in a `plugins:` block, runs their init in isolation
 * (a plugin that throws is reported as failed and its registrations are removed),
 * reports health, and unloads.
 */
export class PluginManager {
  private readonly loaded = new Map<string, LoadedPlugin>();

  constructor(
    private readonly registries: { steps: StepRegistry; providers: ProviderRegistry; config: ConfigurationSystem },
    /** Known plugins by block name and by module name (e.g. "Pipeline.Plugins.DSPyPlugin"). */
    private readonly factories: Record<string, PluginFactory>,
  ) {}

  async loadAll(block: Record<string, PluginEntry>, positionOf?: (name: string) => PositionLookup): Promise<PluginStatus[]> {
    for (const [name, entry] of Object.entries(block)) await this.load(name, entry, positionOf?.(name));
    return this.status();
  }

  async load(name: string, entry: PluginEntry, positionOf?: PositionLookup): Promise<PluginStatus> {
    if (this.loaded.get(name)?.state === 'active') await this.unload(name);
    if (entry.enabled === false) {
      this.loaded.set(name, { entry, state: 'disabled' });
      return this.statusOf(name);
    }
    const factory = (entry.module && this.factories[entry.module]) || this.factories[name];
    if (!factory) {
      const known = Object.keys(this.factories).join(', ');
      this.loaded.set(name, { entry, state: 'failed', error: `No plugin named "${entry.module ?? name}". Known plugins: ${known}` });
      return this.statusOf(name);
    }
    let plugin: Plugin | undefined;
    try {
      plugin = factory();
      await plugin.init({ name, ...this.registries, rawConfig: entry.config, positionOf });
      this.loaded.set(name, { entry, plugin, state: 'active' });
    } catch (err) {
      this.removeRegistrations(name);
      this.loaded.set(name, { entry, plugin, state: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
    return this.statusOf(name);
  }

  async unload(name: string): Promise<void> {
    const item = this.loaded.get(name);
    if (!item) return;
    try {
      await item.plugin?.shutdown?.();
    } finally {
      this.removeRegistrations(name);
      item.state = 'unloaded';
    }
  }

  async unloadAll(): Promise<void> {
    for (const name of this.loaded.keys()) await this.unload(name);
  }

  get<T extends Plugin>(name: string): T | undefined {
    const item = this.loaded.get(name);
    return item?.state === 'active' ? (item.plugin as T) : undefined;
  }

  async health(): Promise<Record<string, PluginHealth & { state: PluginState; error?: string }>> {
    const out: Record<string, PluginHealth & { state: PluginState; error?: string }> = {};
    for (const [name, item] of this.loaded) {
      if (item.state !== 'active' || !item.plugin) {
        out[name] = { healthy: false, state: item.state, error: item.error };
        continue;
      }
      try {
        out[name] = { ...(await (item.plugin.health?.() ?? { healthy: true })), state: item.state };
      } catch (err) {
        out[name] = { healthy: false, state: item.state, error: err instanceof Error ? err.message : String(err) };
      }
    }
    return out;
  }

  status(): PluginStatus[] {
    return [...this.loaded.keys()].map((name) => this.statusOf(name));
  }

  private statusOf(name: string): PluginStatus {
    const item = this.loaded.get(name)!;
    const { steps, providers, config } = this.registries;
    return {
      name,
      module: item.entry.module,
      version: item.plugin?.version,
      description: item.plugin?.description,
      state: item.state,
      error: item.error,
      registrations: {
        stepTypes: steps.list(name).map((s) => s.definition.type),
        providers: providers.list(name).map((p) => ({ name: p.name, capabilities: p.capabilities })),
        schemaExtensions: config.list(name).map((e) => e.name),
      },
    };
  }

  private removeRegistrations(owner: string): void {
    this.registries.steps.unregisterOwner(owner);
    this.registries.providers.unregisterOwner(owner);
    this.registries.config.unregisterOwner(owner);
  }
}
