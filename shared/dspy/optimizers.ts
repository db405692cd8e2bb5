/**
 * One definition per DSPy optimizer: its parameters (range, default, label), the zod schema that
 * resolves a request's params (defaults applied, validated) and the LM-call model the estimate uses.
 * The renderer's form, the estimator, the CLI and the request to the Python runtime all read this;
 * the runtime only maps the resolved params onto DSPy 3.4.1.
 */
import { z } from 'zod';
import { EVALUATION_MODES } from './config';

export const OPTIMIZER_STRATEGIES = EVALUATION_MODES;
export type Strategy = (typeof OPTIMIZER_STRATEGIES)[number];

/** One parameter as the form shows it; `nullable` ones accept null (meaning "not set", see `help`). */
export type ParamSpec =
  | { kind: 'int'; label: string; default: number | null; min: number; max: number; nullable?: boolean; help: string }
  | { kind: 'number'; label: string; default: number; min: number; max: number; help: string }
  | { kind: 'boolean'; label: string; default: boolean; help: string }
  | { kind: 'choice'; label: string; default: string | null; options: readonly string[]; nullable?: boolean; help: string }
  | { kind: 'text'; label: string; default: string | null; pattern: RegExp; nullable?: boolean; help: string };

const MIPRO_PRESETS = ['light', 'medium', 'heavy'] as const;
/** A model as `provider/model` (anthropic/claude-opus-4-1, simulated/toy). */
const MODEL_REF = /^(anthropic|gemini|openai|simulated)\/[\w.:@-]{1,120}$/;

