/**
 * Real models' costs, against the simulated LM through the real engine and Python bridge:
 * - optimization wall time at 300 ms per call with num_threads 8 against 1 (target: at most 0.25x);
 * - estimated against made LM calls under a 50% format-violation rate, once the engine has measured that
 *   model's parse-failure rate on an earlier optimization (target: within 25%).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Studio } from '../electron/core/studio';
import type { LmConfig } from '../electron/core/providers/provider-settings';
import { SAMPLE_DATA } from '../test/support/estimate-vs-actual';
import { TOY_SIGNATURE } from '../test/support/toy-data';

const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
const round3 = (x: number) => Math.round(x * 1000) / 1000;

async function withStudio<T>(rows: number, fn: (studio: Studio) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sloppy-bench-'));
  const studio = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {} } });
  try {
    const data = readFileSync(SAMPLE_DATA, 'utf8').trim().split('\n').slice(0, rows).map((l) => JSON.parse(l));
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', data.map((e) => ({ ...e, label: 'accepted' as const })), 'bench');
    return await fn(studio);
  } finally {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function optimize(studio: Studio, lm: LmConfig, strategy: 'copro' | 'bootstrap_few_shot', params: Record<string, unknown>) {
  const req = { signature: 'classify', program, strategy, params, lm };
  const estimate = studio.engine.estimate(req).estimate;
  const done = await studio.engine.wait(studio.engine.submit(req).id);
  if (done.status !== 'succeeded' || !done.result) throw new Error(`${strategy} ${done.status}: ${done.error}`);
  return { estimate, result: done.result };
}

// COPRO: its candidate evaluations and the baseline and final evaluations run num_threads at once.
const threads = await withStudio(40, async (studio) => {
  const params = { breadth: 4, depth: 2 };
  const latency = { provider: 'simulated' as const, model: 'simulated/toy', latency_ms: 300 };
  const one = await optimize(studio, { ...latency, num_threads: 1 }, 'copro', params);
  const eight = await optimize(studio, { ...latency, num_threads: 8 }, 'copro', params);
  return {
    strategy: 'copro',
    params,
    ms_per_call: 300,
    lm_calls: { threads_1: one.result.lmCalls, threads_8: eight.result.lmCalls },
    wall_time_s: { threads_1: one.result.wallTimeS, threads_8: eight.result.wallTimeS },
    ratio: round3(eight.result.wallTimeS / one.result.wallTimeS),
    target: 0.25,
  };
});
process.stderr.write(`num_threads 8 vs 1 at 300 ms per call: ${threads.wall_time_s.threads_8} s vs ${threads.wall_time_s.threads_1} s (${threads.ratio}x)\n`);

// The first optimization measures the model's parse-failure rate; the second one's estimate uses it.
const violations = await withStudio(200, async (studio) => {
  const lm: LmConfig = { provider: 'simulated', model: 'simulated/sloppy', faults: { format_violation_rate: 0.5 } };
  const first = await optimize(studio, lm, 'bootstrap_few_shot', {});
  // BootstrapFewShot: COPRO's and MIPROv2's proposers fail the whole run on an answer neither adapter parses.
  const second = await optimize(studio, lm, 'bootstrap_few_shot', { max_bootstrapped_demos: 2, max_labeled_demos: 2 });
  const stats = second.result.lmStats!;
  return {
    format_violation_rate: 0.5,
    measured_on_first: { lm_calls: first.result.lmCalls, fallbacks: first.result.lmStats!.fallbacks },
    estimate_before_measuring: first.estimate.lmCalls.expected,
    made_by_first: first.result.lmCalls,
    estimated: second.estimate.lmCalls.expected,
    adapter_retries_estimated: second.estimate.lmCalls.breakdown.adapter_retries ?? 0,
    actual: second.result.lmCalls,
    fallbacks_actual: stats.fallbacks,
    ratio: round3(second.estimate.lmCalls.expected / second.result.lmCalls),
    target: '0.75..1.25',
  };
});
process.stderr.write(`50% format violations: estimated ${violations.estimated} calls (${violations.adapter_retries_estimated} adapter retries), made ${violations.actual} (ratio ${violations.ratio}); before any measurement the estimate was ${violations.estimate_before_measuring} for ${violations.made_by_first} made\n`);
process.stdout.write(`${JSON.stringify({ threads, format_violations: violations })}\n`);
