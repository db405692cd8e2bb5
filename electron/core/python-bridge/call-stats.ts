import { z } from 'zod';
import type { LmStats } from '../../../shared/run/trace';

const count = z.number().int().nonnegative();

/** What the runtime's run, evaluate and optimize results report about their LM calls (docs/python-runtime.md). */
export const runtimeCallStatsSchema = z.object({
  adapter: z.object({ calls: count, parse_failures: count, fallbacks: count }),
  retries: z.record(z.string(), count),
});
export type RuntimeCallStats = z.infer<typeof runtimeCallStatsSchema>;

/** The call stats of a runtime result, or undefined when it has none (an older runtime). */
export function lmStatsOf(result: unknown): LmStats | undefined {
  const parsed = runtimeCallStatsSchema.safeParse(result);
  if (!parsed.success) return undefined;
  const { adapter, retries } = parsed.data;
  return { adapterCalls: adapter.calls, parseFailures: adapter.parse_failures, fallbacks: adapter.fallbacks, retries };
}
