import { describe, expect, it } from 'vitest';
import {
  AlertManager, buildHealthReport, decideReoptimization, summarize,
  type ExecutionRecord, type MetricsSummary,
} from '../../electron/core/monitoring';
import { MetricsStore } from '../../electron/core/monitoring/metrics-store';
import { migrate, migrations, openDatabase } from '../../electron/core/storage';

const rec = (i: number, patch: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  step: 's', signatureHash: 'sig', mode: 'optimized', ok: true, latencyMs: i, tokens: 10, cost: 0.01, timestamp: 1000 + i, ...patch,
});

describe('summarize', () => {
  const records: ExecutionRecord[] = [
    ...Array.from({ length: 100 }, (_, i) => rec(i + 1, { cacheHit: i % 4 !== 0, quality: 0.5 })),
    rec(200, { mode: 'fallback', ok: true, fallbackMs: 20, cacheHit: false }),
    rec(201, { mode: 'fallback', ok: false, fallbackMs: 40, signatureHash: 'other' }),
    rec(202, { mode: 'traditional' }),
    rec(203, { mode: 'baseline', ok: false, quality: 1 }),
  ];
  const s = summarize(records, [
    { signatureHash: 'sig', strategy: 'copro', durationMs: 300, ok: true, timestamp: 1001 },
    { signatureHash: 'sig', strategy: 'mipro', durationMs: 100, ok: false, timestamp: 1002 },
    { signatureHash: 'sig', strategy: 'mipro', durationMs: 999, ok: true, timestamp: 10 },
  ], 1000, 2000);
  it('counts executions by mode and the success rate', () => {
    expect(s.executions).toBe(104);
    expect(s.byMode).toEqual({ optimized: 100, baseline: 1, fallback: 2, traditional: 1 });
    expect(s.successRate).toBeCloseTo(102 / 104, 12);
    expect(s.errorRate).toBeCloseTo(2 / 104, 12);
  });
  it('latency percentiles (type 7 interpolation)', () => {
    const lat = records.map((r) => r.latencyMs).sort((a, b) => a - b);
    // hand: p50 of 104 values sits between the 52nd and 53rd (52 and 53)
    expect(s.latencyMs.p50).toBeCloseTo(52.5, 12);
    expect(s.latencyMs.p99).toBeGreaterThan(lat[101]);
    expect(s.latencyMs.p99).toBeLessThanOrEqual(lat[103]);
  });
  it('cache hit rate over lookups only, fallback count and time, tokens, cost, quality', () => {
    expect(s.cache).toEqual({ lookups: 101, hits: 75, hitRate: 75 / 101 });
    expect(s.fallback).toMatchObject({ count: 2, totalMs: 60, p50Ms: 30 });
    expect(s.tokens).toBe(1040);
    expect(s.cost).toBeCloseTo(1.04, 10);
    expect(s.quality).toBeCloseTo(51 / 101, 12);
    expect(s.bySignature.other).toEqual({ executions: 1, errorRate: 1, quality: NaN });
  });
  it('optimization durations inside the window', () => {
    expect(s.optimizations).toMatchObject({ count: 2, failed: 1, totalMs: 400 });
    expect(s.optimizations.durationMs.p50).toBe(200);
  });
  it('an empty window has NaN rates', () => {
    const e = summarize(records, [], 0, 10);
    expect(e.executions).toBe(0);
    expect(e.successRate).toBeNaN();
    expect(e.cache.hitRate).toBeNaN();
  });
});

const summaryWith = (executions: number, errorRate: number, p95: number): MetricsSummary => {
  const s = summarize([], [], 0, 0);
  return { ...s, executions, errorRate, successRate: 1 - errorRate, latencyMs: { p50: p95 / 2, p95, p99: p95 } };
};

