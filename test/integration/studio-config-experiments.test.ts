import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signatureHash } from '../../shared/dspy/signature';
import { Studio } from '../../electron/core/studio';
import { TOY_SIGNATURE } from '../support/toy-data';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'studio-cfg-'));
  dirs.push(d);
  return d;
};
const opts = { pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } };
const wf = { name: 'w', dspy_config: { optimization_enabled: true }, steps: [{ name: 'classify', type: 'dspy_claude', dspy_signature: TOY_SIGNATURE }] };
const texts = Array.from({ length: 40 }, (_, i) => `apple otter ${i}`);

describe('run-time configuration', () => {
  it('takes effect at once, is audited, persists across restarts, and refuses invalid values naming the key', async () => {
    const dataDir = tmp();
    const studio = await Studio.open({ dataDir, ...opts });
    try {
      expect((await studio.run(wf, { baseDir: '.', inputs: { text: 'apple' }, mock: true })).records[0].mode).toBe('baseline');
      studio.updateConfig({ deployment: { phase: 'canary', rollout_percentage: 100 } }, 'tester');
      const modes = [];
      for (const text of texts.slice(0, 10)) modes.push((await studio.run(wf, { baseDir: '.', inputs: { text }, mock: true })).records[0].mode);
      expect(modes.filter((m) => m === 'traditional').length).toBeGreaterThanOrEqual(9);
      expect(() => studio.updateConfig({ deployment: { rollout_percentage: 150 } }, 'tester')).toThrow(/rollout_percentage/);
      expect(studio.config.deployment.rollout_percentage).toBe(100);
      studio.updateConfig({ training_data: { collection_enabled: false } }, 'tester');
      expect(studio.data.settings.collection_enabled).toBe(false);
      expect(studio.data.audit.list().filter((e) => e.action === 'config.change').length).toBeGreaterThanOrEqual(2);
    } finally {
      await studio.close();
    }
    const reopened = await Studio.open({ dataDir, ...opts });
    try {
      expect(reopened.config.deployment.phase).toBe('canary');
      expect(reopened.config.training_data.collection_enabled).toBe(false);
    } finally {
      await reopened.close();
    }
  });
});

describe('auto-rollback', () => {
  it('steps back one phase when the DSPy path passes the phase\'s error-rate trigger, and audits it', async () => {
    const studio = await Studio.open({ dataDir: tmp(), ...opts });
    try {
      studio.updateConfig({ deployment: { phase: 'staging' } }, 'tester');
      const record = (ok: boolean, i: number) => {
        const run = studio.data.runs.record({ step: 'classify', inputs: { text: `t${i}` }, mode: 'baseline', ...(ok ? {} : { error: 'boom' }) });
        studio.metrics.record({ runId: run.id, step: 'classify', mode: 'baseline', ok, latencyMs: 5, tokens: 0, cost: 0, timestamp: Date.now() });
      };
      for (let i = 0; i < 19; i++) record(i % 6 !== 0, i);
      // Below staging's 20 executions no decision is taken.
      expect(studio.checkDeployment()).toBeUndefined();
      record(true, 19);
      expect(studio.checkDeployment()).toMatch(/error rate 0\.2000 > 0\.05/);
      expect(studio.config.deployment.phase).toBe('development');
      expect(studio.data.audit.list().some((e) => e.action === 'deployment.rollback' && e.target === 'staging')).toBe(true);
      // The first phase has nowhere to roll back to.
      expect(studio.checkDeployment()).toBeUndefined();
    } finally {
      await studio.close();
    }
  });
});

describe('live A/B experiments', () => {
  it('allocates executions to arms deterministically, records outcomes and analyses them', async () => {
    const studio = await Studio.open({ dataDir: tmp(), ...opts });
    try {
      studio.updateConfig({ deployment: { experiment_enabled: true } }, 'tester');
      const exp = studio.experiments.create({
        id: 'trad-vs-dspy',
        task: 'classify',
        signatureHash: signatureHash(TOY_SIGNATURE),
        arms: [
          { id: 'control', kind: 'traditional', weight: 1 },
          { id: 'dspy', kind: 'baseline_dspy', weight: 1 },
        ],
        targetSampleSize: 10,
      });
      expect(exp.status).toBe('draft');
      studio.experiments.transition(exp.id, 'running');
      const byArm: Record<string, string[]> = {};
      for (const text of texts.slice(0, 24)) {
        const rec = (await studio.run(wf, { baseDir: '.', inputs: { text }, mock: true })).records[0];
        (byArm[rec.mode!] ??= []).push(text);
      }
      expect(Object.keys(byArm).sort()).toEqual(['baseline', 'traditional']);
      const outcomes = studio.experiments.outcomes(exp.id);
      expect(outcomes).toHaveLength(24);
      const analysis = studio.experiments.analyze(exp.id);
      expect(analysis.arms.map((a) => a.n).reduce((a, b) => a + b, 0)).toBe(24);
      expect(analysis.progress).toBeGreaterThan(0);
      // The same unit always lands in the same arm.
      const again = (await studio.run(wf, { baseDir: '.', inputs: { text: byArm.traditional[0] }, mock: true })).records[0];
      expect(again.mode).toBe('traditional');
      expect(() => studio.experiments.transition(exp.id, 'draft')).toThrow(/cannot go from running to draft/);
    } finally {
      await studio.close();
    }
  });
});
