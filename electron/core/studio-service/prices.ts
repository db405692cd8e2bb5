/** StudioApi handlers of the price table (Settings): read, replace, reset; changes are audited. */
import type { Studio } from '../studio';
import type { Handlers } from './router';

export function createPriceHandlers(deps: { studio: () => Promise<Studio>; by: string }): Pick<Handlers, 'prices.get' | 'prices.set' | 'prices.reset'> {
  return {
    'prices.get': async () => (await deps.studio()).prices.get(),
    'prices.set': async (table) => {
      const studio = await deps.studio();
      const saved = studio.prices.set(table);
      studio.data.audit.append({ actor: deps.by, action: 'prices.update', target: 'prices', details: { as_of: saved.asOf, models: Object.keys(saved.prices).length } });
      return saved;
    },
    'prices.reset': async () => {
      const studio = await deps.studio();
      const saved = studio.prices.reset();
      studio.data.audit.append({ actor: deps.by, action: 'prices.reset', target: 'prices', details: { as_of: saved.asOf } });
      return saved;
    },
  };
}