export const OPTIMIZERS = {
  bootstrap_few_shot: {
    label: 'BootstrapFewShot',
    dspyClass: 'dspy.BootstrapFewShot',
    params: {
      max_bootstrapped_demos: { kind: 'int', label: 'Bootstrapped demos', default: 4, min: 0, max: 50, help: 'Demos whose outputs the teacher generated and the metric passed.' },
      max_labeled_demos: { kind: 'int', label: 'Labeled demos', default: 4, min: 0, max: 50, help: 'Demos taken as labeled from the trainset.' },
      max_rounds: { kind: 'int', label: 'Rounds', default: 1, min: 1, max: 10, help: 'Attempts per training example.' },
      max_errors: { kind: 'int', label: 'Max errors', default: null, min: 0, max: 1000, nullable: true, help: "Errors tolerated before stopping; null: DSPy's setting (10)." },
    },
  },
  copro: {
    label: 'COPRO',
    dspyClass: 'dspy.COPRO',
    params: {
      breadth: { kind: 'int', label: 'Breadth (candidates per round)', default: 10, min: 2, max: 50, help: 'Instruction candidates per round (COPRO needs at least 2).' },
      depth: { kind: 'int', label: 'Depth (rounds)', default: 3, min: 1, max: 10, help: 'Refinement rounds.' },
      init_temperature: { kind: 'number', label: 'Temperature', default: 1.4, min: 0, max: 2, help: 'Sampling temperature of the instruction proposals.' },
      num_threads: { kind: 'int', label: 'Threads', default: 1, min: 1, max: 32, help: 'Parallel evaluation calls.' },
    },
  },
  mipro: {
    label: 'MIPROv2',
    dspyClass: 'dspy.MIPROv2',
    params: {
      auto: { kind: 'choice', label: 'Preset', default: 'light', options: MIPRO_PRESETS, nullable: true, help: 'light, medium or heavy; null: set num_candidates and num_trials.' },
      num_candidates: { kind: 'int', label: 'Candidates', default: null, min: 1, max: 100, nullable: true, help: 'Instruction and demo-set candidates (only without a preset).' },
      num_trials: { kind: 'int', label: 'Trials', default: null, min: 1, max: 1000, nullable: true, help: 'Optuna trials (only without a preset).' },
      max_bootstrapped_demos: { kind: 'int', label: 'Bootstrapped demos', default: 4, min: 0, max: 50, help: 'Bootstrapped demos per demo set.' },
      max_labeled_demos: { kind: 'int', label: 'Labeled demos', default: 4, min: 0, max: 50, help: 'Labeled demos per demo set.' },
      init_temperature: { kind: 'number', label: 'Temperature', default: 1.0, min: 0, max: 2, help: 'Sampling temperature of the instruction proposals.' },
      seed: { kind: 'int', label: 'Seed', default: 9, min: 0, max: 2 ** 31 - 1, help: 'Random seed.' },
      minibatch: { kind: 'boolean', label: 'Minibatches', default: true, help: 'Without a preset: score trials on minibatches when the valset is larger than minibatch_size (presets decide this themselves: valset > 50).' },
      minibatch_size: { kind: 'int', label: 'Minibatch size', default: 35, min: 1, max: 1000, help: 'Examples per minibatch.' },
      minibatch_full_eval_steps: { kind: 'int', label: 'Full evaluation every', default: 5, min: 1, max: 100, help: 'Trials between full valset evaluations of the best candidate.' },
      valset: { kind: 'choice', label: 'Validation set', default: 'split', options: ['split', 'devset'], help: 'split: MIPROv2 takes the last 80% of the trainset; devset: the dev set.' },
      num_threads: { kind: 'int', label: 'Threads', default: 1, min: 1, max: 32, help: 'Parallel evaluation calls.' },
    },
  },
  gepa: {
    label: 'GEPA',
    dspyClass: 'dspy.GEPA',
    params: {
      auto: { kind: 'choice', label: 'Budget preset', default: 'light', options: MIPRO_PRESETS, nullable: true, help: "light, medium or heavy (DSPy's auto_budget); null: set max_metric_calls." },
      max_metric_calls: { kind: 'int', label: 'Metric calls', default: null, min: 1, max: 100_000, nullable: true, help: 'Budget in program runs scored by the metric (only without a preset).' },
      reflection_minibatch_size: { kind: 'int', label: 'Reflection minibatch', default: 3, min: 1, max: 50, help: 'Training examples (with their feedback) the reflection LM reads per proposal.' },
      candidate_selection_strategy: { kind: 'choice', label: 'Parent selection', default: 'pareto', options: ['pareto', 'current_best'], help: 'pareto: a candidate of the Pareto frontier across dev examples; current_best: the best mean.' },
      skip_perfect_score: { kind: 'boolean', label: 'Skip perfect minibatches', default: true, help: 'No reflection on a minibatch the parent already solves.' },
      use_merge: { kind: 'boolean', label: 'Merge', default: true, help: 'Also combine components of two frontier candidates.' },
      max_merge_invocations: { kind: 'int', label: 'Max merges', default: 5, min: 0, max: 50, help: 'Merge attempts at most.' },
      num_threads: { kind: 'int', label: 'Threads', default: 1, min: 1, max: 32, help: 'Parallel evaluation calls.' },
      seed: { kind: 'int', label: 'Seed', default: 0, min: 0, max: 2 ** 31 - 1, help: 'Random seed.' },
      reflection_model: { kind: 'text', label: 'Reflection model', default: null, pattern: MODEL_REF, nullable: true, help: "provider/model of the LM that reads the feedback and proposes instructions (same provider as the step); null: the step's model." },
    },
  },
  simba: {
    label: 'SIMBA',
    dspyClass: 'dspy.SIMBA',
    params: {
      bsize: { kind: 'int', label: 'Batch size', default: 32, min: 1, max: 1000, help: 'Training examples per step (SIMBA needs at least this many).' },
      num_candidates: { kind: 'int', label: 'Candidates', default: 6, min: 1, max: 50, help: 'Sampled trajectories per example, and new programs per step.' },
      max_steps: { kind: 'int', label: 'Steps', default: 8, min: 1, max: 100, help: 'Mini-batch steps.' },
      max_demos: { kind: 'int', label: 'Max demos', default: 4, min: 0, max: 50, help: 'Demos per predictor before one is dropped for a new one.' },
      num_threads: { kind: 'int', label: 'Threads', default: 1, min: 1, max: 32, help: 'Parallel program runs.' },
      temperature_for_sampling: { kind: 'number', label: 'Sampling temperature', default: 0.2, min: 0, max: 2, help: 'Softmax temperature picking the programs that sample trajectories.' },
      temperature_for_candidates: { kind: 'number', label: 'Candidate temperature', default: 0.2, min: 0, max: 2, help: 'Softmax temperature picking the source program of new candidates.' },
      seed: { kind: 'int', label: 'Seed', default: 0, min: 0, max: 2 ** 31 - 1, help: 'Random seed.' },
    },
  },
} as const satisfies Record<Strategy, { label: string; dspyClass: string; params: Record<string, ParamSpec> }>;

