/**
 * Estimated against really made LM calls: each strategy optimizes the sample project's toy data
 * through the real engine, Python bridge and simulated LM; used by the loose test and the bench.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Strategy } from '../../shared/dspy/optimizers';
import { Studio } from '../../electron/core/studio';
import { TOY_SIGNATURE } from './toy-data';

export const SAMPLE_DATA = path.join(import.meta.dirname, '../../templates/sample-project/data/toy_labels.jsonl');

export interface EstimateVsActual {
  strategy: Strategy;
  params: Record<string, unknown>;
  train: number;
  dev: number;
  estimated: number;
  actual: number;
  /** estimated / actual */
  ratio: number;
  /** Tokens the estimate expects and the runtime measured (all phases). */
  tokens: { estimated: { input: number; output: number }; actual: { input: number; output: number }; inputRatio: number; outputRatio: number };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export const CASES: { strategy: Strategy; params: Record<string, unknown> }[] = [
  { strategy: 'bootstrap_few_shot', params: {} },
  { strategy: 'copro', params: {} },
  // MIPROv2 with no params is auto=light (the shared default).
  { strategy: 'mipro', params: {} },
];

/** The first `rows` examples of the sample data, accepted, in a fresh studio; every case run once. */
export async function estimateVsActual(rows = 60): Promise<EstimateVsActual[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'estimate-vs-actual-'));
  const studio = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
  try {
    const data = readFileSync(SAMPLE_DATA, 'utf8').trim().split('\n').slice(0, rows).map((l) => JSON.parse(l));
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', data.map((e) => ({ ...e, label: 'accepted' as const })), 'bench');
    const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
    const lm = { provider: 'simulated' as const, model: 'simulated/toy' };
    // The runtime's measured usage of each optimize request, as the engine received it.
    const pool = await studio.pool();
    const request = pool.request.bind(pool);
    let usage: Record<string, { input_tokens: number; output_tokens: number }> = {};
    pool.request = (async (method: string, params: unknown, opts: unknown) => {
      const res = await request(method, params as never, opts as never);
      if (method === 'optimize') usage = (res as { usage: typeof usage }).usage;
      return res;
    }) as typeof pool.request;
    const out: EstimateVsActual[] = [];
    for (const c of CASES) {
      const req = { signature: 'classify', program, lm, strategy: c.strategy, params: c.params };
      const est = studio.engine.estimate(req);
      const done = await studio.engine.wait(studio.engine.submit(req).id);
      if (done.status !== 'succeeded' || !done.result) throw new Error(`${c.strategy} ${done.status}: ${done.error}`);
      const estimated = est.estimate.lmCalls.expected;
      const actual = done.result.lmCalls;
      const phases = Object.values(usage);
      const actualTokens = { input: phases.reduce((s, u) => s + u.input_tokens, 0), output: phases.reduce((s, u) => s + u.output_tokens, 0) };
      const tokens = { estimated: { input: est.estimate.tokens.input, output: est.estimate.tokens.output }, actual: actualTokens, inputRatio: round3(est.estimate.tokens.input / actualTokens.input), outputRatio: round3(est.estimate.tokens.output / actualTokens.output) };
      out.push({ strategy: c.strategy, params: c.params, train: est.trainSize, dev: est.devSize, estimated, actual, ratio: round3(estimated / actual), tokens });
    }
    return out;
  } finally {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
