/** StudioApi methods and events of workflow runs started from the designer. */
import { z } from 'zod';
import { RUN_STATES, runTraceSchema, traceStepSchema } from '../run/trace';

const runId = z.string().min(1).max(200);
const absPath = z.string().min(1).max(4096);

export const RUN_MODELS = ['auto', 'simulated'] as const;

export const runSummarySchema = z.object({
  runId: z.string(),
  workflow: z.string(),
  path: z.string().nullable(),
  status: z.enum(RUN_STATES),
  model: z.enum(RUN_MODELS),
  startedAt: z.string(),
  durationMs: z.number().nullable(),
  steps: z.number().int(),
  /** The step that failed, when one did. */
  failedStep: z.string().nullable(),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  costUsd: z.number(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runMethods = {
  'workflow.run': {
    params: z
      .object({
        /** The open workflow's YAML, validated on the host like the CLI's `run`. */
        text: z.string().min(1).max(20_000_000),
        /** The file's path: file prompt parts are read beside it; history is kept per path. */
        path: absPath.optional(),
        inputs: z.record(z.string().min(1).max(200), z.unknown()).default({}),
        /** `auto`: each step's provider when a key is set, else the simulated model; `simulated`: offline (like --mock). */
        model: z.enum(RUN_MODELS).default('auto'),
      })
      .strict(),
    result: z.object({ runId: z.string(), trace: runTraceSchema }),
  },
  'workflow.stop': {
    params: z.object({ runId }).strict(),
    result: z.object({ stopped: z.boolean() }),
  },
  'workflow.runs': {
    params: z.object({ workflow: z.string().min(1).max(500), path: absPath.optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    result: z.object({ runs: z.array(runSummarySchema) }),
  },
  'workflow.trace': {
    params: z.object({ runId }).strict(),
    result: z.object({ trace: runTraceSchema }),
  },
  'workflow.addToDataset': {
    params: z.object({ runId, step: z.number().int().nonnegative() }).strict(),
    result: z.object({ task: z.string(), added: z.boolean(), exampleId: z.string().nullable(), reason: z.string().nullable() }),
  },
} as const;

export const runEvents = {
  /** A run started or finished (the whole trace), or one of its steps changed. */
  'workflow.runEvent': z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('run'), trace: runTraceSchema }),
    z.object({ kind: z.literal('step'), runId: z.string(), step: traceStepSchema }),
  ]),
} as const;