function schemaOf(p: ParamSpec): z.ZodType {
  const range = (min: number, max: number) => (iss: { input?: unknown }) => `must be between ${min} and ${max} (got ${JSON.stringify(iss.input)})`;
  let s: z.ZodType;
  if (p.kind === 'int') s = z.number({ error: range(p.min, p.max) }).int({ error: range(p.min, p.max) }).min(p.min, { error: range(p.min, p.max) }).max(p.max, { error: range(p.min, p.max) });
  else if (p.kind === 'number') s = z.number({ error: range(p.min, p.max) }).min(p.min, { error: range(p.min, p.max) }).max(p.max, { error: range(p.min, p.max) });
  else if (p.kind === 'boolean') s = z.boolean({ error: (iss) => `must be true or false (got ${JSON.stringify(iss.input)})` });
  else if (p.kind === 'text') s = z.string({ error: (iss) => `must be a string (got ${JSON.stringify(iss.input)})` }).regex(p.pattern, { error: (iss) => `must look like provider/model, e.g. anthropic/claude-opus-4-1 (got ${JSON.stringify(iss.input)})` });
  else s = z.enum(p.options as unknown as [string, ...string[]], { error: (iss) => `must be one of ${p.options.join(', ')}${'nullable' in p && p.nullable ? ' or null' : ''} (got ${JSON.stringify(iss.input)})` });
  if ('nullable' in p && p.nullable) s = s.nullable();
  return s.default(p.default as never).describe(p.help);
}

function objectSchema<S extends Strategy>(strategy: S) {
  const params = OPTIMIZERS[strategy].params as Record<string, ParamSpec>;
  return z.strictObject(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, schemaOf(p)])));
}

export interface BootstrapFewShotParams { max_bootstrapped_demos: number; max_labeled_demos: number; max_rounds: number; max_errors: number | null }
export interface CoproParams { breadth: number; depth: number; init_temperature: number; num_threads: number }
export interface MiproParams {
  auto: (typeof MIPRO_PRESETS)[number] | null;
  num_candidates: number | null;
  num_trials: number | null;
  max_bootstrapped_demos: number;
  max_labeled_demos: number;
  init_temperature: number;
  seed: number;
  minibatch: boolean;
  minibatch_size: number;
  minibatch_full_eval_steps: number;
  valset: 'split' | 'devset';
  num_threads: number;
}
export interface GepaParams {
  auto: (typeof MIPRO_PRESETS)[number] | null;
  max_metric_calls: number | null;
  reflection_minibatch_size: number;
  candidate_selection_strategy: 'pareto' | 'current_best';
  skip_perfect_score: boolean;
  use_merge: boolean;
  max_merge_invocations: number;
  num_threads: number;
  seed: number;
  reflection_model: string | null;
}
export interface SimbaParams {
  bsize: number;
  num_candidates: number;
  max_steps: number;
  max_demos: number;
  num_threads: number;
  temperature_for_sampling: number;
  temperature_for_candidates: number;
  seed: number;
}
export interface OptimizerParams { bootstrap_few_shot: BootstrapFewShotParams; copro: CoproParams; mipro: MiproParams; gepa: GepaParams; simba: SimbaParams }
export type ResolvedParams = OptimizerParams[Strategy];

