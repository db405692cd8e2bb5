import { misfitReasons } from '../../../shared/dspy/signature-history';
import { formatSample } from '../../../shared/format/sample';
import { moduleOf, programFromSignature, type ProgramSpec } from '../dspy-plugin/program-spec';
import { lmUsageSchema, type LmUsage } from '../optimization/estimate';
import { defaultMetric } from '../optimization/optimization-engine';
import type { ProgramVersionRepository } from '../optimization/job-store';
import type { LmConfig } from '../providers/provider-settings';
import type { PythonPool } from '../python-bridge/pool';
import { compareMetric, type MetricComparison } from '../statistics/paired';
import type { TrainingData } from '../training-data/manager';
import type { ArmTrace, ComparisonExample } from '../../../shared/api/tuning';

/** An arm: the baseline program, or a stored program version. */
export type ArmRef = 'baseline' | { version: string };

export interface CompareRequest {
  signature: string;
  a: ArmRef;
  b: ArmRef;
  /** Dataset version to compare on; the live examples by default. */
  datasetVersion?: string;
  /** Which splits to use; held-out dev and test by default (all labeled ones when those are too few). */
  splits?: ('train' | 'dev' | 'test')[];
  metric?: string | Record<string, unknown>;
  lm: LmConfig;
  signal?: AbortSignal;
  onProgress?: (p: { arm: 'a' | 'b'; done: number; total: number }) => void;
}

export interface ArmResult {
  label: string;
  mean: number;
  latencyMsPerExample: number;
  lmCalls: number;
  /** LM calls and tokens the arm's evaluation really used. */
  usage: LmUsage;
}

/** One example of a comparison, exactly as the StudioApi carries it. */
export type ExampleComparison = ComparisonExample;

export interface ComparisonReport {
  signatureHash: string;
  /** Which examples both arms ran on. */
  examplesFrom: string;
  metric: string;
  n: number;
  arms: { a: ArmResult; b: ArmResult };
  aggregate: MetricComparison;
  examples: ExampleComparison[];
}

const MIN_HELD_OUT = 10;
const LABELLED = ['accepted', 'corrected'] as const;

interface EvaluateResult {
  scores: number[];
  mean: number;
  ids: (string | null)[];
  outputs: unknown[];
  errors: (string | null)[];
  metric: string;
  lm_calls: number;
  usage: unknown;
}

/** The programs two arms run. The baseline has the shape of the program it is compared with: like is compared with like. */
function armsOf(versions: ProgramVersionRepository, sig: { name: string; spec: Parameters<typeof programFromSignature>[1] }, refs: readonly ArmRef[]) {
  const other = refs.map((r) => (r === 'baseline' ? undefined : versions.get(r.version))).find((v) => v !== undefined);
  const baseline = programFromSignature(sig.name, sig.spec, other ? moduleOf(other.programSpec as unknown as ProgramSpec) : 'predict');
  const arm = (ref: ArmRef) => {
    if (ref === 'baseline') return { label: 'baseline', program: baseline, state: undefined };
    const v = versions.get(ref.version);
    if (!v) throw new Error(`no program version ${ref.version}`);
    if (v.task !== sig.name) throw new Error(`program version ${v.id} belongs to another dataset (${v.task})`);
    return { label: `${v.strategy} ${v.id}`, program: v.programSpec as unknown as ProgramSpec, state: v.programState };
  };
  return { baseline, arm };
}

/**
 * Offline A/B: both arms run on the same examples; per example outputs and scores, and per metric
 * the paired test (McNemar for pass/fail, Wilcoxon for scores) with a bootstrap CI.
 */
