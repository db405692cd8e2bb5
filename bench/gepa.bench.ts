/**
 * GEPA through the studio (the runtime's optimize over the bridge: feedback metric, search tree,
 * progress) against the same dspy.GEPA call in plain DSPy (bench/plain_dspy_optimize.py gepa), on the
 * simulated LM at 10 ms per call, 16 train / 16 dev toy examples, 150 metric calls. Runs alternate
 * between the two sides; the ratio is of the medians. The last stdout line is one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PythonPool, locateRuntime } from '../electron/core/python-bridge';
import { resolveOptimizerParams } from '../shared/dspy/optimizers';
import { TOY_PROGRAM } from '../test/support/toy-data';
import { startPlain } from './plain-runner';

const RUNS = 7;
const N_TRAIN = 16;
const N_DEV = 16;
const LATENCY_MS = 10;
/** The plain script's GEPA_METRIC_CALLS. */
const METRIC_CALLS = 150;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const log = (msg: string) => process.stderr.write(`gepa bench: ${msg}\n`);

async function main(): Promise<void> {
  const runtime = locateRuntime();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ps-bench-gepa-'));
  const pool = await PythonPool.start({ runtime, poolSize: 1, dataDir, healthCheckInterval: 0 });
  try {
    const data = JSON.parse(
      execFileSync(runtime.python, ['-I', '-c', `import json; from studio_runtime.datasets import toy_dataset; print(json.dumps(toy_dataset(${N_TRAIN + N_DEV}, seed=1)))`], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: dataDir, DSPY_CACHEDIR: path.join(dataDir, 'dspy-cache') },
      }),
    ) as unknown[];
    const lm = { provider: 'simulated', model: 'simulated/toy', latency_ms: LATENCY_MS };
    const request = {
      strategy: 'gepa',
      program: TOY_PROGRAM,
      trainset: data.slice(0, N_TRAIN),
      devset: data.slice(N_TRAIN),
      lm,
      reflection_lm: lm,
      metric: 'exact_match',
      params: resolveOptimizerParams('gepa', { auto: null, max_metric_calls: METRIC_CALLS }),
    };
    type Result = { baseline_score: number; optimized_score: number; lm_calls: number; wall_time_s: number; gepa: { candidates: unknown[] } };
    const studioRun = async () => {
      const t0 = performance.now();
      const r = await pool.request<Result>('optimize', request, { timeout: 300_000 });
      return { s: (performance.now() - t0) / 1000, r };
    };
    const plain = await startPlain({ python: runtime.python, dataDir, nTrain: N_TRAIN, nDev: N_DEV, latencyMs: LATENCY_MS, strategy: 'gepa' });
    await studioRun(); // warm the worker, as the plain script warms up before ready
    const studioTimes: number[] = [];
    const inside: number[] = [];
    const plainTimes: number[] = [];
    let last: Result | undefined;
    let plainScores = { baseline_score: Number.NaN, optimized_score: Number.NaN };
    try {
      for (let i = 0; i < RUNS; i++) {
        for (const side of i % 2 === 0 ? ['studio', 'plain'] : ['plain', 'studio']) {
          if (side === 'studio') {
            const { s, r } = await studioRun();
            studioTimes.push(s);
            inside.push(r.wall_time_s);
            last = r;
          } else {
            const r = await plain.run();
            plainTimes.push(r.run_s);
            plainScores = { baseline_score: r.baseline_score, optimized_score: r.optimized_score };
          }
        }
      }
    } finally {
      plain.close();
    }
    const ratio = median(studioTimes) / median(plainTimes);
    log(`studio ${median(studioTimes).toFixed(3)} s, plain ${median(plainTimes).toFixed(3)} s, ratio ${ratio.toFixed(3)}`);
    process.stdout.write(
      `${JSON.stringify({
        strategy: 'gepa',
        trainset: N_TRAIN,
        devset: N_DEV,
        max_metric_calls: METRIC_CALLS,
        simulated_latency_ms: LATENCY_MS,
        runs: RUNS,
        interleaved: true,
        studio_s_median: round(median(studioTimes)),
        plain_python_s_median: round(median(plainTimes)),
        ratio: round(ratio),
        // The runtime's own time for the method: the rest of the studio's time is the bridge.
        runtime_method_s_median: round(median(inside)),
        studio_scores: last && { baseline_score: last.baseline_score, optimized_score: last.optimized_score, lm_calls: last.lm_calls, candidates: last.gepa.candidates.length },
        plain_scores: plainScores,
        target: { ratio_le: 1.1, met: ratio <= 1.1 },
      })}\n`,
    );
  } finally {
    await pool.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`gepa bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
