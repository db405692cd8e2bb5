/**
 * The spec's performance requirements, measured with the simulated LM (run by `npm run bench`;
 * the last stdout line is one JSON object): optimization latency, cache hit rate on a Zipf replay,
 * fallback time, host memory with and without the DSPy plugin, plugin startup with a warm pool.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { programForStep } from '../electron/core/dspy-plugin/program-spec';
import { ResultCache, type CacheKeyParts } from '../electron/core/optimization/result-cache';
import { createPluginHost } from '../electron/core/plugin-host';
import { quantile, seededRandom } from '../electron/core/statistics';
import { Studio } from '../electron/core/studio';
import { toyDataset, TOY_SIGNATURE } from '../test/support/toy-data';

const log = (msg: string) => process.stderr.write(`engine bench: ${msg}\n`);
const here = fileURLToPath(import.meta.url);
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'engine-bench-'));
  dirs.push(d);
  return d;
};
const step = { name: 'classify', type: 'dspy_claude', dspy_signature: TOY_SIGNATURE, dspy_config: { optimization_enabled: true } };
const program = programForStep(step, {});
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** A store holding exactly `n` training and `n` dev examples (the store splits 80/10/10 by hash). */
async function seededStudio(latencyMs: number, n: number): Promise<Studio> {
  const studio = await Studio.open({ dataDir: tmp(), pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: latencyMs } });
  const sig = studio.data.registerSignature('classify', program.signature);
  const rows = toyDataset(n * 14, 11).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const }));
  studio.data.addExamples('classify', rows, 'bench');
  const kept: Record<string, number> = { train: 0, dev: 0, test: 0 };
  for (const item of studio.data.itemsFor(sig.hash)) {
    if (kept[item.split]++ >= n) studio.data.deleteExample(item.id, 'bench');
  }
  return studio;
}

/** bootstrap_few_shot on 20 training examples (20 dev), submit to result, at a given LM latency. */
async function optimizationLatency(latencyMs: number) {
  const studio = await seededStudio(latencyMs, 20);
  try {
    await studio.pool();
    const started = performance.now();
    const job = studio.engine.submit({ signature: 'classify', program: program.program, strategy: 'bootstrap_few_shot', params: { max_bootstrapped_demos: 4, max_labeled_demos: 4 }, lm: { provider: 'simulated', model: 'simulated/toy', latency_ms: latencyMs } });
    const done = await studio.engine.wait(job.id);
    const ms = performance.now() - started;
    if (done.status !== 'succeeded') throw new Error(`optimization ${done.status}: ${done.error}`);
    return { ms: round(ms), lm_calls: done.result!.lmCalls, train: done.result!.trainSize, dev: done.result!.devSize, baseline: done.result!.baselineScore, optimized: done.result!.optimizedScore };
  } finally {
    await studio.close();
  }
}

/** Zipf(1.1) over 50 signatures, 10,000 executions over 24 h, the engine's cache (TTL 3600 s, 500 entries). */
function cacheHitRate() {
  const signatures = 50;
  const weights = Array.from({ length: signatures }, (_, i) => 1 / (i + 1) ** 1.1);
  const total = weights.reduce((a, b) => a + b, 0);
  const rnd = seededRandom(42);
  let clock = 0;
  const cache = new ResultCache<string>({ ttlSeconds: 3600, maxEntries: 500, clock: () => clock });
  const n = 10_000;
  for (let i = 0; i < n; i++) {
    clock = Math.floor((i / n) * 24 * 3600 * 1000);
    let r = rnd() * total;
    let s = 0;
    while (r > weights[s] && s < signatures - 1) r -= weights[s++];
    const parts: CacheKeyParts = { signatureHash: `sig${s}`, program: 'step:predict', datasetVersion: 'v1', strategy: 'bootstrap_few_shot', params: {}, model: 'm' };
    if (cache.get(parts) === undefined) cache.set(parts, `program-${s}`);
  }
  return cache.stats();
}

