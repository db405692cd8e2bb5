// Pre-run estimate of an optimization's LM calls, tokens, cost and time. The calls come from the
// optimizer's own LM-call model (shared/dspy/optimizers.ts); this file prices them.
import { z } from 'zod';
import {
  lmCallModel,
  resolveOptimizerParams,
  type CallBucket,
  type Strategy,
} from '../../../shared/dspy/optimizers';

export type { Strategy };
export { bootstrapCalls, MIPRO_AUTO } from '../../../shared/dspy/optimizers';

/** Where the time per LM call comes from: recent measured calls of the model, the simulated model's setting, or nothing. */
export interface Latency { msPerCall: number; source: 'measured' | 'configured'; samples: number }

export interface EstimateInput {
  strategy: Strategy;
  params?: Record<string, unknown>;
  trainSize: number;
  /** Dev set size (the runtime evaluates baseline and optimized program on it; the trainset without one). */
  devSize: number;
  model: string;
  /** GEPA's reflection LM as priced (`anthropic/<model>`); default: `model`. */
  reflectionModel?: string;
  /** Predictors in the program (1 for a step; a dspy_chain has one per link). */
  predictors?: number;
  /** Tokens of one example's input fields (default 200) and of its output fields (default 100); `exampleTokens` measures them. */
  avgInputTokens?: number;
  avgOutputTokens?: number;
  /** Share of bootstrap attempts that pass the metric (default 0.5). */
  bootstrapSuccessRate?: number;
  /** Time per LM call; without it the estimate's time is unknown (null), never a guess. */
  latency?: Latency;
  /** Parallel calls of the baseline and final evaluations (the provider's num_threads; default 1). */
  evalThreads?: number;
  /** Each task call whose answer fails to parse costs one more (ChatAdapter's JSONAdapter retry). */
  parseFailures?: ParseFailures;
  prices?: PriceTable;
}

/** The measured share of a model's ChatAdapter answers that failed to parse, over `samples` first calls. */
export interface ParseFailures { rate: number; samples: number }

/** USD per million tokens. */
export interface Price { input: number; output: number }
export type PriceTable = Record<string, Price>;