describe('LM call stats per step', () => {
  const stats = (adapterCalls: number, parseFailures: number, fallbacks: number, retries: Record<string, number> = {}) => ({ adapterCalls, parseFailures, fallbacks, retries });
  const s = summarize([
    rec(1, { workflow: 'w', step: 'a', lmStats: stats(1, 0, 0, { timeout: 1 }) }),
    rec(2, { workflow: 'w', step: 'a', lmStats: stats(2, 1, 1, { timeout: 1, rate_limit: 2 }) }),
    rec(3, { workflow: 'w', step: 'b', ok: false, lmStats: stats(2, 2, 1) }),
    rec(4, { workflow: 'other', step: 'a', mode: 'traditional' }),
  ], [], 0, 2000);
  it('sums adapter calls, parse failures, fallbacks and retries by cause per workflow step, in order of first execution', () => {
    expect(s.bySteps).toEqual([
      { workflow: 'w', step: 'a', executions: 2, errorRate: 0, adapterCalls: 3, parseFailures: 1, fallbacks: 1, parseFailureRate: 1 / 3, retries: { timeout: 2, rate_limit: 2 } },
      { workflow: 'w', step: 'b', executions: 1, errorRate: 1, adapterCalls: 2, parseFailures: 2, fallbacks: 1, parseFailureRate: 1, retries: {} },
      { workflow: 'other', step: 'a', executions: 1, errorRate: 0, adapterCalls: 0, parseFailures: 0, fallbacks: 0, parseFailureRate: NaN, retries: {} },
    ]);
  });
  it('and over the whole window', () => {
    expect(s.lm).toEqual({ adapterCalls: 5, parseFailures: 3, fallbacks: 2, parseFailureRate: 3 / 5, retries: { timeout: 2, rate_limit: 2 } });
  });
  it('are stored with the execution and its model, read back, and kept apart by model and structured-output mode', () => {
    const db = openDatabase(':memory:');
    const store = new MetricsStore(db);
    const at = Date.now() - 1000;
    for (const [i, model, mode, lmStats] of [[1, 'm', 'chat', stats(2, 1, 1)], [2, 'm', 'json', stats(1, 0, 0)], [3, 'n', 'chat', stats(3, 0, 0)], [4, 'm', 'chat', undefined]] as const) {
      db.prepare(`INSERT INTO runs (id, inputs_json, mode, created_at) VALUES (?, '{}', 'baseline', 'now')`).run(`r${i}`);
      store.record({ ...rec(i, { workflow: 'w', step: 'a', timestamp: at + i, ...(lmStats && { lmStats }) }), runId: `r${i}`, model, structuredOutput: mode });
    }
    expect(store.lmStatsOf('m', 'chat', 10)).toEqual([stats(2, 1, 1)]);
    expect(store.executions().map((e) => [e.model, e.structuredOutput, e.lmStats])).toEqual([['m', 'chat', stats(2, 1, 1)], ['m', 'json', stats(1, 0, 0)], ['n', 'chat', stats(3, 0, 0)], ['m', 'chat', undefined]]);
    expect(store.summary().bySteps[0]).toMatchObject({ executions: 4, adapterCalls: 6, parseFailures: 1, fallbacks: 1 });
  });
  it('an execution recorded before the migration reads back without stats', () => {
    const db = openDatabase(':memory:', { migrate: false });
    migrate(db, migrations, 14);
    db.prepare(`INSERT INTO runs (id, inputs_json, mode, created_at) VALUES ('old', '{}', 'baseline', 'now')`).run();
    db.prepare(`INSERT INTO execution_metrics (run_id, step, mode, ok, latency_ms, cache_hit, at) VALUES ('old', 'a', 'baseline', 1, 5, -1, ?)`).run(Date.now() - 1000);
    migrate(db);
    const [e] = new MetricsStore(db).executions();
    expect(e).toMatchObject({ runId: 'old', step: 'a' });
    expect(e.lmStats).toBeUndefined();
    expect(new MetricsStore(db).summary().lm).toEqual({ adapterCalls: 0, parseFailures: 0, fallbacks: 0, parseFailureRate: NaN, retries: {} });
  });
});

