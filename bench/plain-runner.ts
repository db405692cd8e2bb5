/**
 * bench/plain_dspy_optimize.py in its `serve` mode: one warm-up run before `ready`, then one run per
 * stdin line, so a bench can interleave plain and bridge runs (the machine's load weighs on both alike).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export type PlainRun = { run_s: number; baseline_score: number; optimized_score: number };

export async function startPlain(opts: { python: string; dataDir: string; nTrain: number; nDev: number; latencyMs: number; strategy?: string }): Promise<{ run: () => Promise<PlainRun>; close: () => void }> {
  const args = [path.join(here, 'plain_dspy_optimize.py'), 'serve', String(opts.nTrain), String(opts.nDev), String(opts.latencyMs), ...(opts.strategy ? [opts.strategy] : [])];
  const child = spawn(opts.python, ['-I', ...args], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { PATH: process.env.PATH ?? '', HOME: opts.dataDir, LANG: process.env.LANG ?? 'C.UTF-8', DSPY_CACHEDIR: path.join(opts.dataDir, 'dspy-cache') },
  });
  const waiting: { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return; // DSPy's own prints share the plain script's stdout
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    waiting.shift()?.resolve(msg);
  });
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`plain_dspy_optimize.py exited with ${code}`));
  });
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => waiting.push({ resolve, reject }));
  await next(); // ready
  return {
    run: async () => {
      const p = next();
      child.stdin.write('\n');
      return (await p) as unknown as PlainRun;
    },
    close: () => child.stdin.end(),
  };
}
