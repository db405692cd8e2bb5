import { describe, expect, it } from 'vitest';
import { bootstrapCalls, checkBudget, DEFAULT_PRICE, estimateOptimization, exampleTokens, measuredCost, priceOf, usageCost } from '../../electron/core/optimization/estimate';

describe('bootstrapCalls (BootstrapFewShot._bootstrap)', () => {
  it('stops after max_bootstrapped_demos successes', () => {
    // success 1: exactly 4 attempts; success 0.5, 1 round: 8 examples expected
    expect(bootstrapCalls(20, 4, 1, 1, 1)).toEqual({ min: 4, max: 20, expected: 4 });
    expect(bootstrapCalls(20, 4, 1, 0.5, 1).expected).toBeCloseTo(8, 10);
    // 3 rounds: q = 1 - 0.5^3 = 0.875, attempts per example 1.75, examples 4 / 0.875
    expect(bootstrapCalls(20, 4, 3, 0.5, 1).expected).toBeCloseTo((4 / 0.875) * 1.75, 10);
    expect(bootstrapCalls(20, 4, 3, 0, 1).expected).toBe(60);
    expect(bootstrapCalls(3, 4, 1, 1, 2)).toEqual({ min: 6, max: 6, expected: 6 });
    expect(bootstrapCalls(20, 0, 1, 0.5, 1)).toEqual({ min: 0, max: 0, expected: 0 });
  });
});