/** Deadline -> traditional call start, for steps whose real-time optimization outlasts max_wait_time. */
async function fallbackTimes(runs: number) {
  const studio = await seededStudio(400, 20);
  try {
    await studio.pool();
    const wf = { name: 'fallback', dspy_config: { optimization_enabled: true, real_time_optimization: true }, steps: [{ ...step, dspy_config: { max_wait_time: 100 } }] };
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const res = await studio.run(wf, { baseDir: '.', inputs: { text: `apple otter ${i}` }, mock: true });
      const m = /switched in ([\d.]+) ms/.exec(res.records[0].reason ?? '');
      if (res.records[0].mode !== 'fallback' || !m) throw new Error(`expected a fallback, got ${res.records[0].mode}: ${res.records[0].reason}`);
      times.push(Number(m[1]));
    }
    for (const j of studio.engine.jobs.list()) studio.engine.cancel(j.id);
    return { runs, p50_ms: round(quantile(times, 0.5), 2), p99_ms: round(quantile(times, 0.99), 2), max_ms: round(Math.max(...times), 2) };
  } finally {
    await studio.close();
  }
}

/** Child process: RSS of a host without the DSPy plugin, or with it doing 50 DSPy executions. */
async function memoryChild(mode: 'without' | 'with') {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (mode === 'without') {
    await createPluginHost({ plugins: {} });
  } else {
    const studio = await Studio.open({ dataDir: tmp(), pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
    const wf = { name: 'mem', steps: [step] };
    for (let i = 0; i < 50; i++) await studio.run(wf, { baseDir: '.', inputs: { text: `plum teal ${i}` }, mock: true });
    const pool = await studio.pool();
    const workers = pool.status().workers.map((w) => w.rssBytes ?? 0);
    gc?.();
    process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, workers })}\n`);
    await studio.close();
    return;
  }
  gc?.();
  process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, workers: [] })}\n`);
}

function measureMemory() {
  const run = (mode: string) =>
    JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', here, '--memory-child', mode], { encoding: 'utf8' }).trim().split('\n').pop()!) as { rss: number; workers: number[] };
  const without = run('without');
  const withPlugin = run('with');
  const mb = (b: number) => round(b / 1048576);
  return { without_mb: mb(without.rss), with_mb: mb(withPlugin.rss), overhead_mb: mb(withPlugin.rss - without.rss), python_workers_rss_mb: withPlugin.workers.map(mb) };
}

/** Studio.open (plugins, store) to a ready pool of 3, with the runtime's files already in the page cache. */
async function startup() {
  const warm = await Studio.open({ dataDir: tmp(), pool: { poolSize: 3 } });
  await warm.pool();
  await warm.close();
  const started = performance.now();
  const studio = await Studio.open({ dataDir: tmp(), pool: { poolSize: 3 } });
  await studio.pool();
  const ms = performance.now() - started;
  await studio.close();
  return round(ms);
}

async function main() {
  if (process.argv[2] === '--memory-child') return memoryChild(process.argv[3] as 'without' | 'with');
  try {
    log('optimization latency at 0 ms and 50 ms per LM call');
    const opt0 = await optimizationLatency(0);
    const opt50 = await optimizationLatency(50);
    log('cache hit rate (Zipf 1.1 replay)');
    const cache = cacheHitRate();
    log('fallback time');
    const fallback = await fallbackTimes(20);
    log('memory');
    const memory = measureMemory();
    log('startup');
    const startupMs = await startup();
    const figures = {
      optimization_latency: { at_0ms_per_call: opt0, at_50ms_per_call: opt50, target_ms: 5000, met: opt0.ms < 5000 && opt50.ms < 5000 },
      cache_hit_rate: { executions: 10_000, signatures: 50, ttl_s: 3600, hit_rate: round(cache.hitRate, 4), hits: cache.hits, misses: cache.misses, expirations: cache.expirations, target: 0.8, met: cache.hitRate > 0.8 },
      fallback_time: { ...fallback, target_ms: 100, met: fallback.p99_ms < 100 },
      memory: { ...memory, target_mb: 100, met: memory.overhead_mb < 100 },
      startup_with_warm_pool: { pool_size: 3, ms: startupMs, target_ms: 10_000, met: startupMs < 10_000 },
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
