/**
 * The app's side of provisioning: before the pool starts, the runtime in the data directory is
 * created (first launch) or refreshed (an update changed the lock file) from the bundled wheelhouse,
 * unless a configured interpreter or the development venv takes precedence. Tracks progress for the
 * app and serves Settings' "Repair runtime".
 */
import path from 'node:path';
import { findRepoRoot, locateRuntime, type LocatedRuntime } from './runtime-locator';
import { RuntimeProvisionError } from './errors';
import {
  currentMarker,
  findWheelhouse,
  provisionRuntime,
  provisionedVenv,
  readManifest,
  readMarker,
  venvPython,
  type ProvisionProgress,
  type ProvisionResult,
  type RuntimeMarker,
} from './runtime-provisioner';

export interface RuntimeSetupOptions {
  dataDir: string;
  /** A configured interpreter: never provisioned over. */
  pythonPath?: string;
  env?: NodeJS.ProcessEnv;
  /** The wheelhouse; default resources/runtime of a packaged app, else build/runtime of a checkout. */
  wheelhouse?: string | null;
  /** Source-tree root (its python/.venv takes precedence); found from this module by default. */
  repoRoot?: string | null;
}

export type RuntimeSetupState =
  | { state: 'idle' }
  | { state: 'provisioning'; progress: ProvisionProgress | null; startedAt: number }
  | { state: 'ready'; provisioned: boolean; elapsedMs: number }
  | { state: 'failed'; step: string; error: string };

export interface RuntimeSetupInfo {
  /** The interpreter the bridge runs, or null when none is usable yet. */
  python: string | null;
  /** How it is found (RuntimeSource), e.g. 'provisioned' or 'bundled-venv'. */
  source: string | null;
  description: string | null;
  /** Written by provisioning: versions and the interpreter the venv is based on. */
  marker: RuntimeMarker | null;
  wheelhouse: string | null;
  /** Whether "Repair runtime" can rebuild the runtime in use. */
  repairable: boolean;
  status: RuntimeSetupState;
}

export class RuntimeSetup {
  private current: RuntimeSetupState = { state: 'idle' };
  private running?: Promise<ProvisionResult | null>;
  private readonly listeners = new Set<(s: RuntimeSetupState) => void>();
  private readonly wheelhouse: string | null;
  private readonly repoRoot: string | null;

  constructor(private readonly options: RuntimeSetupOptions) {
    this.repoRoot = options.repoRoot === undefined ? findRepoRoot() : options.repoRoot;
    const resourcesPath = (process as unknown as { resourcesPath?: string }).resourcesPath ?? null;
    this.wheelhouse = options.wheelhouse === undefined ? findWheelhouse({ resourcesPath, repoRoot: this.repoRoot }) : options.wheelhouse;
  }

  get status(): RuntimeSetupState {
    return this.current;
  }

  /** Receives every state change (progress steps included); returns the unsubscribe function. */
  subscribe(listener: (s: RuntimeSetupState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A configured interpreter or the development venv, which provisioning leaves alone. */
  private preferred(): LocatedRuntime | null {
    try {
      return locateRuntime({ pythonPath: this.options.pythonPath, env: this.options.env, repoRoot: this.repoRoot, dataDir: null });
    } catch {
      return null;
    }
  }

  /**
   * Makes sure the data-directory runtime is current when it is the one the bridge will use.
   * Null when another runtime takes precedence or no wheelhouse is bundled. `force` rebuilds it.
   */
  ensure(force = false): Promise<ProvisionResult | null> {
    this.running ??= this.provision(force).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Throws, naming why, unless "Repair runtime" can rebuild the runtime in use. */
  assertRepairable(): void {
    const preferred = this.preferred();
    if (preferred) {
      throw new RuntimeProvisionError(`The runtime in use is ${preferred.description} (${preferred.python}); repair that one with \`npm run setup\` (STUDIO_SETUP_FORCE=1 rebuilds it).`, 'wheelhouse');
    }
    if (!this.wheelhouse) {
      throw new RuntimeProvisionError('This installation carries no runtime wheelhouse to rebuild the runtime from; reinstall Pipeline Studio, or in a source checkout run `npm run build:runtime`.', 'wheelhouse');
    }
  }

  private async provision(force: boolean): Promise<ProvisionResult | null> {
    if (force) this.assertRepairable();
    if (this.preferred() || !this.wheelhouse) return null;
    const target = provisionedVenv(this.options.dataDir);
    const startedAt = Date.now();
    try {
      // Every launch after the first: no state change, nothing shown.
      const marker = force ? null : currentMarker(readManifest(this.wheelhouse), target);
      if (marker) return { python: venvPython(target), target, marker, provisioned: false, elapsedMs: Date.now() - startedAt };
      this.set({ state: 'provisioning', progress: null, startedAt });
      const result = await provisionRuntime({
        wheelhouse: this.wheelhouse,
        target,
        env: this.options.env,
        force,
        onProgress: (progress) => this.set({ state: 'provisioning', progress, startedAt }),
      });
      this.set({ state: 'ready', provisioned: result.provisioned, elapsedMs: result.elapsedMs });
      return result;
    } catch (err) {
      this.set({ state: 'failed', step: err instanceof RuntimeProvisionError ? err.step : 'unknown', error: (err as Error).message });
      throw err;
    }
  }

  /** The runtime the bridge runs, with this setup's source tree and data directory (throws RuntimeNotFoundError). */
  locate(): LocatedRuntime {
    return locateRuntime({ pythonPath: this.options.pythonPath, env: this.options.env, repoRoot: this.repoRoot, dataDir: this.options.dataDir });
  }

  /** Where the runtime is, what it is, and whether it can be repaired here. */
  info(): RuntimeSetupInfo {
    let located: LocatedRuntime | null = null;
    try {
      located = this.locate();
    } catch {
      // none usable yet: first launch before provisioning, or a failed one
    }
    return {
      python: located?.python ?? null,
      source: located?.source ?? null,
      description: located?.description ?? null,
      // <venv>/bin/python -> <venv>: a development venv set up from the wheelhouse has a marker too.
      marker: located ? readMarker(path.dirname(path.dirname(located.python))) : null,
      wheelhouse: this.wheelhouse,
      repairable: this.wheelhouse !== null && this.preferred() === null,
      status: this.current,
    };
  }

  private set(s: RuntimeSetupState): void {
    this.current = s;
    for (const l of this.listeners) l(s);
  }
}