export const bootstrapFewShotParamsSchema = objectSchema('bootstrap_few_shot') as unknown as z.ZodType<BootstrapFewShotParams>;
export const coproParamsSchema = objectSchema('copro') as unknown as z.ZodType<CoproParams>;
export const miproParamsSchema = objectSchema('mipro').check((ctx) => {
  const v = ctx.value as unknown as MiproParams;
  // MIPROv2 refuses a preset together with num_candidates/num_trials, and neither without one.
  if (v.auto !== null) {
    for (const k of ['num_candidates', 'num_trials'] as const) {
      if (v[k] !== null) ctx.issues.push({ code: 'custom', input: v[k], path: [k], message: `must be null with the preset auto=${v.auto} (set auto to null to choose it)` });
    }
  } else {
    for (const k of ['num_candidates', 'num_trials'] as const) {
      if (v[k] === null) ctx.issues.push({ code: 'custom', input: null, path: [k], message: 'is required when auto is null' });
    }
  }
}) as unknown as z.ZodType<MiproParams>;

export const gepaParamsSchema = objectSchema('gepa').check((ctx) => {
  const v = ctx.value as unknown as GepaParams;
  // dspy.GEPA takes exactly one budget: a preset or max_metric_calls.
  if (v.auto !== null && v.max_metric_calls !== null) ctx.issues.push({ code: 'custom', input: v.max_metric_calls, path: ['max_metric_calls'], message: `must be null with the preset auto=${v.auto} (set auto to null to choose it)` });
  if (v.auto === null && v.max_metric_calls === null) ctx.issues.push({ code: 'custom', input: null, path: ['max_metric_calls'], message: 'is required when auto is null' });
}) as unknown as z.ZodType<GepaParams>;
export const simbaParamsSchema = objectSchema('simba') as unknown as z.ZodType<SimbaParams>;

export const optimizerParamsSchemas: { [S in Strategy]: z.ZodType<OptimizerParams[S]> } = {
  bootstrap_few_shot: bootstrapFewShotParamsSchema,
  copro: coproParamsSchema,
  mipro: miproParamsSchema,
  gepa: gepaParamsSchema,
  simba: simbaParamsSchema,
};

