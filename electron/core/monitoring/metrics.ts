import type { LmStats } from '../../../shared/run/trace';
import { quantileSorted } from '../statistics/distributions';

export const EXECUTION_MODES = ['optimized', 'baseline', 'fallback', 'traditional'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export interface ExecutionRecord {
  workflow?: string;
  step: string;
  signatureHash?: string;
  mode: ExecutionMode;
  ok: boolean;
  latencyMs: number;
  tokens: number;
  cost: number;
  /** Whether the optimized-program cache was hit; undefined when no lookup happened. */
  cacheHit?: boolean;
  /** Time from the deadline (or error) to the traditional call's start, for fallbacks. */
  fallbackMs?: number;
  /** Quality score in [0, 1] when a metric ran. */
  quality?: number;
  /** What the DSPy step's LM calls went through (absent for traditional calls). */
  lmStats?: LmStats;
  timestamp: number;
}

export interface OptimizationRecord {
  signatureHash: string;
  strategy: string;
  durationMs: number;
  ok: boolean;
  timestamp: number;
}

export interface Percentiles { p50: number; p95: number; p99: number }

/**
 * LM call stats summed over executions: parseFailureRate = parse failures / adapter calls
 * (NaN when no adapter call was counted); retries by cause.
 */
export interface LmCallSummary {
  adapterCalls: number;
  parseFailures: number;
  fallbacks: number;
  parseFailureRate: number;
  retries: Record<string, number>;
}

export interface StepSummary extends LmCallSummary {
  workflow?: string;
  step: string;
  executions: number;
  errorRate: number;
}

export interface MetricsSummary {
  from: number;
  to: number;
  executions: number;
  byMode: Record<ExecutionMode, number>;
  successRate: number;
  errorRate: number;
  latencyMs: Percentiles;
  cache: { lookups: number; hits: number; hitRate: number };
  fallback: { count: number; totalMs: number; p50Ms: number; p99Ms: number };
  tokens: number;
  cost: number;
  /** Mean quality over the records that carry one (NaN when none). */
  quality: number;
  optimizations: { count: number; failed: number; totalMs: number; durationMs: Percentiles };
  bySignature: Record<string, { executions: number; errorRate: number; quality: number }>;
  /** Over every execution that reported LM call stats. */
  lm: LmCallSummary;
  /** Per workflow step, in order of first execution. */
  bySteps: StepSummary[];
}

function percentiles(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  return { p50: quantileSorted(s, 0.5), p95: quantileSorted(s, 0.95), p99: quantileSorted(s, 0.99) };
}

/** Sums the LM call stats of the records that carry them. */
export function summarizeLmStats(stats: readonly LmStats[]): LmCallSummary {
  const retries: Record<string, number> = {};
  let adapterCalls = 0, parseFailures = 0, fallbacks = 0;
  for (const s of stats) {
    adapterCalls += s.adapterCalls;
    parseFailures += s.parseFailures;
    fallbacks += s.fallbacks;
    for (const [cause, n] of Object.entries(s.retries)) retries[cause] = (retries[cause] ?? 0) + n;
  }
  return { adapterCalls, parseFailures, fallbacks, parseFailureRate: adapterCalls ? parseFailures / adapterCalls : NaN, retries };
}

const statsOf = (xs: readonly ExecutionRecord[]) => summarizeLmStats(xs.flatMap((r) => (r.lmStats ? [r.lmStats] : [])));

function bySteps(rs: readonly ExecutionRecord[]): StepSummary[] {
  const groups = new Map<string, ExecutionRecord[]>();
  for (const r of rs) {
    const key = JSON.stringify([r.workflow ?? null, r.step]);
    const xs = groups.get(key);
    if (xs) xs.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((xs) => ({
    ...(xs[0].workflow !== undefined && { workflow: xs[0].workflow }),
    step: xs[0].step,
    executions: xs.length,
    errorRate: xs.filter((r) => !r.ok).length / xs.length,
    ...statsOf(xs),
  }));
}

const meanOf = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Summarises the records with from <= timestamp <= to. Rates over no executions are NaN. */
export function summarize(records: readonly ExecutionRecord[], optimizations: readonly OptimizationRecord[], from: number, to: number): MetricsSummary {
  const rs = records.filter((r) => r.timestamp >= from && r.timestamp <= to);
  const os = optimizations.filter((o) => o.timestamp >= from && o.timestamp <= to);
  const byMode = Object.fromEntries(EXECUTION_MODES.map((m) => [m, 0])) as Record<ExecutionMode, number>;
  for (const r of rs) byMode[r.mode]++;
  const ok = rs.filter((r) => r.ok).length;
  const lookups = rs.filter((r) => r.cacheHit !== undefined);
  const hits = lookups.filter((r) => r.cacheHit).length;
  const fallbacks = rs.filter((r) => r.mode === 'fallback');
  const fallbackTimes = fallbacks.flatMap((r) => (r.fallbackMs === undefined ? [] : [r.fallbackMs]));
  const fb = percentiles(fallbackTimes);
  const bySig = new Map<string, ExecutionRecord[]>();
  for (const r of rs) {
    if (!r.signatureHash) continue;
    const xs = bySig.get(r.signatureHash);
    if (xs) xs.push(r);
    else bySig.set(r.signatureHash, [r]);
  }
  const qualityOf = (xs: ExecutionRecord[]) => meanOf(xs.flatMap((r) => (r.quality === undefined ? [] : [r.quality])));
  return {
    from, to,
    executions: rs.length,
    byMode,
    successRate: rs.length ? ok / rs.length : NaN,
    errorRate: rs.length ? 1 - ok / rs.length : NaN,
    latencyMs: percentiles(rs.map((r) => r.latencyMs)),
    cache: { lookups: lookups.length, hits, hitRate: lookups.length ? hits / lookups.length : NaN },
    fallback: { count: fallbacks.length, totalMs: fallbackTimes.reduce((a, b) => a + b, 0), p50Ms: fb.p50, p99Ms: fb.p99 },
    tokens: rs.reduce((a, r) => a + r.tokens, 0),
    cost: rs.reduce((a, r) => a + r.cost, 0),
    quality: qualityOf(rs),
    optimizations: { count: os.length, failed: os.filter((o) => !o.ok).length, totalMs: os.reduce((a, o) => a + o.durationMs, 0), durationMs: percentiles(os.map((o) => o.durationMs)) },
    bySignature: Object.fromEntries([...bySig].map(([sig, xs]) => [sig, { executions: xs.length, errorRate: xs.filter((r) => !r.ok).length / xs.length, quality: qualityOf(xs) }])),
    lm: statsOf(rs),
    bySteps: bySteps(rs),
  };
}

