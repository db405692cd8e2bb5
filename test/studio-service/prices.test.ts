import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../electron/core/studio-service/service';
import { DEFAULT_PRICES, PRICES_AS_OF } from '../../electron/core/optimization/estimate';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';

let dataDir: string;
let service: StudioService;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'prices-svc-'));
  service = createStudioService({ dataDir, mode: 'test', env: {}, studio: { pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } } });
});
afterAll(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('price table (Settings)', () => {
  it('starts as the shipped list with its date, is replaced, validated, audited and reset', async () => {
    expect(await service.call('prices.get', {})).toEqual({ asOf: PRICES_AS_OF, prices: DEFAULT_PRICES, source: 'default', updatedAt: null });

    const bad = (await service.call('prices.set', { asOf: '2026-12-01', prices: { 'anthropic/': { input: -1, output: 1 } } }).catch((e: unknown) => e)) as { issues?: { path: string; message: string }[] };
    expect(bad.issues).toEqual([expect.objectContaining({ path: 'prices.anthropic/.input', message: expect.stringMatching(/must be at least 0 \(got -1\)/) })]);

    const saved = await service.call('prices.set', { asOf: '2026-12-01', prices: { 'simulated/': { input: 1000, output: 2000 } } });
    expect(saved).toMatchObject({ asOf: '2026-12-01', source: 'edited', prices: { 'simulated/': { input: 1000, output: 2000 } } });
    expect(saved.updatedAt).toBeTypeOf('string');
    expect(await service.call('prices.get', {})).toEqual(saved);

    // Estimates are priced with the saved table: the simulated model now costs something.
    const studio = await service.studio();
    studio.data.registerSignature('classify', TOY_SIGNATURE);
    studio.data.addExamples('classify', toyDataset(20, 2).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const })), 'tester');
    const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
    const est = studio.engine.estimate({ signature: 'classify', program, lm: { provider: 'simulated', model: 'simulated/toy' } }).estimate;
    expect(est.costUsd).toBeCloseTo((est.tokens.input * 1000 + est.tokens.output * 2000) / 1e6, 9);

    const reset = await service.call('prices.reset', {});
    expect(reset.source).toBe('default');
    expect(studio.data.audit.list().filter((e) => e.action.startsWith('prices.')).map((e) => e.action)).toEqual(['prices.update', 'prices.reset']);
  });
});
