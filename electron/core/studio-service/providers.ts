/** StudioApi handlers of provider presets and the connection test (Settings). */
import { StudioApiError } from '../../../shared/api/index';
import { connectionTargetFor, testConnection } from '../providers/connection-test';
import { presetList, presetSummary } from '../providers/provider-presets';
import type { ProviderPrefs, ProviderSettings } from '../providers/provider-settings';
import type { Handlers } from './router';

export function createProviderHandlers(deps: {
  loadProviderPrefs: () => Promise<ProviderPrefs>;
  buildProviders: (prefs: ProviderPrefs) => ProviderSettings;
}): Pick<Handlers, 'providers.presets' | 'providers.test'> {
  return {
    'providers.presets': async () => ({ presets: presetList().map(presetSummary) }),

    // A server problem is part of the result (classified); only an untestable choice is an error.
    'providers.test': async (params) => {
      let target;
      try {
        target = connectionTargetFor(deps.buildProviders(await deps.loadProviderPrefs()), params);
      } catch (err) {
        throw new StudioApiError('bad_request', (err as Error).message);
      }
      return testConnection(target);
    },
  };
}
