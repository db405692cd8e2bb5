/**
 * The tuning half of the StudioApi: training data, optimization, comparison, experiments,
 * monitoring and settings. Params are validated strictly; results are typed here and checked for
 * shape (an object) by the router. Pure TypeScript: no node:, no DOM, no electron.
 */
import { z } from 'zod';
import type { GepaTree } from '../dspy/gepa-tree';
import { providerRequestPrefsShape, type ProviderRequestSettings } from '../dspy/provider-requests';
import type { LmCall } from '../run/trace';

const id = z.string().min(1).max(200);
const sigRef = z.string().min(1).max(200);
const absPath = z.string().min(1).max(4096);

/** A result typed for the renderer; the router checks it is an object. */
const typed = <T>() => z.custom<T>((v) => typeof v === 'object' && v !== null);

export const LABEL_STATES = ['unlabeled', 'accepted', 'rejected', 'corrected'] as const;
/** A labeler's one-line note on a correction or rejection ("why this is wrong"); GEPA reads it as feedback. */
export const LABEL_NOTE_MAX = 300;
export const labelNoteSchema = z.string().trim().min(1).max(LABEL_NOTE_MAX).regex(/^[^\r\n]*$/, { error: 'must be one line' });
export const SPLITS = ['train', 'dev', 'test'] as const;
export const SOURCES = ['execution_history', 'user_feedback', 'synthetic_generation'] as const;
export const STRATEGIES = ['bootstrap_few_shot', 'copro', 'mipro', 'gepa', 'simba'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface FieldSpec {
  name: string;
  type: string;
  description?: string;
  schema?: Record<string, unknown>;
}
export interface SignatureSpecLike {
  input_fields: FieldSpec[];
  output_fields: FieldSpec[];
  instructions?: string;
}
/** A dataset: a task (the DSPy step's name) with its current signature version. */
export interface SignatureSummary {
  name: string;
  /** The current signature version. */
  hash: string;
  spec: SignatureSpecLike;
  examples: number;
  /** Signature versions registered under the task. */
  versions: number;
  createdAt: string;
}
export interface FieldChangeSummary {
  added: { side: 'input' | 'output'; name: string; type: string }[];
  removed: { side: 'input' | 'output'; name: string; type: string }[];
  retyped: { side: 'input' | 'output'; name: string; type: string; from: string }[];
}
export interface FieldMappingInput {
  renames?: { side: 'input' | 'output'; from: string; to: string }[];
  defaults?: Record<string, unknown>;
  dropUnknown?: boolean;
}
/** How a task's examples fit its current signature, and the suggested answer when they do not. */
export interface SchemaStatus {
  task: string;
  head: { hash: string; spec: SignatureSpecLike; registeredAt: string };
  versions: { hash: string; registeredAt: string; head: boolean; instructions: string }[];
  misfits: number;
  sample: { id: string; reasons: string[] }[];
  /** The change from the signature version most misfits were made under to the current one. */
  changes: FieldChangeSummary | null;
  suggested: FieldMappingInput | null;
}
/** What a DSPy step of a workflow runs, for the canvas and Optimize. */
export interface StepProgramStatus {
  step: string;
  task: string;
  signatureHash: string;
  shape: string;
  optimizationEnabled: boolean;
  cacheEnabled: boolean;
  promoted: ProgramVersion | null;
  stale: string | null;
  fieldsChanged: boolean;
  staleChoice: 'keep' | 'baseline' | null;
  /** What the next run does: optimized (the promoted program), or baseline and why. */
  runs: 'optimized' | 'baseline';
  why: string;
}
export interface ExampleRow {
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  source: (typeof SOURCES)[number];
  labelState: (typeof LABEL_STATES)[number];
  labeledBy: string | null;
  labeledAt: string | null;
  rating: number | null;
  split: (typeof SPLITS)[number];
  quality: number | null;
  usable: boolean;
  reasons: string[];
  observedAt: string;
  /** Added by a file import (its source is the one the file or the import named). */
  imported?: boolean;
}
export interface RowError {
  line: number;
  field?: string;
  message: string;
}
export interface ImportReport {
  ok: boolean;
  importId?: string;
  file: string;
  format: string;
  rows: number;
  inserted: number;
  duplicates: number;
  redactions: number;
  errors: RowError[];
  warnings: string[];
  durationMs: number;
  /** The first valid rows as they would be stored (redacted), with their label and source. */
  preview?: { inputs: Record<string, unknown>; outputs: Record<string, unknown>; label: string; source: string }[];
  /** Stopped by data.cancelImport: nothing was written. */
  cancelled?: boolean;
}
/** A long store operation's progress: rows done, the measured rate, time left estimated from the share done. */
export interface ProgressFigures {
  done: number;
  /** Rows expected (an estimate while an import is still reading its file). */
  total: number;
  /** Share of the work done, 0..1 (bytes read for an import, rows for a snapshot or export). */
  share: number;
  elapsedMs: number;
  /** Rows per second measured since the start. */
  rowsPerSecond: number;
  /** Estimate from the share and the elapsed time; null before any work is done. */
  secondsLeft: number | null;
}
/** A large import's progress (data.importProgress), after each batch of rows. */
export interface ImportProgress extends ProgressFigures {
  /** The progressId the data.import call gave. */
  progressId: string;
  /** insert: a batch was checked (and written, unless a dry run); parsed: the whole file was read; done: committed. */
  phase: 'insert' | 'parsed' | 'done';
}
export interface BiasFinding {
  dimension: string;
  score: number;
  severity: 'none' | 'low' | 'medium' | 'high';
  measurable: boolean;
  finding: string;
  /** Estimated from a sample: ± this half-width of a 95% confidence interval. */
  interval?: number;
}
export interface QualityReport {
  examples: number;
  threshold: number;
  dimensions: Record<string, number | null>;
  overall: number | null;
  usable: number;
  rejected: number;
  belowThreshold: number;
  conflicts: number;
  nearDuplicates: number;
  findings: string[];
  bias: { enabled: boolean; score: number | null; severity: string; dimensions: BiasFinding[] };
  /** Present when the figures come from a uniform sample: its size, of how many, and ± 95% half-widths. */
  sample?: { size: number; of: number; intervals: Record<string, number>; withinSample: string[] };
}
export interface DatasetVersion {
  id: string;
  number: number;
  parentId: string | null;
  contentHash: string;
  rowCount: number;
  note: string | null;
  createdBy: string;
  createdAt: string;
}
export interface VersionLineage {
  version: DatasetVersion;
  parent: DatasetVersion | null;
  ancestors: string[];
  diffFromParent: { added: number; removed: number; changed: number; unchanged: number } | null;
  bySource: Record<string, number>;
  byLabel: Record<string, number>;
  imports: { id: string; fileName: string; format: string; rows: number; createdBy: string; createdAt: string }[];
  labels: { count: number; by: Record<string, number> };
}
export interface Estimate {
  strategy: Strategy;
  model: string;
  lmCalls: { expected: number; min: number; max: number; breakdown: Record<string, number> };
  tokens: { input: number; output: number; total: number };
  costUsd: number;
  /** GEPA's reflection calls at the reflection model's price (included in the totals). */
  reflection?: { model: string; lmCalls: number; costUsd: number };
  /** null when no latency of the model is known. */
  wallTimeMs: number | null;
  /** Where the time per call came from. */
  timeBasis?: { source: 'measured' | 'configured' | 'unknown'; msPerCall: number | null; samples: number };
  /** The params the run uses: the request's over the optimizer's defaults. */
  params?: Record<string, unknown>;
  notes: string[];
}
export interface JobProgress {
  phase: string;
  trial?: number;
  totalTrials?: number;
  score?: number;
  bestScore?: number;
  lmCalls?: number;
  history?: { trial: number; score: number; best: number }[];
  /** GEPA's search tree so far. */
  gepa?: GepaTree;
}
export interface DemoRef {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  exampleId: string | null;
  labeledBy: string | null;
  labelState: string | null;
}
export interface OptimizationJob {
  id: string;
  task: string;
  signatureHash: string;
  signatureName: string | null;
  datasetVersion: string | null;
  strategy: Strategy;
  params: Record<string, unknown>;
  model: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: JobProgress | null;
  estimate: Estimate | null;
  result: {
    baselineScore: number;
    optimizedScore: number;
    devSize: number;
    scoredOn?: 'dev' | 'train';
    trainSize: number;
    demos: unknown;
    instructions: unknown;
    lmCalls: number;
    wallTimeS: number;
    programVersion: string;
    decision: { adopt: boolean; reason: string };
    promoted: boolean;
    promotion?: string;
    cached: boolean;
    gepa?: GepaTree;
  } | null;
  error: string | null;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
export interface ProgramVersion {
  id: string;
  task: string;
  /** The signature version it was optimized for. */
  signatureHash: string;
  /** Module kinds and chain links it was optimized as. */
  shape: string;
  jobId: string | null;
  strategy: Strategy;
  model: string;
  datasetVersion: string | null;
  baselineScore: number;
  optimizedScore: number;
  status: 'candidate' | 'promoted' | 'superseded' | 'rolled_back' | 'rejected';
  createdAt: string;
  promotedAt: string | null;
  promotedBy: string | null;
  /** Where the scores were measured: held-out dev examples, or the training set when there were none. */
  scoredOn: 'dev' | 'train';
  devSize: number;
  /** The adoption decision's reason. */
  reason: string;
  /** Optimized for another signature version or shape than the task's current one. */
  stale: boolean;
  /** LM calls the optimization spent (from its job). */
  lmCalls: number | null;
  costUsd: number | null;
}
export interface JobDetail {
  job: OptimizationJob;
  version: ProgramVersion | null;
  baselineInstructions: string;
  optimizedInstructions: string;
  demos: DemoRef[];
  lmLabel: string;
}
export interface ComparisonExample {
  id: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
  a: { outputs: unknown; score: number; error: string | null };
  b: { outputs: unknown; score: number; error: string | null };
  outcome: 'win' | 'tie' | 'loss' | 'error';
  different: boolean;
}
/** One arm's run on one example: outputs or the error, and the LM calls with the messages really sent. */
export interface ArmTrace {
  label: string;
  outputs: Record<string, unknown> | null;
  error: string | null;
  latencyMs: number;
  lmCalls: LmCall[];
}
export interface ComparisonArm {
  label: string;
  mean: number;
  latencyMsPerExample: number;
  lmCalls: number;
  costUsd: number;
  /** Tokens the arm's evaluation really used. */
  tokens?: { input: number; output: number };
}
export interface ComparisonReport {
  signatureHash: string;
  /** Which examples both arms ran on (held out, or all when too few are held out). */
  examplesFrom: string;
  metric: string;
  n: number;
  lmLabel: string;
  /** Cost from the tokens each arm's evaluation really used (`tokens`), at the price table. */
  arms: { a: ComparisonArm; b: ComparisonArm };
  aggregate: {
    metric: string;
    kind: string;
    n: number;
    meanControl: number;
    meanTreatment: number;
    difference: number;
    ci: [number, number] | null;
    pValue: number | null;
    test: string;
    significant: boolean;
    tooFew: boolean;
    message: string;
  };
  wins: number;
  ties: number;
  losses: number;
  errors: number;
  examples: ComparisonExample[];
}
export interface ExperimentSummary {
  id: string;
  name: string;
  signatureHash: string;
  arms: { id: string; kind: 'traditional' | 'baseline_dspy' | 'optimized'; programVersionId?: string; weight: number }[];
  controlArmId: string;
  targetSampleSize: number;
  status: 'draft' | 'running' | 'stopped' | 'completed';
  alpha: number;
  createdAt: string;
}
export interface ExperimentAnalysis {
  experimentId: string;
  alpha: number;
  arms: { armId: string; kind: string; n: number; successRate: number | null; meanScore: number | null; latencyP50: number | null; latencyP95: number | null; totalCost: number }[];
  comparisons: { armId: string; controlArmId: string; successRate: { pValue: number | null; difference: number; significant: boolean }; score?: { welch: { pValue: number | null; difference: number; ci: [number, number] }; significant: boolean } }[];
  progress: number;
  complete: boolean;
  recommendation: string;
}
export interface MonitorLmStats { adapterCalls: number; parseFailures: number; fallbacks: number; parseFailureRate: number | null; retries: Record<string, number> }
export interface MonitorSnapshot {
  windowMs: number;
  summary: Record<string, unknown> & {
    executions: number;
    byMode: Record<string, number>;
    latencyMs: { p50: number; p95: number; p99: number } | Record<string, number>;
    cache: { hits: number; misses: number; hitRate: number | null };
    fallback: { count: number; rate: number | null };
    tokens: number;
    cost: number;
    optimizations: Record<string, unknown>;
    /** LM call stats over the window and per workflow step (rates over no adapter call are null). */
    lm: MonitorLmStats;
    bySteps: (MonitorLmStats & { workflow?: string; step: string; executions: number; errorRate: number })[];
  };
  health: { status: string; components: { name: string; status: string; detail: string }[] };
  alerts: { id?: string; metric: string; severity: string; message: string; value?: number; since?: number }[];
  deployment: { phase: string; rolloutPercentage: number; featureFlags: string[]; phases: string[]; knownFlags: string[] };
  pool: {
    started: boolean;
    state: string;
    poolSize: number;
    readyWorkers: number;
    queueDepth: number;
    inFlight: number;
    restarts: number;
    runtime: { python?: string; pythonVersion?: string; dspyVersion?: string } | null;
    workers: { id: number | string; pid?: number | null; state: string }[];
  };
}
export interface ProviderStatus {
  simulated: boolean;
  simulatedLabel: string;
  activeLabel: string;
  claude: { configured: boolean; source: string; model: string | null; apiBase: string | null };
  gemini: { configured: boolean; source: string; model: string | null; apiBase: string | null };
  /** `requests`: the request settings in effect (saved over the defaults). */
  openaiCompatible: { apiBase: string; model: string; hasKey: boolean; requests: Required<Omit<ProviderRequestSettings, 'requestsPerMinute'>> & { requestsPerMinute: number | null } } | null;
  /** Sent with every real model call. */
  generation: { maxTokens: number; temperature: number | null };
  keyStorage: 'safe-storage' | 'environment';
}

const armRef = z.union([z.literal('baseline'), z.object({ version: id }).strict()]);
const budget = z
  .object({ maxCostUsd: z.number().min(0).optional(), maxLmCalls: z.number().int().min(0).optional(), maxTokens: z.number().int().min(0).optional(), maxWallTimeMs: z.number().min(0).optional() })
  .strict();
const optimizeRequest = z
  .object({
    signature: sigRef,
    strategy: z.enum(STRATEGIES),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
    datasetVersion: id.optional(),
    budget: budget.optional(),
    /** The open workflow's root: the step named `signature` in it is the program optimized (its module included). */
    workflow: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const tuningMethods = {
  'data.signatures': {
    params: z.object({}).strict(),
    result: typed<{ signatures: SignatureSummary[] }>(),
  },
  'data.registerSignature': {
    params: z.object({ name: sigRef, spec: z.record(z.string(), z.unknown()) }).strict(),
    result: typed<{ signature: SignatureSummary; created: boolean; changes: FieldChangeSummary | null; misfits: number }>(),
  },
  'data.schemaStatus': {
    params: z.object({ signature: sigRef }).strict(),
    result: typed<SchemaStatus>(),
  },
  'data.mapFields': {
    params: z.object({ signature: sigRef, mapping: z.record(z.string(), z.unknown()) }).strict(),
    result: typed<{ mapped: number; stillMisfit: number; clashes: number }>(),
  },
  'data.splitOff': {
    params: z.object({ signature: sigRef, name: sigRef }).strict(),
    result: typed<{ moved: number; task: string }>(),
  },
  'data.list': {
    params: z
      .object({
        signature: sigRef,
        version: id.optional(),
        labelState: z.enum(LABEL_STATES).optional(),
        split: z.enum(SPLITS).optional(),
        source: z.enum(SOURCES).optional(),
        limit: z.number().int().min(1).max(100_000).default(20_000),
        offset: z.number().int().min(0).optional(),
        /** added (insertion order, the default), newest / oldest (observed_at), label (state), rating (high first). */
        sort: z.enum(['added', 'newest', 'oldest', 'label', 'rating']).optional(),
        /** Words, each the start of a word of the inputs or outputs (FTS5, any case); text without letters or digits: a substring. */
        search: z.string().min(1).max(200).optional(),
      })
      .strict(),
    /** total: rows of the dataset; matching: rows passing the filters; labelCounts: rows per label state. */
    result: typed<{ total: number; matching: number; labelCounts: Record<string, number>; rows: ExampleRow[]; threshold: number }>(),
  },
  'data.import': {
    params: z
      .object({
        signature: sigRef,
        fileName: z.string().min(1).max(500),
        /** The file's bytes, base64. */
        content: z.string().max(200_000_000),
        format: z.enum(['jsonl', 'csv', 'dspy']).optional(),
        mapping: z.record(z.string().min(1), z.string().min(1)).optional(),
        dryRun: z.boolean().default(false),
        /** Names this import in its data.importProgress events and in data.cancelImport. */
        progressId: z.string().min(1).max(100).optional(),
      })
      .strict(),
    result: typed<ImportReport>(),
  },
  /** Stops a running import (its report comes back with cancelled: true; nothing is written). cancelled: false when no such import runs. */
  'data.cancelImport': {
    params: z.object({ progressId: z.string().min(1).max(100) }).strict(),
    result: typed<{ cancelled: boolean }>(),
  },
  'data.export': {
    params: z.object({ signature: sigRef, format: z.enum(['jsonl', 'csv', 'dspy']), version: id.optional(), path: absPath.optional() }).strict(),
    result: typed<{ content: string; fileName: string; path: string | null; bytes: number }>(),
  },
  'data.label': {
    params: z
      .object({
        id,
        /** undo: reverts the example's latest label that is not already undone (recorded as a label event of its own). */
        action: z.enum(['accept', 'reject', 'correct', 'rate', 'undo']),
        outputs: z.record(z.string(), z.unknown()).optional(),
        rating: z.number().int().min(1).max(5).optional(),
        note: labelNoteSchema.optional(),
      })
      .strict(),
    result: typed<{ row: ExampleRow }>(),
  },
  'data.labelHistory': {
    params: z.object({ id }).strict(),
    result: typed<{ events: Record<string, unknown>[] }>(),
  },
  'data.quality': {
    params: z.object({ signature: sigRef, version: id.optional() }).strict(),
    result: typed<QualityReport>(),
  },
  'data.versions': {
    params: z.object({ signature: sigRef }).strict(),
    result: typed<{ versions: DatasetVersion[] }>(),
  },
  'data.createVersion': {
    params: z.object({ signature: sigRef, note: z.string().max(500).optional() }).strict(),
    result: typed<{ version: DatasetVersion; sameAsParent: boolean }>(),
  },
  'data.lineage': {
    params: z.object({ version: id }).strict(),
    result: typed<VersionLineage>(),
  },
  'data.diff': {
    params: z.object({ signature: sigRef, a: id, b: id }).strict(),
    result: typed<{ added: ExampleRow[]; removed: ExampleRow[]; changed: { before: ExampleRow; after: ExampleRow }[]; unchanged: number }>(),
  },
  'optimize.estimate': {
    params: optimizeRequest,
    /** sample: set when the dataset holds more rows than the optimizer receives (the stratified sample's size, of how many). */
    result: typed<{ estimate: Estimate; budget: { ok: boolean; violations: string[]; message: string } | null; trainSize: number; devSize: number; sample: { size: number; of: number } | null; lmLabel: string }>(),
  },
  'optimize.run': {
    params: optimizeRequest,
    result: typed<{ job: OptimizationJob }>(),
  },
  'optimize.cancel': {
    params: z.object({ jobId: id }).strict(),
    result: typed<{ cancelled: boolean }>(),
  },
  'optimize.jobs': {
    params: z.object({ signature: sigRef.optional() }).strict(),
    result: typed<{ jobs: OptimizationJob[] }>(),
  },
  'optimize.job': {
    params: z.object({ jobId: id }).strict(),
    result: typed<JobDetail>(),
  },
  'optimize.versions': {
    params: z.object({ signature: sigRef }).strict(),
    result: typed<{ versions: ProgramVersion[]; promoted: string | null }>(),
  },
  'optimize.promote': {
    params: z.object({ versionId: id }).strict(),
    result: typed<{ version: ProgramVersion }>(),
  },
  'optimize.stepPrograms': {
    /** The open workflow's root map (the parsed YAML). */
    params: z.object({ workflow: z.record(z.string(), z.unknown()) }).strict(),
    result: typed<{ steps: StepProgramStatus[] }>(),
  },
  'optimize.staleChoice': {
    params: z.object({ signature: sigRef, choice: z.enum(['keep', 'baseline']).nullable() }).strict(),
    result: typed<{ choice: 'keep' | 'baseline' | null }>(),
  },
  'optimize.rollback': {
    params: z.object({ signature: sigRef }).strict(),
    result: typed<{ from: string; to: string | null }>(),
  },
  'optimize.export': {
    params: z.object({ versionId: id, kind: z.enum(['json', 'python']), path: absPath }).strict(),
    result: typed<{ path: string; bytes: number; specPath: string | null }>(),
  },
  'compare.run': {
    params: z.object({ signature: sigRef, a: armRef, b: armRef, datasetVersion: id.optional() }).strict(),
    result: typed<ComparisonReport>(),
  },
  /** Runs both arms on one example of a comparison again, for the LM calls each made (measured by this run). */
  'compare.trace': {
    params: z.object({ signature: sigRef, a: armRef, b: armRef, exampleId: id }).strict(),
    result: typed<{ a: ArmTrace; b: ArmTrace }>(),
  },
  'experiments.list': {
    params: z.object({}).strict(),
    result: typed<{ experiments: ExperimentSummary[] }>(),
  },
  'experiments.create': {
    params: z
      .object({
        /** Default: a generated `exp_…` id. */
        id: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/, 'letters, digits, _ . - (at most 60)').optional(),
        name: z.string().min(1).max(200),
        signature: sigRef,
        arms: z
          .array(z.object({ id: z.string().min(1).max(60), kind: z.enum(['traditional', 'baseline_dspy', 'optimized']), programVersionId: id.optional(), weight: z.number().min(0).max(1000) }).strict())
          .min(2)
          .max(8),
        targetSampleSize: z.number().int().min(1).max(10_000_000),
        alpha: z.number().gt(0).lt(1).default(0.05),
      })
      .strict(),
    result: typed<{ experiment: ExperimentSummary }>(),
  },
  'experiments.transition': {
    params: z.object({ id, to: z.enum(['running', 'stopped', 'completed']) }).strict(),
    result: typed<{ experiment: ExperimentSummary }>(),
  },
  'experiments.analyze': {
    params: z.object({ id }).strict(),
    result: typed<{ experiment: ExperimentSummary; analysis: ExperimentAnalysis }>(),
  },
  'monitor.snapshot': {
    params: z.object({ windowMs: z.number().int().min(1000).max(90 * 86_400_000).default(3_600_000) }).strict(),
    result: typed<MonitorSnapshot>(),
  },
  'config.get': {
    params: z.object({}).strict(),
    result: typed<{ config: Record<string, unknown> }>(),
  },
  'config.update': {
    params: z.object({ patch: z.record(z.string(), z.unknown()) }).strict(),
    result: typed<{ config: Record<string, unknown> }>(),
  },
  'providers.status': {
    params: z.object({}).strict(),
    result: typed<ProviderStatus>(),
  },
  'providers.update': {
    params: z
      .object({
        claude: z.object({ model: z.string().max(200).nullable().optional(), apiBase: z.url().nullable().optional() }).strict().optional(),
        gemini: z.object({ model: z.string().max(200).nullable().optional(), apiBase: z.url().nullable().optional() }).strict().optional(),
        openaiCompatible: z.object({ apiBase: z.url(), model: z.string().min(1).max(200), ...providerRequestPrefsShape }).strict().nullable().optional(),
        generation: z
          .object({ maxTokens: z.number().int().min(1).max(65_536).nullable().optional(), temperature: z.number().min(0).max(2).nullable().optional() })
          .strict()
          .optional(),
      })
      .strict(),
    result: typed<ProviderStatus>(),
  },
  'runtime.restart': {
    params: z.object({}).strict(),
    result: typed<{ pool: MonitorSnapshot['pool'] }>(),
  },
} as const;

export const tuningEvents = {
  'optimize.job': typed<{ job: OptimizationJob }>(),
  'optimize.progress': typed<{ jobId: string; progress: JobProgress }>(),
  'data.importProgress': typed<ImportProgress>(),
  'config.changed': typed<{ config: Record<string, unknown> }>(),
} as const;