/** Public list prices per million tokens (as of PRICES_AS_OF); a model matches its longest listed prefix. Settings can replace them. */
export const DEFAULT_PRICES: PriceTable = {
  'simulated/': { input: 0, output: 0 },
  'dummy': { input: 0, output: 0 },
  // A model served on this machine (an OpenAI-compatible endpoint on loopback) costs no tokens.
  'local/': { input: 0, output: 0 },
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
/** The day this list was written into the app; an edited table carries its own date. */
export const PRICES_AS_OF = '2026-11-26';
/** Unknown models are priced like a mid-tier model, so a budget cap errs on the safe side. */
export const DEFAULT_PRICE: Price = { input: 3, output: 15 };

export function priceOf(model: string, table: PriceTable = DEFAULT_PRICES): { price: Price; source: 'table' | 'default' } {
  const match = Object.keys(table).filter((k) => model.startsWith(k)).sort((a, b) => b.length - a.length)[0];
  return match === undefined ? { price: DEFAULT_PRICE, source: 'default' } : { price: table[match], source: 'table' };
}

/** What calls cost, from their token counts; `model` as the price table keys it (`anthropic/<model>`). */
export function costOf(model: string, tokens: { input: number; output: number }, table: PriceTable = DEFAULT_PRICES): number {
  const { price } = priceOf(model, table);
  return (tokens.input * price.input + tokens.output * price.output) / 1e6;
}

const count = z.number().int().min(0);
const tokenCounts = { lm_calls: count, input_tokens: count, output_tokens: count };
/** LM calls and tokens the runtime measured for one phase (counted at the LM, tokens from DSPy's usage tracker). */
export const lmUsageSchema = z.object({
  ...tokenCounts,
  models: z.record(z.string(), z.object(tokenCounts)),
  /** The phase's adapter calls, answers that failed to parse, and JSONAdapter fallbacks. */
  adapter: z.object({ calls: count, parse_failures: count, fallbacks: count }).optional(),
});
export type LmUsage = z.infer<typeof lmUsageSchema>;

/** A run's measured usage by phase (baseline, compile, final). */
export const phaseUsageSchema = z.record(z.string(), lmUsageSchema);
export type PhaseUsage = z.infer<typeof phaseUsageSchema>;

/** What a run's stored usage cost, or null when it kept none (never a guess from the call count). */
export function measuredCost(usage: unknown, table: PriceTable = DEFAULT_PRICES): number | null {
  const parsed = phaseUsageSchema.safeParse(usage);
  return parsed.success ? usageCost(Object.values(parsed.data), table) : null;
}

/** What measured usage cost: each model's tokens at its price. */
export function usageCost(usage: LmUsage | LmUsage[], table: PriceTable = DEFAULT_PRICES): number {
  return [usage].flat().reduce((sum, u) => sum + Object.entries(u.models).reduce((s, [model, t]) => s + costOf(model, { input: t.input_tokens, output: t.output_tokens }, table), 0), 0);
}

export interface Estimate {
  strategy: Strategy;
  model: string;
  /** The params the run uses: the request's over the optimizer's defaults. */
  params: Record<string, unknown>;
  lmCalls: { expected: number; min: number; max: number; breakdown: Record<string, number> };
  tokens: { input: number; output: number; total: number };
  costUsd: number;
  /** GEPA's reflection calls, priced at the reflection model (included in lmCalls, tokens and costUsd). */
  reflection?: { model: string; lmCalls: number; costUsd: number };
  priceSource: 'table' | 'default';
  /** null when no latency of this model is known. */
  wallTimeMs: number | null;
  timeBasis: { source: 'measured' | 'configured' | 'unknown'; msPerCall: number | null; samples: number };
  notes: string[];
}

/** Prompt overhead of DSPy's ChatAdapter (instructions, field markers) per call, in tokens. */
const PROMPT_OVERHEAD_TOKENS = 150;
/** The ChatAdapter's markers around an answer (`[[ ## field ## ]]`, `[[ ## completed ## ]]`). */
const ANSWER_MARKER_TOKENS = 6;
/** Tokens per character of text, as the usual tokenizers count English (and the simulated model does). */
const TOKENS_PER_CHAR = 1 / 4;

/** Mean tokens of the examples' input and output values: what one prompt and one answer carry. */
export function exampleTokens(examples: readonly { inputs: Record<string, unknown>; outputs: Record<string, unknown> }[]): { input: number; output: number } | undefined {
  if (examples.length === 0) return undefined;
  const tokens = (o: Record<string, unknown>) => Object.values(o).reduce<number>((s, v) => s + Math.ceil((typeof v === 'string' ? v : JSON.stringify(v) ?? '').length * TOKENS_PER_CHAR), 0);
  const mean = (f: (e: (typeof examples)[number]) => number) => examples.reduce((s, e) => s + f(e), 0) / examples.length;
  return { input: mean((e) => tokens(e.inputs)), output: mean((e) => tokens(e.outputs)) };
}
/** Prompt of a proposer call (data summary, program, tips) and tokens of one proposed instruction. */
const PROPOSER_PROMPT_TOKENS = 1000;
const PROPOSAL_TOKENS = 100;

export function estimateOptimization(input: EstimateInput): Estimate {
  const params = resolveOptimizerParams(input.strategy, input.params);
  const inTok = input.avgInputTokens ?? 200;
  const outTok = input.avgOutputTokens ?? 100;
  const model = lmCallModel(input.strategy, params, {
    trainSize: input.trainSize,
    devSize: input.devSize,
    predictors: input.predictors ?? 1,
    bootstrapSuccessRate: input.bootstrapSuccessRate ?? 0.5,
  });
  const { notes } = model;
  const buckets = [...model.buckets, ...adapterRetries(model.buckets, input.parseFailures, notes)];
  const threads = 'num_threads' in params ? params.num_threads : 1;
  const evalThreads = input.evalThreads ?? 1;
  const parallelism = (b: CallBucket) => (b.phase !== 'compile' ? evalThreads : b.parallel ? threads : 1);
  const tokensPer = (b: CallBucket) =>
    b.prompt.kind === 'task'
      ? { in: PROMPT_OVERHEAD_TOKENS + inTok * (1 + b.prompt.demos) + outTok * b.prompt.demos, out: outTok + ANSWER_MARKER_TOKENS }
      : { in: PROPOSER_PROMPT_TOKENS, out: b.prompt.completions * PROPOSAL_TOKENS };
  const breakdown: Record<string, number> = {};
  for (const b of buckets) breakdown[b.name] = (breakdown[b.name] ?? 0) + b.calls;
  for (const k of Object.keys(breakdown)) breakdown[k] = Math.round(breakdown[k]);
  const sum = (f: (b: CallBucket) => number) => buckets.reduce((s, b) => s + f(b), 0);
  const inputTokens = Math.round(sum((b) => b.calls * tokensPer(b).in));
  const outputTokens = Math.round(sum((b) => b.calls * tokensPer(b).out));
  const reflectionModel = input.reflectionModel ?? input.model;
  const reflection = buckets.filter((b) => b.lm === 'reflection');
  // Each LM's calls at its model's price, from rounded token totals.
  const costOfBuckets = (bs: CallBucket[], model: string) => costOf(model, { input: Math.round(bs.reduce((s, b) => s + b.calls * tokensPer(b).in, 0)), output: Math.round(bs.reduce((s, b) => s + b.calls * tokensPer(b).out, 0)) }, input.prices);
  const reflectionCost = costOfBuckets(reflection, reflectionModel);
  const { source } = priceOf(input.model, input.prices);
  if (source === 'default') notes.push(`no price listed for ${input.model}: priced at the default $${DEFAULT_PRICE.input}/$${DEFAULT_PRICE.output} per million input/output tokens`);
  const lat = input.latency;
  if (!lat) notes.push(`time unknown: no measured calls of ${input.model} yet`);
  return {
    strategy: input.strategy,
    model: input.model,
    params: params as unknown as Record<string, unknown>,
    lmCalls: { expected: Math.round(sum((b) => b.calls)), min: Math.round(sum((b) => b.min)), max: Math.round(sum((b) => b.max)), breakdown },
    tokens: { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens },
    costUsd: costOfBuckets(buckets.filter((b) => b.lm !== 'reflection'), input.model) + reflectionCost,
    ...(reflection.length ? { reflection: { model: reflectionModel, lmCalls: Math.round(reflection.reduce((s, b) => s + b.calls, 0)), costUsd: reflectionCost } } : {}),
    priceSource: source,
    wallTimeMs: lat ? Math.round(sum((b) => (b.calls * lat.msPerCall) / parallelism(b))) : null,
    timeBasis: lat ? { source: lat.source, msPerCall: lat.msPerCall, samples: lat.samples } : { source: 'unknown', msPerCall: null, samples: 0 },
    notes,
  };
}

/**
 * The calls ChatAdapter adds by asking again through JSONAdapter: the measured parse-failure share of every
 * task bucket's calls (at most one more call each), with their prompts.
 */
function adapterRetries(buckets: CallBucket[], failures: ParseFailures | undefined, notes: string[]): CallBucket[] {
  if (!failures || failures.rate <= 0) return [];
  const rate = Math.min(1, failures.rate);
  const retries = buckets
    .filter((b) => b.prompt.kind === 'task' && b.lm !== 'reflection')
    .map((b) => ({ ...b, name: 'adapter_retries', calls: b.calls * rate, min: 0, max: b.max }));
  const calls = Math.round(retries.reduce((s, b) => s + b.calls, 0));
  notes.push(`includes ${calls} adapter retries: ${(rate * 100).toFixed(1)}% of this model's answers failed to parse in ${failures.samples} measured calls, and each is asked again through JSONAdapter`);
  return retries;
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
  if (budget.maxWallTimeMs !== undefined) {
    if (e.wallTimeMs === null) v.push(`the time cap ${Math.round(budget.maxWallTimeMs / 1000)} s cannot be checked: no measured calls of ${e.model} yet`);
    else if (e.wallTimeMs > budget.maxWallTimeMs) v.push(`estimated ${Math.round(e.wallTimeMs / 1000)} s exceeds the cap ${Math.round(budget.maxWallTimeMs / 1000)} s`);
  }
  return {
    ok: v.length === 0,
    violations: v,
    message: v.length === 0
      ? `within budget: ${e.lmCalls.expected} LM calls, ${e.tokens.total} tokens, $${e.costUsd.toFixed(4)} (estimated)`
      : `refused ${e.strategy} on ${e.model}: ${v.join('; ')}. Lower the strategy's parameters or the dataset size, or raise the budget.`,
  };
}