describe('estimateOptimization', () => {
  it('bootstrap_few_shot with the shared defaults (4 bootstrapped, 4 labeled demos)', () => {
    const e = estimateOptimization({ strategy: 'bootstrap_few_shot', trainSize: 20, devSize: 10, model: 'simulated/toy', bootstrapSuccessRate: 1 });
    expect(e.params).toEqual({ max_bootstrapped_demos: 4, max_labeled_demos: 4, max_rounds: 1, max_errors: null });
    expect(e.lmCalls.breakdown).toEqual({ bootstrap: 4, baseline_evaluation: 10, optimized_evaluation: 10 });
    expect(e.lmCalls.expected).toBe(24);
    expect(e.lmCalls.max).toBe(40);
    expect(e.costUsd).toBe(0);
    // teacher prompt: 150 + 200 * (1 + 4) + 100 * 4; baseline without demos; optimized with 8
    expect(e.tokens.input).toBe(4 * (150 + 200 * 5 + 400) + 10 * (150 + 200) + 10 * (150 + 200 * 9 + 800));
  });

  it('without a dev set the runtime evaluates on the trainset', () => {
    const e = estimateOptimization({ strategy: 'bootstrap_few_shot', trainSize: 20, devSize: 0, model: 'simulated/toy', bootstrapSuccessRate: 1 });
    expect(e.lmCalls.breakdown.baseline_evaluation).toBe(20);
  });

  it('copro: depth x breadth candidates, each scored on the trainset', () => {
    const e = estimateOptimization({ strategy: 'copro', params: { breadth: 10, depth: 3 }, trainSize: 20, devSize: 5, model: 'simulated/toy' });
    expect(e.lmCalls.breakdown).toEqual({ instruction_proposals: 3, candidate_evaluation: 600, baseline_evaluation: 5, optimized_evaluation: 5 });
    // two predictors: candidates accumulate, (1 + 2) * breadth per predictor, each evaluation runs both predictors
    const two = estimateOptimization({ strategy: 'copro', params: { breadth: 2, depth: 2 }, trainSize: 5, devSize: 5, model: 'simulated/toy', predictors: 2 });
    expect(two.lmCalls.breakdown.candidate_evaluation).toBe((2 * 1 * 2 + 2 * 2 * 2) * 5 * 2);
    expect(() => estimateOptimization({ strategy: 'copro', params: { breadth: 1 }, trainSize: 5, devSize: 0, model: 'x' })).toThrow(/params\.breadth: must be between 2 and 50 \(got 1\)/);
  });

  it('mipro with no params is auto=light and splits the trainset (80% valset, minibatches above 50)', () => {
    const e = estimateOptimization({ strategy: 'mipro', trainSize: 100, devSize: 10, model: 'simulated/toy' });
    expect(e.lmCalls.breakdown).toEqual({
      bootstrap_demo_sets: 4 * 8, // n - 2 BootstrapFewShot runs on the 20 training examples
      instruction_proposals: 10 + 3 + 2,
      trial_evaluation: 35 * 10 + 80 * 3 + 80,
      baseline_evaluation: 10,
      optimized_evaluation: 10,
    });
    expect(e.notes[0]).toMatch(/6 candidates, 3 instructions, 10 trials, valset 80, minibatches of 35/);
  });

  it('mipro: small valsets are evaluated in full; heavy runs more trials; valset devset uses the dev set', () => {
    const light = estimateOptimization({ strategy: 'mipro', params: { auto: 'light', valset: 'devset' }, trainSize: 40, devSize: 30, model: 'simulated/toy' });
    expect(light.lmCalls.breakdown.trial_evaluation).toBe(30 * 10 + 30);
    const heavy = estimateOptimization({ strategy: 'mipro', params: { auto: 'heavy', valset: 'devset' }, trainSize: 40, devSize: 30, model: 'simulated/toy' });
    // heavy: n = 18, trials = max(4 * log2 18, 27) = 27
    expect(heavy.lmCalls.breakdown.trial_evaluation).toBe(30 * 27 + 30);
  });

  it('mipro without a preset needs num_candidates and num_trials; with one it refuses them', () => {
    expect(() => estimateOptimization({ strategy: 'mipro', params: { auto: null, num_candidates: 5 }, trainSize: 40, devSize: 40, model: 'x' })).toThrow(/params\.num_trials: is required when auto is null/);
    expect(() => estimateOptimization({ strategy: 'mipro', params: { num_trials: 5 }, trainSize: 40, devSize: 40, model: 'x' })).toThrow(/params\.num_trials: must be null with the preset auto=light/);
    const e = estimateOptimization({ strategy: 'mipro', params: { auto: null, num_candidates: 5, num_trials: 7, minibatch: false, valset: 'devset' }, trainSize: 40, devSize: 40, model: 'x' });
    expect(e.lmCalls.breakdown.trial_evaluation).toBe(40 * 7 + 40);
    // A valset no larger than a minibatch is scored in full.
    const small = estimateOptimization({ strategy: 'mipro', params: { auto: null, num_candidates: 5, num_trials: 7, valset: 'devset' }, trainSize: 40, devSize: 20, model: 'x' });
    expect(small.lmCalls.breakdown.trial_evaluation).toBe(20 * 7 + 20);
    expect(() => estimateOptimization({ strategy: 'mipro', params: { auto: 'huge' }, trainSize: 40, devSize: 20, model: 'x' })).toThrow(/params\.auto: must be one of light, medium, heavy or null/);
    expect(() => estimateOptimization({ strategy: 'mipro', trainSize: 1, devSize: 0, model: 'x' })).toThrow(/trainset: MIPROv2 needs at least 2/);
  });

  it('rejects bad and unknown params naming the field', () => {
    expect(() => estimateOptimization({ strategy: 'bootstrap_few_shot', params: { max_rounds: -1 }, trainSize: 5, devSize: 0, model: 'x' })).toThrow(/params\.max_rounds: must be between 1 and 10 \(got -1\)/);
    expect(() => estimateOptimization({ strategy: 'bootstrap_few_shot', params: { breadth: 3 }, trainSize: 5, devSize: 0, model: 'x' })).toThrow(/params\.breadth: unknown parameter of bootstrap_few_shot/);
  });

  it('prices by the longest model prefix, with a default for unknown models', () => {
    expect(priceOf('anthropic/claude-sonnet-4-20250514')).toEqual({ price: { input: 3, output: 15 }, source: 'table' });
    expect(priceOf('gemini/gemini-2.5-flash-lite').price.input).toBe(0.3);
    expect(priceOf('ollama/llama3')).toEqual({ price: DEFAULT_PRICE, source: 'default' });
    const e = estimateOptimization({ strategy: 'bootstrap_few_shot', trainSize: 20, devSize: 5, model: 'ollama/llama3', bootstrapSuccessRate: 1, latency: { msPerCall: 100, source: 'measured', samples: 30 } });
    expect(e.costUsd).toBeCloseTo((e.tokens.input * 3 + e.tokens.output * 15) / 1e6, 12);
    expect(e.notes.join()).toMatch(/no price listed for ollama\/llama3/);
    expect(e.wallTimeMs).toBe(1400);
    expect(e.timeBasis).toEqual({ source: 'measured', msPerCall: 100, samples: 30 });
  });

  it('time is unknown without a measured or configured latency, and a time cap then refuses', () => {
    const e = estimateOptimization({ strategy: 'bootstrap_few_shot', trainSize: 20, devSize: 5, model: 'anthropic/claude-sonnet-4' });
    expect(e.wallTimeMs).toBeNull();
    expect(e.timeBasis.source).toBe('unknown');
    expect(e.notes.join()).toMatch(/time unknown/);
    expect(checkBudget(e, { maxWallTimeMs: 60_000 }).message).toMatch(/cannot be checked/);
  });

  it('evaluation calls share the threads', () => {
    const lat = { msPerCall: 10, source: 'configured' as const, samples: 0 };
    const one = estimateOptimization({ strategy: 'copro', params: { breadth: 2, depth: 1 }, trainSize: 10, devSize: 0, model: 'x', latency: lat });
    const four = estimateOptimization({ strategy: 'copro', params: { breadth: 2, depth: 1, num_threads: 4 }, trainSize: 10, devSize: 0, model: 'x', latency: lat });
    expect(one.wallTimeMs).toBe(10 * (1 + 20 + 20));
    expect(four.wallTimeMs).toBe(10 * (1 + 20) + (10 * 20) / 4);
  });
});

