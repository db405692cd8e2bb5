import { priceTableSchema, type PriceTableInput, type StoredPriceTable } from '../../../shared/api/prices';
import type { Db } from '../storage/database';
import { DEFAULT_PRICES, PRICES_AS_OF, type PriceTable } from './estimate';

const KEY = 'prices';

/** The price table estimates and measured costs use: the shipped list, or the one saved in Settings. */
export class PriceBook {
  constructor(private readonly db: Db) {}

  get(): StoredPriceTable {
    const row = this.db.prepare('SELECT value_json, updated_at FROM settings WHERE key = ?').get(KEY) as { value_json: string; updated_at: string } | undefined;
    const stored = row ? priceTableSchema.safeParse(JSON.parse(row.value_json)) : undefined;
    if (row && stored?.success) return { ...stored.data, source: 'edited', updatedAt: row.updated_at };
    return { asOf: PRICES_AS_OF, prices: DEFAULT_PRICES, source: 'default', updatedAt: null };
  }

  table(): PriceTable {
    return this.get().prices;
  }

  /** Replaces the whole table (validated; errors name the model and the field). */
  set(input: PriceTableInput): StoredPriceTable {
    const table = priceTableSchema.parse(input);
    this.db
      .prepare('INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at')
      .run(KEY, JSON.stringify(table), new Date().toISOString());
    return this.get();
  }

  /** Back to the shipped list. */
  reset(): StoredPriceTable {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(KEY);
    return this.get();
  }
}