export async function compareArms(deps: { data: TrainingData; versions: ProgramVersionRepository; pool: () => Promise<PythonPool> }, req: CompareRequest): Promise<ComparisonReport> {
  const sig = deps.data.signatures.resolve(req.signature);
  // the optimizer's bounded pool, labelled rows only: a large dataset gives its stratified sample
  const labelled = deps.data.optimizerPool(sig.name, req.datasetVersion, LABELLED);
  const items = labelled.items.filter((i) => misfitReasons(sig.spec, i.inputs, i.outputs).length === 0);
  const wanted = req.splits ?? ['dev', 'test'];
  let chosen = items.filter((i) => wanted.includes(i.split));
  let examplesFrom = `${wanted.join(' and ')} examples (held out)`;
  if (!req.splits && chosen.length < MIN_HELD_OUT) {
    examplesFrom = `all labelled examples, training ones included: only ${chosen.length} held-out (fewer than ${MIN_HELD_OUT}), so an optimized arm is partly scored on its own training data`;
    chosen = items;
  }
  if (labelled.sample) examplesFrom += ` (labelled ones: ${formatSample(labelled.sample)})`;
  if (chosen.length === 0) throw new Error(`no labeled examples of ${sig.name ?? sig.hash.slice(0, 12)} to compare on: label some (accepted or corrected) first`);
  const dataset = chosen.map((i) => ({ id: i.id, inputs: i.inputs, outputs: i.outputs }));
  const { baseline, arm } = armsOf(deps.versions, sig, [req.a, req.b]);
  const metric = req.metric ?? defaultMetric(baseline);
  const pool = await deps.pool();
  const evaluate = async (which: 'a' | 'b', ref: ArmRef) => {
    const { label, program, state } = arm(ref);
    const started = performance.now();
    const res = await pool.request<EvaluateResult>('evaluate', { program, dataset, metric, lm: req.lm, program_state: state }, {
      signal: req.signal,
      timeout: 30 * 60_000,
      onProgress: (p: Record<string, any>) => req.onProgress?.({ arm: which, done: p.trial ?? 0, total: dataset.length }),
    });
    return { label, res, ms: performance.now() - started };
  };
  const A = await evaluate('a', req.a);
  const B = await evaluate('b', req.b);
  const aggregate = compareMetric(A.res.metric, A.res.scores, B.res.scores);
  const examples = dataset.map((ex, i): ExampleComparison => {
    const a = { outputs: A.res.outputs[i], score: A.res.scores[i], error: A.res.errors[i] };
    const b = { outputs: B.res.outputs[i], score: B.res.scores[i], error: B.res.errors[i] };
    const outcome = a.error || b.error ? 'error' : b.score > a.score ? 'win' : b.score < a.score ? 'loss' : 'tie';
    return { id: ex.id, inputs: ex.inputs, expected: ex.outputs, a, b, outcome, different: JSON.stringify(a.outputs) !== JSON.stringify(b.outputs) };
  });
  const armResult = (x: typeof A): ArmResult => ({ label: x.label, mean: x.res.mean, latencyMsPerExample: x.ms / dataset.length, lmCalls: x.res.lm_calls, usage: lmUsageSchema.parse(x.res.usage) });
  return { signatureHash: sig.hash, examplesFrom, metric: A.res.metric, n: dataset.length, arms: { a: armResult(A), b: armResult(B) }, aggregate, examples };
}

interface RunResult {
  outputs: Record<string, unknown>;
  history?: { model: string; messages: { role: string; content: string }[]; outputs: string[]; prompt_tokens: number; completion_tokens: number }[];
}

/** Runs both arms of a comparison on one of its examples, for its traces (one run per arm, measured now). */
export async function traceArms(
  deps: { data: TrainingData; versions: ProgramVersionRepository; pool: () => Promise<PythonPool> },
  req: { signature: string; a: ArmRef; b: ArmRef; exampleId: string; lm: LmConfig; signal?: AbortSignal },
): Promise<{ a: ArmTrace; b: ArmTrace }> {
  const sig = deps.data.signatures.resolve(req.signature);
  const ex = deps.data.examples.get(req.exampleId);
  if (!ex) throw new Error(`no example with id ${req.exampleId}`);
  if (ex.task !== sig.name) throw new Error(`example ${ex.id} belongs to another dataset (${ex.task})`);
  const { arm } = armsOf(deps.versions, sig, [req.a, req.b]);
  const pool = await deps.pool();
  const trace = async (ref: ArmRef): Promise<ArmTrace> => {
    const { label, program, state } = arm(ref);
    const started = performance.now();
    try {
      const res = await pool.request<RunResult>('run', { program, inputs: ex.inputs, lm: req.lm, program_state: state }, { signal: req.signal, timeout: 5 * 60_000 });
      const lmCalls = (res.history ?? []).map((c) => ({ model: c.model, messages: c.messages, outputs: c.outputs, promptTokens: c.prompt_tokens, completionTokens: c.completion_tokens }));
      return { label, outputs: res.outputs, error: null, latencyMs: performance.now() - started, lmCalls };
    } catch (e) {
      return { label, outputs: null, error: e instanceof Error ? e.message : String(e), latencyMs: performance.now() - started, lmCalls: [] };
    }
  };
  return { a: await trace(req.a), b: await trace(req.b) };
}
