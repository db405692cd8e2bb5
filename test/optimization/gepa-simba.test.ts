import { describe, expect, it } from 'vitest';
import { estimateOptimization } from '../../electron/core/optimization/estimate';
import { OptimizationRefused, reflectionLm } from '../../electron/core/optimization/optimization-engine';
import { gepaAutoBudget, OPTIMIZER_STRATEGIES, resolveOptimizerParams } from '../../shared/dspy/optimizers';
import { bestOn, parseGepaTree, quotedNotes, treeRows, winsAndLosses, type GepaCandidate } from '../../shared/dspy/gepa-tree';
import { optimizationSchema } from '../../shared/plugin-config/schema';

describe('GEPA and SIMBA definitions', () => {
  it('are strategies the plugin configuration allows', () => {
    expect(OPTIMIZER_STRATEGIES).toEqual(['bootstrap_few_shot', 'copro', 'mipro', 'gepa', 'simba']);
    expect(optimizationSchema.parse({ strategies: ['gepa'], default_strategy: 'gepa' }).strategies).toEqual(['gepa']);
    expect(optimizationSchema.safeParse({ strategies: ['simba'] }).success).toBe(false); // default_strategy not listed
  });

  it('resolve defaults, and GEPA takes exactly one budget', () => {
    expect(resolveOptimizerParams('gepa', {})).toMatchObject({ auto: 'light', max_metric_calls: null, reflection_minibatch_size: 3, reflection_model: null });
    expect(resolveOptimizerParams('gepa', { auto: null, max_metric_calls: 150 }).max_metric_calls).toBe(150);
    expect(() => resolveOptimizerParams('gepa', { max_metric_calls: 150 })).toThrow(/params\.max_metric_calls: must be null with the preset auto=light/);
    expect(() => resolveOptimizerParams('gepa', { auto: null })).toThrow(/params\.max_metric_calls: is required when auto is null/);
    expect(() => resolveOptimizerParams('gepa', { reflection_model: 'claude' })).toThrow(/params\.reflection_model: must look like provider\/model/);
    expect(resolveOptimizerParams('simba', {})).toEqual({ bsize: 32, num_candidates: 6, max_steps: 8, max_demos: 4, num_threads: 1, temperature_for_sampling: 0.2, temperature_for_candidates: 0.2, seed: 0 });
    expect(() => resolveOptimizerParams('simba', { bsize: 0 })).toThrow(/params\.bsize: must be between 1 and 1000/);
  });
});

describe('GEPA estimate', () => {
  it('spends max_metric_calls on task calls and prices reflections at the reflection model', () => {
    const e = estimateOptimization({ strategy: 'gepa', params: { auto: null, max_metric_calls: 200 }, trainSize: 25, devSize: 25, model: 'anthropic/claude-3-5-haiku', reflectionModel: 'anthropic/claude-opus-4' });
    // (200 - 25) / (2 x 3 + 0.3 x 25) reflections
    expect(e.lmCalls.breakdown).toEqual({ candidate_evaluation: 200, reflection: 13, baseline_evaluation: 25, optimized_evaluation: 25 });
    expect(e.reflection?.model).toBe('anthropic/claude-opus-4');
    expect(e.reflection?.lmCalls).toBe(13);
    // a reflection call: 1000 prompt and 100 answer tokens at $15/$75 per million
    const r = 175 / 13.5;
    expect(e.reflection?.costUsd).toBeCloseTo((Math.round(r * 1000) * 15 + Math.round(r * 100) * 75) / 1e6, 10);
    const same = estimateOptimization({ strategy: 'gepa', params: { auto: null, max_metric_calls: 200 }, trainSize: 25, devSize: 25, model: 'anthropic/claude-3-5-haiku' });
    expect(e.costUsd - same.costUsd).toBeCloseTo(e.reflection!.costUsd - same.reflection!.costUsd, 10);
    expect(e.costUsd).toBeGreaterThan(same.costUsd);
  });

  it('a preset budget follows dspy.GEPA.auto_budget', () => {
    // light: n = 6, trials = max(2 x 2 x log2 6, 9) = 10; 25 + 30 + 350 + (11 // 5 + 1) x 25
    expect(gepaAutoBudget(1, 6, 25)).toBe(25 + 30 + 350 + 3 * 25);
    // values DSPy 3.4.1's auto_budget returns for (predictors, candidates, valset)
    expect([gepaAutoBudget(2, 12, 10), gepaAutoBudget(1, 18, 300)]).toEqual([1110, 3135]);
    const e = estimateOptimization({ strategy: 'gepa', trainSize: 25, devSize: 25, model: 'simulated/toy' });
    expect(e.lmCalls.breakdown.candidate_evaluation).toBe(480);
    expect(e.notes.join(' ')).toMatch(/budget 480 metric calls \(preset light\)/);
  });
});

