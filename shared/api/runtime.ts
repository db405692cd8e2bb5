/**
 * The Python runtime in Settings: where it is, its Python and DSPy versions, how it was provisioned,
 * and "Repair runtime" (rebuilds it from the bundled wheelhouse). Pure TypeScript with zod.
 */
import { z } from 'zod';

const progressSchema = z.object({ step: z.string(), index: z.number().int(), total: z.number().int(), message: z.string(), elapsedMs: z.number() });
export type RuntimeProgress = z.infer<typeof progressSchema>;

/** Provisioning state: pushed as `runtime.progress` at every step. */
export const runtimeStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('provisioning'), progress: progressSchema.nullable(), startedAt: z.number() }),
  z.object({ state: z.literal('ready'), provisioned: z.boolean(), elapsedMs: z.number() }),
  z.object({ state: z.literal('failed'), step: z.string(), error: z.string() }),
]);
export type RuntimeStatus = z.infer<typeof runtimeStatusSchema>;

export const runtimeInfoSchema = z.object({
  /** The interpreter the bridge runs; null when none is usable yet. */
  python: z.string().nullable(),
  source: z.string().nullable(),
  description: z.string().nullable(),
  pythonVersion: z.string().nullable(),
  dspyVersion: z.string().nullable(),
  /** The interpreter a provisioned venv is based on (bundled, configured or system). */
  baseInterpreter: z.object({ path: z.string(), version: z.string(), source: z.enum(['bundled', 'configured', 'system']) }).nullable(),
  provisionedAt: z.string().nullable(),
  wheelhouse: z.string().nullable(),
  /** Whether "Repair runtime" can rebuild the runtime in use (a provisioned one). */
  repairable: z.boolean(),
  status: runtimeStatusSchema,
});
export type RuntimeInfo = z.infer<typeof runtimeInfoSchema>;

export const runtimeMethods = {
  'runtime.info': { params: z.strictObject({}), result: runtimeInfoSchema },
  'runtime.repair': { params: z.strictObject({}), result: runtimeInfoSchema },
} as const;

export const runtimeEvents = {
  'runtime.progress': runtimeStatusSchema,
} as const;
