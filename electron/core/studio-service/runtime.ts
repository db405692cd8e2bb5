/** StudioApi handlers of the Python runtime in Settings: what and where it is, and "Repair runtime". */
import { StudioApiError, type RuntimeInfo } from '../../../shared/api/index';
import { RuntimeProvisionError } from '../python-bridge/errors';
import { probeVersions } from '../python-bridge/runtime-provisioner';
import type { Studio } from '../studio';
import type { Handlers } from './router';

async function runtimeInfo(studio: Studio): Promise<RuntimeInfo> {
  const info = studio.runtime.info();
  // Versions from provisioning's marker, else asked of the interpreter.
  const asked = !info.marker && info.python ? await probeVersions(info.python) : null;
  return {
    python: info.python,
    source: info.source,
    description: info.description,
    pythonVersion: info.marker?.pythonVersion ?? asked?.python ?? null,
    dspyVersion: info.marker?.dspyVersion ?? asked?.dspy ?? null,
    baseInterpreter: info.marker?.baseInterpreter ?? null,
    provisionedAt: info.marker?.provisionedAt ?? null,
    wheelhouse: info.wheelhouse,
    repairable: info.repairable,
    status: info.status,
  };
}

export function createRuntimeHandlers(deps: { studio: () => Promise<Studio> }): Pick<Handlers, 'runtime.info' | 'runtime.repair'> {
  return {
    'runtime.info': async () => runtimeInfo(await deps.studio()),
    'runtime.repair': async () => {
      const studio = await deps.studio();
      try {
        await studio.restartPool({ repairRuntime: true });
      } catch (err) {
        if (err instanceof RuntimeProvisionError) throw new StudioApiError('conflict', err.message);
        throw err;
      }
      return runtimeInfo(studio);
    },
  };
}
