// Pre-run estimate of an optimization's LM calls, tokens, cost and time, calibrated on DSPy 3.4.1's
// optimizer sources (dspy/teleprompt/bootstrap.py, copro_optimizer.py, mipro_optimizer_v2.py, utils.py).
import type { DspyPluginConfig } from '../../../shared/plugin-config/schema';

export type Strategy = DspyPluginConfig['optimization']['default_strategy'];

export interface EstimateInput {
  strategy: Strategy;
  params?: Record<string, unknown>;
  trainSize: number;
  /** Dev set size (MIPROv2's valset; also used to evaluate baseline and candidate for adoption). */
  devSize: number;
  model: string;
  /** Predictors in the program (1 for a step; a dspy_chain has one per link). */
  predictors?: number;
  /** Tokens of one example's fields (default 200) and of one answer (default 100). */
  avgInputTokens?: number;
  avgOutputTokens?: number;
  /** Share of bootstrap attempts that pass the metric (default 0.5). */
  bootstrapSuccessRate?: number;
  /** Milliseconds per LM call (default 0 for simulated/dummy models, else 1500). */
  msPerCall?: number;
  /** Evaluate's num_threads: evaluation calls run this many at once (default 1). */
  threads?: number;
  /** Count the baseline and optimized dev-set evaluations adoption needs (default true). */
  includeAdoptionEval?: boolean;
  prices?: PriceTable;
}

/** USD per million tokens. */
export interface Price { input: number; output: number }
export type PriceTable = Record<string, Price>;

/** Public list prices per million tokens; a model matches its longest listed prefix. */
export const DEFAULT_PRICES: PriceTable = {
  'simulated/': { input: 0, output: 0 },
  'dummy': { input: 0, output: 0 },
  'anthropic/claude-3-haiku': { input: 0.25, output: 1.25 },
  'anthropic/claude-3-5-haiku': { input: 0.8, output: 4 },
  'anthropic/claude-haiku-4': { input: 1, output: 5 },
  'anthropic/claude-3-5-sonnet': { input: 3, output: 15 },
  'anthropic/claude-3-7-sonnet': { input: 3, output: 15 },
  'anthropic/claude-sonnet-4': { input: 3, output: 15 },
  'anthropic/claude-opus-4': { input: 15, output: 75 },
  'gemini/gemini-1.5-flash': { input: 0.075, output: 0.3 },
  'gemini/gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini/gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini/gemini-1.5-pro': { input: 1.25, output: 5 },
  'gemini/gemini-2.5-pro': { input: 1.25, output: 10 },
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai/gpt-4o': { input: 2.5, output: 10 },
};
/** Unknown models are priced like a mid-tier model, so a budget cap errs on the safe side. */
export const DEFAULT_PRICE: Price = { input: 3, output: 15 };

export function priceOf(model: string, table: PriceTable = DEFAULT_PRICES): { price: Price; source: 'table' | 'default' } {
  const match = Object.keys(table).filter((k) => model.startsWith(k)).sort((a, b) => b.length - a.length)[0];
  return match === undefined ? { price: DEFAULT_PRICE, source: 'default' } : { price: table[match], source: 'table' };
}

/** What a call cost, from its token counts; `model` as the price table keys it (`anthropic/<model>`). */
export function costOf(model: string, tokens: { input: number; output: number }, table: PriceTable = DEFAULT_PRICES): number {
  const { price } = priceOf(model, table);
  return (tokens.input * price.input + tokens.output * price.output) / 1e6;
}

export interface Estimate {
  strategy: Strategy;
  model: string;
  lmCalls: { expected: number; min: number; max: number; breakdown: Record<string, number> };
  tokens: { input: number; output: number; total: number };
  costUsd: number;
  priceSource: 'table' | 'default';
  wallTimeMs: number;
  notes: string[];
}

/** Prompt overhead of DSPy's ChatAdapter (instructions, field markers) per call, in tokens. */
const PROMPT_OVERHEAD_TOKENS = 150;
/** Tokens of one instruction proposal (COPRO / MIPROv2 prompt model). */
const PROPOSAL_TOKENS = 100;

