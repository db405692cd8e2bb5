import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_REASON } from '../../electron/core/optimization/job-store';
import { OptimizationRefused } from '../../electron/core/optimization/optimization-engine';
import { Studio } from '../../electron/core/studio';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'engine-faults-'));
  dirs.push(d);
  return d;
};
const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
const lm = { provider: 'simulated' as const, model: 'simulated/toy' };
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function seeded(): Promise<Studio> {
  const studio = await Studio.open({ dataDir: tmp(), pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
  studio.data.registerSignature('classify', TOY_SIGNATURE);
  studio.data.addExamples('classify', toyDataset(80, 3).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const })), 'tester');
  return studio;
}

describe('optimization engine faults and limits', () => {
  it('stops a run whose LM calls pass the budget cap, although its estimate was within it', async () => {
    const studio = await seeded();
    try {
      // Bootstrapping 16 demos over 3 rounds fails often on the simulated LM: far more calls than estimated.
      const req = { signature: 'classify', program, lm, params: { max_bootstrapped_demos: 16, max_labeled_demos: 0, max_rounds: 3 } };
      const cap = studio.engine.estimate(req).estimate.lmCalls.expected + 5;
      const job = studio.engine.submit({ ...req, budget: { maxLmCalls: cap } });
      const done = await studio.engine.wait(job.id);
      expect(done.status).toBe('cancelled');
      expect(done.error).toMatch(new RegExp(`passed the budget cap of ${cap}`));
    } finally {
      await studio.close();
    }
  });

  it('allows only the strategies the config lists, and nothing when optimization is disabled', async () => {
    const studio = await seeded();
    try {
      studio.updateConfig({ optimization: { strategies: ['copro'], default_strategy: 'copro' } }, 'tester');
      expect(() => studio.engine.submit({ signature: 'classify', program, lm, strategy: 'bootstrap_few_shot' })).toThrow(OptimizationRefused);
      expect(() => studio.engine.submit({ signature: 'classify', program, lm, strategy: 'bootstrap_few_shot' })).toThrow(/optimization.strategies lists copro/);
      studio.updateConfig({ optimization: { enabled: false } }, 'tester');
      expect(() => studio.engine.submit({ signature: 'classify', program, lm })).toThrow(/optimization is disabled/);
    } finally {
      await studio.close();
    }
  });

  it('marks a job failed with the reason when its host is killed -9 mid-run, and its workers do not outlive it', async () => {
    const dataDir = tmp();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../fixtures/engine/optimize-then-hang.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started = await new Promise<{ jobId: string; workers: number[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the child never reported a running optimization')), 60_000);
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        const line = buf.split('\n')[0];
        if (buf.includes('\n')) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Workers read frames from the host's pipe: when the host dies, they see EOF and exit.
    const deadline = Date.now() + 10_000;
    while (started.workers.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(started.workers.filter(alive)).toEqual([]);

    const studio = await Studio.open({ dataDir, pool: { poolSize: 1, healthCheckInterval: 0 } });
    try {
      const job = studio.engine.get(started.jobId)!;
      expect(job.status).toBe('failed');
      expect(job.error).toBe(INTERRUPTED_REASON);
      expect(studio.engine.jobs.list({ status: 'running' })).toEqual([]);
    } finally {
      await studio.close();
    }
  });
});