describe('AlertManager', () => {
  it('raises, dedups, escalates, de-escalates and resolves', () => {
    const a = new AlertManager();
    expect(a.evaluate(summaryWith(100, 0.015, 100), 1).map((c) => [c.type, c.alert.metric, c.alert.severity])).toEqual([['raised', 'error_rate', 'warning']]);
    expect(a.evaluate(summaryWith(100, 0.016, 100), 2)).toEqual([]);
    expect(a.active()).toHaveLength(1);
    const esc = a.evaluate(summaryWith(100, 0.03, 100), 3);
    expect(esc.map((c) => [c.type, c.alert.severity, c.alert.threshold])).toEqual([['escalated', 'critical', 0.02]]);
    expect(esc[0].alert.raisedAt).toBe(1);
    expect(a.evaluate(summaryWith(100, 0.012, 100), 4).map((c) => c.type)).toEqual(['deescalated']);
    const res = a.evaluate(summaryWith(100, 0.01, 100), 5);
    expect(res.map((c) => [c.type, c.alert.resolvedAt])).toEqual([['resolved', 5]]);
    expect(a.active()).toEqual([]);
    expect(a.history()).toHaveLength(1);
  });
  it('response time: p95 > 5000 warning, > 10000 critical', () => {
    const a = new AlertManager();
    expect(a.evaluate(summaryWith(100, 0, 5000), 1)).toEqual([]);
    expect(a.evaluate(summaryWith(100, 0, 5001), 2)[0].alert).toMatchObject({ metric: 'response_time', severity: 'warning' });
    expect(a.evaluate(summaryWith(100, 0, 10001), 3)[0].alert).toMatchObject({ severity: 'critical', message: 'p95 response time 10001 ms > critical threshold 10000' });
  });
  it('waits for enough executions; thresholds configurable', () => {
    expect(new AlertManager().evaluate(summaryWith(5, 1, 0), 1)).toEqual([]);
    const a = new AlertManager({ minExecutions: 1, thresholds: { error_rate: { warning: 0.5, critical: 0.9 } } });
    expect(a.evaluate(summaryWith(5, 0.4, 0), 1)).toEqual([]);
    expect(a.evaluate(summaryWith(5, 0.6, 0), 1)[0].alert.severity).toBe('warning');
  });
});

describe('decideReoptimization', () => {
  it('needs at least 5 executions', () => {
    expect(decideReoptimization({ executions: 4, errorRate: 1, baselineErrorRate: 0 }).reoptimize).toBe(false);
    expect(decideReoptimization({ executions: 5, errorRate: 1, baselineErrorRate: 0 }).reoptimize).toBe(true);
  });
  it('error rate past 1.5x the baseline', () => {
    expect(decideReoptimization({ executions: 10, errorRate: 0.15, baselineErrorRate: 0.1 }).reoptimize).toBe(false);
    const d = decideReoptimization({ executions: 10, errorRate: 0.16, baselineErrorRate: 0.1 });
    expect(d.reoptimize).toBe(true);
    expect(d.reasons[0]).toMatch(/error rate 0\.160 > 1\.5 x baseline 0\.100/);
  });
  it('quality under 0.8x the baseline', () => {
    expect(decideReoptimization({ executions: 10, errorRate: 0, baselineErrorRate: 0, quality: 0.641, baselineQuality: 0.8 }).reoptimize).toBe(false);
    const d = decideReoptimization({ executions: 10, errorRate: 0, baselineErrorRate: 0, quality: 0.63, baselineQuality: 0.8 });
    expect(d.reasons).toEqual(['quality 0.630 < 0.8 x baseline 0.800']);
  });
});

describe('buildHealthReport', () => {
  const base = {
    now: 5, summary: summaryWith(10, 0, 100),
    deployment: { phase: 'canary' as const, rolloutPercentage: 1 },
    featureFlags: { optimization_enabled: true, training_data_collection: true, real_time_optimization: false },
  };
  it('healthy with a full pool and no alerts', () => {
    const r = buildHealthReport({ ...base, pythonBridge: { started: true, ready: true, workers: 3, poolSize: 3, restarts: 0 }, alerts: [] });
    expect(r.status).toBe('healthy');
    expect(r.components.map((c) => c.name)).toEqual(['python_bridge', 'alerts']);
    expect(r.deployment.rolloutPercentage).toBe(1);
  });
  it('a pool not started yet is healthy and says when it starts', () => {
    const r = buildHealthReport({ ...base, pythonBridge: { started: false, ready: false, workers: 0, poolSize: 3, restarts: 0 }, alerts: [] });
    expect(r.status).toBe('healthy');
    expect(r.components[0].detail).toMatch(/^not started: it starts on the first DSPy step/);
  });
  it('python down is degraded; a critical alert is unhealthy', () => {
    expect(buildHealthReport({ ...base, pythonBridge: { started: true, ready: false, workers: 0, poolSize: 3, restarts: 2 }, alerts: [] }).status).toBe('degraded');
    const critical = { metric: 'error_rate' as const, severity: 'critical' as const, value: 0.5, threshold: 0.02, message: 'x', raisedAt: 1, updatedAt: 1 };
    const r = buildHealthReport({ ...base, pythonBridge: { started: true, ready: true, workers: 3, poolSize: 3, restarts: 0 }, alerts: [critical] });
    expect(r.status).toBe('unhealthy');
    expect(r.components[1].detail).toBe('critical: x');
  });
});
