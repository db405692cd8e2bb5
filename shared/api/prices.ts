/**
 * The price table of LM calls (USD per million tokens), editable in Settings: what estimates and
 * measured costs are priced with. Pure TypeScript with zod.
 */
import { z } from 'zod';

const usdPerMillion = z.number({ error: (iss) => `must be a number of USD per million tokens (got ${JSON.stringify(iss.input)})` })
  .min(0, { error: (iss) => `must be at least 0 (got ${JSON.stringify(iss.input)})` })
  .max(10_000, { error: (iss) => `must be at most 10000 (got ${JSON.stringify(iss.input)})` });

/** A model matches its longest listed prefix (`anthropic/claude-sonnet-4` matches `anthropic/claude-sonnet-4-5`). */
export const priceTableSchema = z.strictObject({
  /** The day the prices were read from the providers' lists. */
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: (iss) => `must be a date YYYY-MM-DD (got ${JSON.stringify(iss.input)})` }),
  prices: z.record(
    z.string().min(1, { error: 'a model prefix must not be empty' }).max(200),
    z.strictObject({ input: usdPerMillion, output: usdPerMillion }),
  ),
});
export type PriceTableInput = z.infer<typeof priceTableSchema>;

export const storedPriceTableSchema = priceTableSchema.extend({
  /** `default`: the list shipped with the app; `edited`: saved in Settings. */
  source: z.enum(['default', 'edited']),
  updatedAt: z.string().nullable(),
});
export type StoredPriceTable = z.infer<typeof storedPriceTableSchema>;

export const pricesMethods = {
  'prices.get': { params: z.strictObject({}), result: storedPriceTableSchema },
  'prices.set': { params: priceTableSchema, result: storedPriceTableSchema },
  'prices.reset': { params: z.strictObject({}), result: storedPriceTableSchema },
} as const;