describe('SIMBA estimate', () => {
  it('counts trajectories, rules, candidate and final evaluations; refuses a batch larger than the trainset', () => {
    const e = estimateOptimization({ strategy: 'simba', params: { bsize: 8, num_candidates: 4, max_steps: 3 }, trainSize: 25, devSize: 25, model: 'simulated/toy' });
    expect(e.lmCalls.breakdown).toEqual({ trajectories: 96, rule_proposals: 8, candidate_evaluation: 120, final_selection: 100, baseline_evaluation: 25, optimized_evaluation: 25 });
    expect(() => estimateOptimization({ strategy: 'simba', trainSize: 10, devSize: 5, model: 'simulated/toy' })).toThrow(/params\.bsize: SIMBA needs at least bsize=32 training examples \(found 10\)/);
  });
});

describe('reflection LM', () => {
  const lm = { provider: 'anthropic' as const, model: 'claude-3-5-haiku', api_key: 'k' };
  it("is the step's LM, or another model of its provider with the same key", () => {
    expect(reflectionLm(lm, null)).toBe(lm);
    expect(reflectionLm(lm, 'anthropic/claude-opus-4-1')).toEqual({ ...lm, model: 'claude-opus-4-1' });
    expect(reflectionLm({ provider: 'simulated', model: 'simulated/toy' }, 'simulated/big')).toEqual({ provider: 'simulated', model: 'simulated/big' });
    expect(() => reflectionLm(lm, 'gemini/gemini-2.5-pro')).toThrow(OptimizationRefused);
  });
});

describe('GEPA tree', () => {
  it('parses what the runtime sends and finds the quoted notes', () => {
    const cand = { id: 1, parents: [0], iteration: 1, instructions: { self: 'x' }, score: 0.5, scores: [1, 0], components: ['self'], merge: false,
      feedback: [{ component: 'self', feedback: "label: expected 'fruit', got 'tool'. Labeler's note: pear is a fruit", inputs: '', outputs: '' }, { component: 'self', feedback: 'Correct', inputs: '', outputs: '' }] };
    const tree = parseGepaTree({ candidates: [cand], pareto_front: [1], best: 1, rejected_proposals: 2 });
    expect(tree?.candidates[0].parents).toEqual([0]);
    expect(quotedNotes(tree!.candidates[0])).toEqual(['pear is a fruit']);
    expect(parseGepaTree({ candidates: 'no' })).toBeUndefined();
    expect(parseGepaTree(undefined)).toBeUndefined();
  });
});

describe('GEPA tree views', () => {
  const c = (id: number, parents: number[], scores: number[]): GepaCandidate => ({ id, parents, iteration: id, instructions: { self: `i${id}` }, score: scores.reduce((a, b) => a + b, 0) / scores.length, scores, components: ['self'], feedback: [], merge: parents.length > 1 });
  const tree = { candidates: [c(0, [], [0, 0, 1]), c(1, [0], [1, 0, 0]), c(2, [1], [1, 1, 0]), c(3, [0], [0, 0, 1]), c(4, [2, 3], [1, 1, 1])], pareto_front: [4], best: 4, rejected_proposals: 0 };
  it('orders candidates depth-first under their first parent', () => {
    expect(treeRows(tree).map((r) => [r.candidate.id, r.depth])).toEqual([[0, 0], [1, 1], [2, 2], [4, 3], [3, 1]]);
  });
  it('finds the examples a candidate wins and loses against another, and where each is best', () => {
    expect(winsAndLosses(tree.candidates[2], tree.candidates[1])).toEqual({ wins: [1], losses: [] });
    expect(winsAndLosses(tree.candidates[1], tree.candidates[0])).toEqual({ wins: [0], losses: [2] });
    expect(winsAndLosses(tree.candidates[1], undefined)).toEqual({ wins: [], losses: [] });
    expect(bestOn(tree)).toEqual(new Map([[0, [2]], [1, [0]], [2, [0, 1]], [3, [2]], [4, [0, 1, 2]]]));
  });
});
