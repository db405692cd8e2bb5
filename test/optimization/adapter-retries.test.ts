import { describe, expect, it } from 'vitest';
import { estimateOptimization } from '../../electron/core/optimization/estimate';
import { withProviderThreads } from '../../electron/core/optimization/optimization-engine';
import { lmRequestTimeoutMs, predictorsOf } from '../../electron/core/providers/provider-settings';
import { lmStatsOf } from '../../electron/core/python-bridge/call-stats';

const base = { strategy: 'bootstrap_few_shot' as const, trainSize: 40, devSize: 20, model: 'local/tiny' };

describe('estimates and a sloppy model', () => {
  it('adds one more call per expected parse failure of every task call, at that call prompt', () => {
    const plain = estimateOptimization(base);
    const sloppy = estimateOptimization({ ...base, parseFailures: { rate: 0.5, samples: 200 } });
    expect(sloppy.lmCalls.breakdown.adapter_retries).toBe(Math.round(plain.lmCalls.expected * 0.5));
    expect(sloppy.lmCalls.expected).toBe(Math.round(plain.lmCalls.expected * 1.5));
    expect(sloppy.lmCalls.min).toBe(plain.lmCalls.min);
    expect(sloppy.lmCalls.max).toBe(plain.lmCalls.max * 2);
    expect(sloppy.tokens.input).toBeGreaterThan(plain.tokens.input);
    expect(sloppy.notes.join(' ')).toMatch(/50\.0% of this model's answers failed to parse in 200 measured calls/);
    expect(estimateOptimization({ ...base, parseFailures: { rate: 0, samples: 50 } }).lmCalls.breakdown.adapter_retries).toBeUndefined();
  });

  it('runs the baseline and final evaluations at the provider threads', () => {
    const latency = { msPerCall: 100, source: 'configured' as const, samples: 0 };
    const one = estimateOptimization({ ...base, latency });
    const eight = estimateOptimization({ ...base, latency, evalThreads: 8 });
    const evalMs = (one.lmCalls.breakdown.baseline_evaluation + one.lmCalls.breakdown.optimized_evaluation) * 100;
    expect(one.wallTimeMs! - eight.wallTimeMs!).toBe(Math.round(evalMs - evalMs / 8));
  });

  it("an optimizer's num_threads defaults to the provider's, never over the optimizer's range, and a given one is kept", () => {
    expect(withProviderThreads('copro', {}, { provider: 'openai_compatible', model: 'm', num_threads: 8 })).toEqual({ num_threads: 8 });
    expect(withProviderThreads('copro', { num_threads: 2 }, { provider: 'openai_compatible', model: 'm', num_threads: 8 })).toEqual({ num_threads: 2 });
    expect(withProviderThreads('mipro', {}, { provider: 'anthropic', model: 'm', num_threads: 64 })).toEqual({ num_threads: 32 });
    expect(withProviderThreads('bootstrap_few_shot', { max_rounds: 2 }, { provider: 'anthropic', model: 'm', num_threads: 8 })).toEqual({ max_rounds: 2 });
    expect(withProviderThreads('copro', undefined, { provider: 'simulated', model: 'simulated/toy' })).toEqual({});
  });
});

describe('how long the host waits for a runtime request', () => {
  it("covers every attempt's timeout and the waits between them, never below the configured floor", () => {
    const lm = { provider: 'openai_compatible' as const, model: 'm', timeout_s: 300, num_retries: 2 };
    // 2 calls x (3 attempts x 300 s + 2 waits x 120 s) + 10 s
    expect(lmRequestTimeoutMs(lm, 2, 30_000)).toBe(2 * (900 + 240) * 1000 + 10_000);
    expect(lmRequestTimeoutMs({ provider: 'simulated', model: 'simulated/toy' }, 2, 30_000)).toBe(30_000);
    expect(lmRequestTimeoutMs({ ...lm, timeout_s: 1, num_retries: 0 }, 1, 30_000)).toBe(30_000);
    expect(predictorsOf({ kind: 'chain', steps: [{}, {}, {}] })).toBe(3);
    expect(predictorsOf({ kind: 'step' })).toBe(1);
  });

  it("reads the runtime's call stats, and nothing from a result without them", () => {
    expect(lmStatsOf({ adapter: { calls: 3, parse_failures: 2, fallbacks: 1 }, retries: { timeout: 1 } })).toEqual({ adapterCalls: 3, parseFailures: 2, fallbacks: 1, retries: { timeout: 1 } });
    expect(lmStatsOf({ outputs: {} })).toBeUndefined();
  });
});