export class OptimizerParamsError extends Error {
  constructor(readonly strategy: Strategy, readonly issues: { field: string; message: string }[]) {
    super(`${strategy} params: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  }
}

/** The params every consumer uses: defaults applied, validated; errors name the field (`params.breadth`). */
export function resolveOptimizerParams<S extends Strategy>(strategy: S, params: Record<string, unknown> | undefined): OptimizerParams[S] {
  const res = optimizerParamsSchemas[strategy].safeParse(params ?? {});
  if (res.success) return res.data as OptimizerParams[S];
  throw new OptimizerParamsError(strategy, res.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: `params.${k}`, message: `unknown parameter of ${strategy} (known: ${Object.keys(OPTIMIZERS[strategy].params).join(', ')})` }))
      : [{ field: ['params', ...i.path.map(String)].join('.'), message: i.message }],
  ));
}

// -- the LM-call model ---------------------------------------------------------------------------

export interface CallModelInput {
  trainSize: number;
  /** Dev set size; the runtime evaluates baseline and optimized program on it (the trainset without one). */
  devSize: number;
  /** Predictors in the program (1 for a step; a dspy_chain has one per link). */
  predictors: number;
  /** Share of bootstrap attempts whose trace passes the metric. */
  bootstrapSuccessRate: number;
}

/** A group of LM calls: `prompt` says what the calls carry (task calls with `demos` demos, or proposer calls). */
export interface CallBucket {
  name: string;
  phase: 'baseline' | 'compile' | 'final';
  calls: number;
  min: number;
  max: number;
  prompt: { kind: 'task'; demos: number } | { kind: 'proposal'; completions: number };
  /** Evaluation calls, which run num_threads at once. */
  parallel: boolean;
  /** Calls of GEPA's reflection LM (its own model and price); the others go to the step's LM. */
  lm?: 'reflection';
}

/**
 * BootstrapFewShot._bootstrap: walks the trainset in order, up to max_rounds attempts per example,
 * and stops once max_bootstrapped_demos traces pass. One attempt = one teacher forward = P calls.
 */
export function bootstrapCalls(trainSize: number, maxBoot: number, maxRounds: number, success: number, predictors: number) {
  const min = Math.min(trainSize, maxBoot) * predictors;
  const max = maxBoot === 0 ? 0 : trainSize * maxRounds * predictors;
  if (maxBoot === 0) return { min, max, expected: 0 };
  const s = Math.min(1, Math.max(0, success));
  const q = 1 - (1 - s) ** maxRounds; // an example yields a trace within max_rounds
  const attemptsPerExample = s === 0 ? maxRounds : q / s;
  const examples = q === 0 ? trainSize : Math.min(trainSize, maxBoot / q);
  return { min, max, expected: Math.min(max, Math.max(min, examples * attemptsPerExample * predictors)) };
}

/** DSPy 3.4.1 AUTO_RUN_SETTINGS of MIPROv2. */
export const MIPRO_AUTO = { light: { n: 6, valSize: 100 }, medium: { n: 12, valSize: 300 }, heavy: { n: 18, valSize: 1000 } } as const;
/** DSPy 3.4.1 GEPA AUTO_RUN_SETTINGS (candidates per preset) and auto_budget's minibatch size and full-eval period. */
export const GEPA_AUTO = { light: 6, medium: 12, heavy: 18 } as const;
const GEPA_BUDGET_MINIBATCH = 35;
const GEPA_BUDGET_FULL_EVAL_STEPS = 5;
/** Share of GEPA's proposals assumed to pass the minibatch check (each then costs a dev-set evaluation). */
const GEPA_ACCEPT_RATE = 0.3;

/** dspy.GEPA.auto_budget: the metric calls a preset allows. */
export function gepaAutoBudget(predictors: number, candidates: number, valSize: number): number {
  const n = Math.floor(Math.max(2 * (predictors * 2) * Math.log2(candidates), 1.5 * candidates));
  let total = valSize + candidates * 5 + n * GEPA_BUDGET_MINIBATCH;
  if (n === 0) return total;
  total += (Math.floor((n + 1) / GEPA_BUDGET_FULL_EVAL_STEPS) + 1 + (n < GEPA_BUDGET_FULL_EVAL_STEPS ? 1 : 0)) * valSize;
  return total;
}

/** MIPROv2 minibatches a preset's valset only above this size (MIN_MINIBATCH_SIZE). */
const MIPRO_MIN_MINIBATCH = 50;

export class CallModelError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

function evalBuckets(dev: number, P: number, demos: number): CallBucket[] {
  const n = dev * P;
  return [
    { name: 'baseline_evaluation', phase: 'baseline', calls: n, min: n, max: n, prompt: { kind: 'task', demos: 0 }, parallel: false },
    { name: 'optimized_evaluation', phase: 'final', calls: n, min: n, max: n, prompt: { kind: 'task', demos }, parallel: false },
  ];
}

/** Every LM call the runtime's optimize makes (baseline evaluation, compile, optimized evaluation), by group. */
export function lmCallModel<S extends Strategy>(strategy: S, params: OptimizerParams[S], input: CallModelInput): { buckets: CallBucket[]; notes: string[] } {
  const P = Math.max(1, input.predictors);
  const N = input.trainSize;
  const dev = input.devSize > 0 ? input.devSize : N;
  const notes: string[] = [];
  const buckets: CallBucket[] = [];
  const fixed = (name: string, calls: number, prompt: CallBucket['prompt'], parallel: boolean): CallBucket => ({ name, phase: 'compile', calls, min: calls, max: calls, prompt, parallel });

  if (strategy === 'bootstrap_few_shot') {
    const p = params as BootstrapFewShotParams;
    const b = bootstrapCalls(N, p.max_bootstrapped_demos, p.max_rounds, input.bootstrapSuccessRate, P);
    // The teacher carries up to max_labeled_demos labeled demos (LabeledFewShot).
    buckets.push({ name: 'bootstrap', phase: 'compile', calls: b.expected, min: b.min, max: b.max, prompt: { kind: 'task', demos: Math.min(p.max_labeled_demos, N) }, parallel: false });
    buckets.push(...evalBuckets(dev, P, Math.min(p.max_bootstrapped_demos + p.max_labeled_demos, N)));
  } else if (strategy === 'copro') {
    const p = params as CoproParams;
    // One generation call per predictor per depth (breadth completions each); candidates are scored on the trainset.
    let evals = 0;
    for (let d = 0; d < p.depth; d++) evals += P === 1 ? p.breadth : P * (d + 1) * p.breadth;
    buckets.push(fixed('instruction_proposals', P * p.depth, { kind: 'proposal', completions: p.breadth }, false));
    const c = evals * N * P;
    // Repeated candidates are scored once: as few as one candidate per round.
    buckets.push({ name: 'candidate_evaluation', phase: 'compile', calls: c, min: p.depth * N * P, max: c, prompt: { kind: 'task', demos: 0 }, parallel: true });
    buckets.push(...evalBuckets(dev, P, 0));
    notes.push('COPRO scores each distinct candidate on the trainset; repeated candidates are scored once, so the real count can be lower.');
  } else if (strategy === 'gepa') {
    const p = params as GepaParams;
    // The runtime gives GEPA the dev set as its valset (the trainset without one).
    const budget = p.auto !== null ? gepaAutoBudget(P, GEPA_AUTO[p.auto], dev) : p.max_metric_calls!;
    const mb = p.reflection_minibatch_size;
    // GEPA stops once the budget is spent, finishing the iteration under way (a minibatch pair and a dev evaluation).
    buckets.push({ name: 'candidate_evaluation', phase: 'compile', calls: budget * P, min: Math.min(budget, dev) * P, max: (budget + 2 * mb + dev) * P, prompt: { kind: 'task', demos: 0 }, parallel: true });
    const spare = Math.max(0, budget - dev);
    // One reflection per iteration (one component, round robin); an iteration costs two minibatch
    // evaluations, plus a dev evaluation when its proposal is accepted.
    const reflections = spare / (2 * mb + GEPA_ACCEPT_RATE * dev);
    buckets.push({ name: 'reflection', phase: 'compile', calls: reflections, min: 0, max: Math.ceil(spare / mb), prompt: { kind: 'proposal', completions: 1 }, parallel: false, lm: 'reflection' });
    buckets.push(...evalBuckets(dev, P, 0));
    notes.push(`GEPA: budget ${budget} metric calls${p.auto !== null ? ` (preset ${p.auto})` : ''}; reflections assume ${Math.round(GEPA_ACCEPT_RATE * 100)}% of proposals pass the minibatch check (estimate).`);
  } else if (strategy === 'simba') {
    const p = params as SimbaParams;
    if (N < p.bsize) throw new CallModelError('params.bsize', `SIMBA needs at least bsize=${p.bsize} training examples (found ${N}); lower bsize`);
    const programs = Math.min(p.bsize, p.num_candidates + 1);
    const winners = Math.min(p.num_candidates + 1, p.max_steps + 1);
    const demos = p.max_demos;
    buckets.push(fixed('trajectories', p.max_steps * p.bsize * p.num_candidates * P, { kind: 'task', demos }, true));
    // Each new program comes from a rule (one LM call) or a demo (none), chosen at random.
    const rules = p.max_steps * programs;
    buckets.push({ name: 'rule_proposals', phase: 'compile', calls: rules / 2, min: 0, max: rules, prompt: { kind: 'proposal', completions: 1 }, parallel: false });
    buckets.push(fixed('candidate_evaluation', p.max_steps * programs * p.bsize * P, { kind: 'task', demos }, true));
    buckets.push(fixed('final_selection', winners * N * P, { kind: 'task', demos }, true));
    buckets.push(...evalBuckets(dev, P, demos));
  } else {
    const p = params as MiproParams;
    const zeroshot = p.max_bootstrapped_demos === 0 && p.max_labeled_demos === 0;
    let valAll: number; let trainPart: number;
    if (p.valset === 'devset' && input.devSize > 0) {
      valAll = input.devSize;
      trainPart = N;
    } else {
      // MIPROv2 takes the last 80% of the trainset as its valset and trains on the rest.
      if (N < 2) throw new CallModelError('trainset', 'MIPROv2 needs at least 2 training examples');
      valAll = Math.min(1000, Math.max(1, Math.floor(N * 0.8)));
      trainPart = N - valAll;
    }
    let n: number; let instruct: number; let trials: number; let val: number; let minibatch: boolean;
    if (p.auto !== null) {
      n = MIPRO_AUTO[p.auto].n;
      val = Math.min(MIPRO_AUTO[p.auto].valSize, valAll);
      minibatch = val > MIPRO_MIN_MINIBATCH;
      instruct = zeroshot ? n : Math.floor(n * 0.5);
      const vars = P * (zeroshot ? 1 : 2);
      trials = Math.floor(Math.max(2 * vars * Math.log2(n), 1.5 * n));
    } else {
      n = p.num_candidates!;
      trials = p.num_trials!;
      val = valAll;
      instruct = n;
      minibatch = p.minibatch && val > p.minibatch_size;
    }
    // create_n_fewshot_demo_sets: n sets, of which zero-shot and labeled-only cost nothing; n - 2 bootstrap runs.
    const boot = bootstrapCalls(trainPart, zeroshot ? 3 : p.max_bootstrapped_demos, 1, input.bootstrapSuccessRate, P);
    const runs = Math.max(0, n - 2);
    buckets.push({ name: 'bootstrap_demo_sets', phase: 'compile', calls: boot.expected * runs, min: boot.min * runs, max: boot.max * runs, prompt: { kind: 'task', demos: Math.min(p.max_labeled_demos, trainPart) }, parallel: false });
    // DSPy's own _estimate_lm_calls: 10 data-summary calls + instruct x P + program-aware proposer (P + 1).
    buckets.push(fixed('instruction_proposals', 10 + instruct * P + (P + 1), { kind: 'proposal', completions: 1 }, false));
    const taskEvals = minibatch ? p.minibatch_size * trials + val * (Math.floor(trials / p.minibatch_full_eval_steps) + 1) : val * trials;
    // Plus the default program's full evaluation it runs before the trials.
    buckets.push(fixed('trial_evaluation', (taskEvals + val) * P, { kind: 'task', demos: Math.min(p.max_bootstrapped_demos + p.max_labeled_demos, trainPart) }, true));
    buckets.push(...evalBuckets(dev, P, zeroshot ? 0 : Math.min(p.max_bootstrapped_demos + p.max_labeled_demos, trainPart)));
    notes.push(`MIPROv2: ${n} candidates, ${instruct} instructions, ${trials} trials, valset ${val}${minibatch ? `, minibatches of ${p.minibatch_size}` : ''}.`);
  }
  return { buckets, notes };
}