const int = (params: Record<string, unknown>, key: string, dflt: number): number => {
  const v = params[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${key} must be a non-negative integer (got ${JSON.stringify(v)})`);
  return v;
};

/**
 * BootstrapFewShot._bootstrap: walks the trainset in order, up to max_rounds attempts per example, and
 * stops once max_bootstrapped_demos traces pass. One attempt = one teacher forward = P calls.
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

export const MIPRO_AUTO = { light: { n: 6, valSize: 100 }, medium: { n: 12, valSize: 300 }, heavy: { n: 18, valSize: 1000 } } as const;

export function estimateOptimization(input: EstimateInput): Estimate {
  const p = input.params ?? {};
  const P = input.predictors ?? 1;
  const N = input.trainSize;
  const dev = input.devSize;
  const inTok = input.avgInputTokens ?? 200;
  const outTok = input.avgOutputTokens ?? 100;
  const success = input.bootstrapSuccessRate ?? 0.5;
  const threads = Math.max(1, input.threads ?? 1);
  const free = /^(simulated\/|dummy)/.test(input.model);
  const msPerCall = input.msPerCall ?? (free ? 0 : 1500);
  const notes: string[] = [];
  // Each bucket: calls, prompt tokens per call, output tokens per call, parallel (evaluation) or sequential.
  const buckets: { name: string; calls: number; min?: number; max?: number; inPer: number; outPer: number; parallel: boolean }[] = [];
  const taskPrompt = (demos: number) => PROMPT_OVERHEAD_TOKENS + inTok * (1 + demos) + outTok * demos;
  let adoptionDemos = 0;

  if (input.strategy === 'bootstrap_few_shot') {
    const maxBoot = int(p, 'max_bootstrapped_demos', 4);
    const maxLab = int(p, 'max_labeled_demos', 16);
    const rounds = Math.max(1, int(p, 'max_rounds', 1));
    const b = bootstrapCalls(N, maxBoot, rounds, success, P);
    // The teacher carries up to max_labeled_demos labeled demos (LabeledFewShot).
    buckets.push({ name: 'bootstrap', calls: b.expected, min: b.min, max: b.max, inPer: taskPrompt(Math.min(maxLab, N)), outPer: outTok, parallel: false });
    adoptionDemos = Math.min(maxBoot + maxLab, N);
  } else if (input.strategy === 'copro') {
    const breadth = int(p, 'breadth', 10);
    const depth = int(p, 'depth', 3);
    if (breadth <= 1) throw new Error('breadth must be greater than 1 (COPRO refuses otherwise)');
    // One generation call per predictor per depth (n completions each); COPRO evaluates on the trainset.
    let evals = 0;
    for (let d = 0; d < depth; d++) evals += P === 1 ? breadth : P * (d + 1) * breadth;
    buckets.push({ name: 'instruction_proposals', calls: P * depth, inPer: 400 + breadth * PROPOSAL_TOKENS, outPer: breadth * PROPOSAL_TOKENS, parallel: false });
    buckets.push({ name: 'candidate_evaluation', calls: evals * N * P, inPer: taskPrompt(0), outPer: outTok, parallel: true });
    notes.push('COPRO scores candidates on the trainset; repeated candidates hit DSPy\'s LM cache, so the real count can be lower.');
  } else {
    const maxBoot = int(p, 'max_bootstrapped_demos', 4);
    const maxLab = int(p, 'max_labeled_demos', 4);
    const zeroshot = maxBoot === 0 && maxLab === 0;
    // Without a devset MIPROv2 splits the trainset 80/20 (valset the 80).
    const valAll = dev > 0 ? dev : Math.min(1000, Math.max(1, Math.floor(N * 0.8)));
    const trainPart = dev > 0 ? N : N - valAll;
    if (N < 2 && dev === 0) throw new Error('MIPROv2 needs at least 2 training examples without a dev set');
    const auto = p.auto as keyof typeof MIPRO_AUTO | undefined;
    let n: number; let trials: number; let val: number; let minibatch: boolean;
    let instruct: number;
    const minibatchSize = int(p, 'minibatch_size', 35);
    const fullEvalSteps = Math.max(1, int(p, 'minibatch_full_eval_steps', 5));
    if (auto !== undefined) {
      if (!(auto in MIPRO_AUTO)) throw new Error(`auto must be light, medium or heavy (got ${JSON.stringify(auto)})`);
      n = MIPRO_AUTO[auto].n;
      val = Math.min(MIPRO_AUTO[auto].valSize, valAll);
      minibatch = val > 50;
      instruct = zeroshot ? n : Math.floor(n * 0.5);
      const vars = P * (zeroshot ? 1 : 2);
      trials = Math.floor(Math.max(2 * vars * Math.log2(n), 1.5 * n));
    } else {
      if (p.num_candidates === undefined || p.num_trials === undefined) throw new Error('mipro needs auto (light, medium, heavy) or both num_candidates and num_trials');
      n = int(p, 'num_candidates', 0);
      trials = int(p, 'num_trials', 0);
      val = valAll;
      minibatch = p.minibatch !== false;
      instruct = n;
      if (minibatch && minibatchSize > val) throw new Error(`minibatch_size ${minibatchSize} exceeds the valset size ${val}`);
    }
    // create_n_fewshot_demo_sets: n sets, of which zero-shot and labeled-only cost nothing; n - 2 bootstrap runs.
    const boot = bootstrapCalls(trainPart, zeroshot ? 3 : maxBoot, Math.max(1, int(p, 'max_rounds', 1)), success, P);
    const runs = Math.max(0, n - 2);
    buckets.push({ name: 'bootstrap_demo_sets', calls: boot.expected * runs, min: boot.min * runs, max: boot.max * runs, inPer: taskPrompt(Math.min(maxLab, trainPart)), outPer: outTok, parallel: false });
    // DSPy's own _estimate_lm_calls: 10 data-summary calls + instruct x P + program-aware proposer (P + 1).
    buckets.push({ name: 'instruction_proposals', calls: 10 + instruct * P + (P + 1), inPer: 1000, outPer: PROPOSAL_TOKENS, parallel: false });
    const taskEvals = minibatch ? minibatchSize * trials + val * (Math.floor(trials / fullEvalSteps) + 1) : val * trials;
    // Plus the default program's full evaluation it runs before the trials.
    buckets.push({ name: 'trial_evaluation', calls: (taskEvals + val) * P, inPer: taskPrompt(Math.min(maxBoot + maxLab, trainPart)), outPer: outTok, parallel: true });
    notes.push(`MIPROv2: ${n} candidates, ${instruct} instructions, ${trials} trials, valset ${val}${minibatch ? `, minibatches of ${minibatchSize}` : ''}.`);
    adoptionDemos = Math.min(maxBoot + maxLab, trainPart);
  }

  if (input.includeAdoptionEval ?? true) {
    // Half the calls run the baseline (no demos), half the candidate: price at the mean demo count.
    buckets.push({ name: 'adoption_evaluation', calls: 2 * dev * P, inPer: taskPrompt(adoptionDemos / 2), outPer: outTok, parallel: true });
  }

  const breakdown = Object.fromEntries(buckets.map((b) => [b.name, Math.round(b.calls)]));
  const sum = (f: (b: (typeof buckets)[number]) => number) => buckets.reduce((s, b) => s + f(b), 0);
  const inputTokens = Math.round(sum((b) => b.calls * b.inPer));
  const outputTokens = Math.round(sum((b) => b.calls * b.outPer));
  const { price, source } = priceOf(input.model, input.prices);
  if (source === 'default') notes.push(`no price listed for ${input.model}: priced at the default $${DEFAULT_PRICE.input}/$${DEFAULT_PRICE.output} per million input/output tokens`);
  return {
    strategy: input.strategy,
    model: input.model,
    lmCalls: {
      expected: Math.round(sum((b) => b.calls)),
      min: Math.round(sum((b) => b.min ?? b.calls)),
      max: Math.round(sum((b) => b.max ?? b.calls)),
      breakdown,
    },
    tokens: { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens },
    costUsd: (inputTokens * price.input + outputTokens * price.output) / 1e6,
    priceSource: source,
    wallTimeMs: Math.round(sum((b) => (b.calls * msPerCall) / (b.parallel ? threads : 1))),
    notes,
  };
}

export interface Budget {
  maxCostUsd?: number;
  maxLmCalls?: number;
  maxTokens?: number;
  maxWallTimeMs?: number;
}

export interface BudgetCheck {
  ok: boolean;
  violations: string[];
  message: string;
}

/** Refuses a run whose estimate exceeds any cap (LM calls are judged at the expected count). */
export function checkBudget(e: Estimate, budget: Budget): BudgetCheck {
  const v: string[] = [];
  if (budget.maxCostUsd !== undefined && e.costUsd > budget.maxCostUsd) v.push(`estimated cost $${e.costUsd.toFixed(4)} exceeds the cap $${budget.maxCostUsd}`);
  if (budget.maxLmCalls !== undefined && e.lmCalls.expected > budget.maxLmCalls) v.push(`estimated ${e.lmCalls.expected} LM calls exceed the cap ${budget.maxLmCalls}`);
  if (budget.maxTokens !== undefined && e.tokens.total > budget.maxTokens) v.push(`estimated ${e.tokens.total} tokens exceed the cap ${budget.maxTokens}`);
  if (budget.maxWallTimeMs !== undefined && e.wallTimeMs > budget.maxWallTimeMs) v.push(`estimated ${Math.round(e.wallTimeMs / 1000)} s exceeds the cap ${Math.round(budget.maxWallTimeMs / 1000)} s`);
  return {
    ok: v.length === 0,
    violations: v,
    message: v.length === 0
      ? `within budget: ${e.lmCalls.expected} LM calls, ${e.tokens.total} tokens, $${e.costUsd.toFixed(4)}`
      : `refused ${e.strategy} on ${e.model}: ${v.join('; ')}. Lower the strategy's parameters or the dataset size, or raise the budget.`,
  };
}
