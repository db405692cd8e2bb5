/**
 * A workflow run's trace as the host streams and stores it: one entry per top-level step with what
 * it read, what it answered, how it ran (mode and reason), its measured latency, tokens and cost,
 * and the LM calls it made.
 */
import { z } from 'zod';
import { canonicalJson } from '../dspy/signature';

export const lmCallSchema = z.object({
  model: z.string(),
  /** The messages really sent (DSPy's LM history, or the traditional call's prompt). */
  messages: z.array(z.object({ role: z.string(), content: z.string() })),
  outputs: z.array(z.string()),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});
export type LmCall = z.infer<typeof lmCallSchema>;

/**
 * What a DSPy step's LM calls went through: adapter calls, answers that failed to parse, ChatAdapter
 * fallbacks to JSONAdapter (one more call each), and request retries by cause (rate_limit, server, timeout, dropped).
 */
export const lmStatsSchema = z.object({
  adapterCalls: z.number().int().nonnegative(),
  parseFailures: z.number().int().nonnegative(),
  fallbacks: z.number().int().nonnegative(),
  retries: z.record(z.string(), z.number().int().nonnegative()),
});
export type LmStats = z.infer<typeof lmStatsSchema>;

export const TRACE_STATUSES = ['pending', 'running', 'ok', 'failed', 'skipped', 'unsupported'] as const;
export type TraceStatus = (typeof TRACE_STATUSES)[number];

export const traceStepSchema = z.object({
  index: z.number().int().nonnegative(),
  step: z.string(),
  type: z.string(),
  status: z.enum(TRACE_STATUSES),
  mode: z.enum(['optimized', 'baseline', 'fallback', 'traditional', 'mock']).optional(),
  reason: z.string().optional(),
  error: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.unknown().optional(),
  /** Milliseconds from the run's start to the step's start (the waterfall's offset). */
  startMs: z.number().nonnegative().optional(),
  latencyMs: z.number().nonnegative().optional(),
  tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }).optional(),
  costUsd: z.number().nonnegative().optional(),
  cacheHit: z.boolean().optional(),
  programVersion: z.string().optional(),
  signatureHash: z.string().optional(),
  lmCalls: z.array(lmCallSchema).optional(),
  lmStats: lmStatsSchema.optional(),
  /** The execution's row in the runs table (DSPy steps): what "Add to dataset" collects. */
  runRecordId: z.string().optional(),
});
export type TraceStep = z.infer<typeof traceStepSchema>;

export const RUN_STATES = ['running', 'ok', 'failed', 'cancelled', 'interrupted'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const runTraceSchema = z.object({
  runId: z.string(),
  workflow: z.string(),
  path: z.string().nullable(),
  status: z.enum(RUN_STATES),
  /** The model choice the run was started with. */
  model: z.enum(['auto', 'simulated']),
  inputs: z.record(z.string(), z.unknown()),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nonnegative().nullable(),
  steps: z.array(traceStepSchema),
});
export type RunTrace = z.infer<typeof runTraceSchema>;

/** Totals of a trace's finished steps (all measured: tokens and cost come from the steps' records). */
export function traceTotals(steps: readonly TraceStep[]): { tokensIn: number; tokensOut: number; costUsd: number; lmCalls: number } {
  let tokensIn = 0;
  let tokensOut = 0;
  let costUsd = 0;
  let lmCalls = 0;
  for (const s of steps) {
    tokensIn += s.tokens?.input ?? 0;
    tokensOut += s.tokens?.output ?? 0;
    costUsd += s.costUsd ?? 0;
    lmCalls += s.lmCalls?.length ?? 0;
  }
  return { tokensIn, tokensOut, costUsd, lmCalls };
}

export interface StepComparison {
  step: string;
  a?: TraceStep;
  b?: TraceStep;
  /** Both ran and answered differently (compared as canonical JSON). */
  outputsDiffer: boolean;
  statusDiffers: boolean;
}

/** Two runs step by step, matched by step name in the order of `a` (steps only `b` has come last). */
export function compareTraces(a: RunTrace, b: RunTrace): StepComparison[] {
  const names = [...a.steps.map((s) => s.step), ...b.steps.map((s) => s.step).filter((n) => !a.steps.some((s) => s.step === n))];
  return names.map((step) => {
    const sa = a.steps.find((s) => s.step === step);
    const sb = b.steps.find((s) => s.step === step);
    return {
      step,
      a: sa,
      b: sb,
      outputsDiffer: sa?.status === 'ok' && sb?.status === 'ok' && canonicalJson(sa.outputs) !== canonicalJson(sb.outputs),
      statusDiffers: sa?.status !== sb?.status,
    };
  });
}