describe('checkBudget', () => {
  const e = estimateOptimization({ strategy: 'copro', trainSize: 50, devSize: 20, model: 'anthropic/claude-opus-4' });
  it('refuses a run over any cap with a clear message', () => {
    const r = checkBudget(e, { maxCostUsd: 0.5, maxLmCalls: 100 });
    expect(r.ok).toBe(false);
    expect(r.violations).toHaveLength(2);
    expect(r.message).toMatch(/^refused copro on anthropic\/claude-opus-4: estimated cost \$\d+\.\d{4} exceeds the cap \$0\.5; estimated 1\d{3} LM calls exceed the cap 100/);
  });
  it('passes within budget', () => {
    const r = checkBudget(e, { maxCostUsd: 1e6, maxTokens: 1e12 });
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^within budget/);
  });
});

describe('cost of measured usage', () => {
  const phase = (models: Record<string, { lm_calls: number; input_tokens: number; output_tokens: number }>) => ({
    lm_calls: Object.values(models).reduce((s, m) => s + m.lm_calls, 0),
    input_tokens: Object.values(models).reduce((s, m) => s + m.input_tokens, 0),
    output_tokens: Object.values(models).reduce((s, m) => s + m.output_tokens, 0),
    models,
  });
  it('prices each model\'s tokens, not a per-call guess', () => {
    const u = phase({ 'anthropic/claude-sonnet-4-5': { lm_calls: 3, input_tokens: 1_000_000, output_tokens: 100_000 }, 'gemini/gemini-2.5-flash': { lm_calls: 1, input_tokens: 1_000_000, output_tokens: 0 } });
    expect(usageCost(u)).toBeCloseTo(3 + 1.5 + 0.3, 10);
    expect(usageCost([u, u])).toBeCloseTo(2 * 4.8, 10);
    expect(usageCost(phase({ 'simulated/toy': { lm_calls: 9, input_tokens: 5000, output_tokens: 100 } }))).toBe(0);
  });
  it('a run without stored usage has no cost (unknown), one with usage sums its phases', () => {
    expect(measuredCost(undefined)).toBeNull();
    expect(measuredCost({ baseline: { lm_calls: 1 } })).toBeNull();
    const p = phase({ 'anthropic/claude-opus-4': { lm_calls: 2, input_tokens: 1000, output_tokens: 1000 } });
    expect(measuredCost({ baseline: p, compile: p, final: p })).toBeCloseTo(3 * (1000 * 15 + 1000 * 75) / 1e6, 12);
  });
});

describe('exampleTokens', () => {
  it('measures the mean tokens of input and output values (4 characters a token)', () => {
    expect(exampleTokens([])).toBeUndefined();
    const sizes = exampleTokens([
      { inputs: { text: 'abcdefgh' }, outputs: { label: 'abcd' } },
      { inputs: { text: 'abcdefghijkl' }, outputs: { label: { n: 1 } } },
    ]);
    // 2 and 3 tokens of text; 'abcd' 1 token, {"n":1} 7 characters = 2 tokens
    expect(sizes).toEqual({ input: 2.5, output: 1.5 });
    const e = estimateOptimization({ strategy: 'bootstrap_few_shot', trainSize: 4, devSize: 2, model: 'simulated/toy', bootstrapSuccessRate: 1, avgInputTokens: 10, avgOutputTokens: 5 });
    // each answer: 5 tokens of values + the adapter's 6 marker tokens
    expect(e.tokens.output).toBe(e.lmCalls.expected * 11);
  });
});
