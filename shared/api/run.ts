/** StudioApi methods and events of workflow runs started from the designer. */
import { z } from 'zod';
import { RUN_STATES, runTraceSchema, traceStepSchema } from '../run/trace';
import { LABEL_STATES } from './tuning';

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

export const BATCH_STATES = ['running', 'ok', 'cancelled', 'failed'] as const;

/** A batch's progress: its runs so far and how many outputs of the dataset's step match their labels. */
export const batchProgressSchema = z.object({
  batchId: z.string(),
  dataset: z.string(),
  status: z.enum(BATCH_STATES),
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  ok: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Runs whose example has a label (accepted or corrected) and whose step answered. */
  compared: z.number().int().nonnegative(),
  /** Of those, the runs whose step outputs equal the labeled outputs. */
  agree: z.number().int().nonnegative(),
  runIds: z.array(z.string()),
  currentRunId: z.string().nullable(),
  /** Why the batch ended early (a refused start). */
  error: z.string().nullable(),
});
export type BatchProgress = z.infer<typeof batchProgressSchema>;

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
  'workflow.batch': {
    params: z
      .object({
        text: z.string().min(1).max(20_000_000),
        path: absPath.optional(),
        /** A DSPy step of the workflow: its dataset's examples are the runs' inputs. */
        dataset: z.string().min(1).max(200),
        /** Only examples in this label state (default: all). */
        labelState: z.enum(LABEL_STATES).optional(),
        limit: z.number().int().min(1).max(500).default(20),
        model: z.enum(RUN_MODELS).default('auto'),
      })
      .strict(),
    result: batchProgressSchema,
  },
  'workflow.stopBatch': {
    params: z.object({ batchId: runId }).strict(),
    result: z.object({ stopped: z.boolean() }),
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
  /** A batch advanced (a run started or finished) or ended. */
  'workflow.batchEvent': batchProgressSchema,
} as const;
