import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Studio } from '../../electron/core/studio';
import { OPTIMIZER_POOL } from '../../electron/core/training-data/manager';
import { formatSample } from '../../shared/format/sample';
import { TOY_SIGNATURE } from '../support/toy-data';

const dirs: string[] = [];
const studios: Studio[] = [];
afterAll(async () => {
  for (const s of studios) await s.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function withExamples(n: number): Promise<Studio> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'estimate-sample-'));
  dirs.push(dir);
  const studio = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 } });
  studios.push(studio);
  studio.data.registerSignature('classify', TOY_SIGNATURE);
  const labels = ['fruit', 'animal', 'color', 'tool'];
  studio.data.addExamples('classify', Array.from({ length: n }, (_, i) => ({ inputs: { text: `item number ${i}` }, outputs: { label: labels[i % 4] }, label: 'accepted' as const, labeled_by: 't' })), 't');
  return studio;
}

const req = { signature: 'classify', program: { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never }, strategy: 'bootstrap_few_shot' as const, lm: { provider: 'simulated' as const, model: 'simulated/toy' } };

describe('the optimize estimate names the sample the optimizer receives', () => {
  it('a dataset larger than OPTIMIZER_POOL: the estimate carries the sample size and the rows it was drawn from', async () => {
    const studio = await withExamples(OPTIMIZER_POOL + 1_500);
    const r = studio.engine.estimate(req);
    expect(r.sample?.of).toBe(OPTIMIZER_POOL + 1_500);
    expect(Math.abs(r.sample!.size - OPTIMIZER_POOL)).toBeLessThanOrEqual(4);
    expect(r.trainSize + r.devSize).toBeLessThanOrEqual(r.sample!.size);
    expect(formatSample(r.sample!)).toMatch(/^\d,\d{3} of 6,500 examples, stratified sample$/);
  });

  it('a dataset within the bound: no sample', async () => {
    const studio = await withExamples(40);
    expect(studio.engine.estimate(req).sample).toBeNull();
  });

  it('the label reads as the dataset sizes do', () => {
    expect(formatSample({ size: 5_000, of: 1_000_000 })).toBe('5,000 of 1,000,000 examples, stratified sample');
  });
});
