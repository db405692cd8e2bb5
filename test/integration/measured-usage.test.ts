import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Studio } from '../../electron/core/studio';
import { usageCost } from '../../electron/core/optimization/estimate';
import { toyDataset, TOY_SIGNATURE } from '../support/toy-data';

describe('measured usage (real bridge, simulated LM)', () => {
  it('compare reports each arm\'s LM calls and tokens as the runtime counted them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'measured-usage-'));
    const studio = await Studio.open({ dataDir: dir, pool: { poolSize: 1, healthCheckInterval: 0 }, providers: { claude: {}, gemini: {}, simulatedLatencyMs: 0 } });
    try {
      studio.data.registerSignature('classify', TOY_SIGNATURE);
      studio.data.addExamples('classify', toyDataset(40, 6).map((e) => ({ inputs: e.inputs, outputs: e.outputs, label: 'accepted' as const })), 'tester');
      const program = { kind: 'step' as const, name: 'classify', module: 'predict' as const, signature: TOY_SIGNATURE as never };
      const lm = { provider: 'simulated' as const, model: 'simulated/toy' };
      const done = await studio.engine.wait(studio.engine.submit({ signature: 'classify', program, lm, strategy: 'bootstrap_few_shot' }).id);
      expect(done.status).toBe('succeeded');
      const report = await studio.compare({ signature: 'classify', a: 'baseline', b: { version: done.result!.programVersion }, lm });
      for (const arm of [report.arms.a, report.arms.b]) {
        expect(arm.usage.lm_calls).toBe(arm.lmCalls);
        expect(arm.usage.lm_calls).toBe(report.n);
        expect(arm.usage.input_tokens).toBeGreaterThan(0);
        // Keyed by the runtime's model name, which is what the price table keys.
        expect(Object.keys(arm.usage.models)).toEqual(['simulated/simulated/toy']);
        expect(usageCost(arm.usage)).toBe(0);
      }
      // The optimized arm carries demos: its prompts are longer than the baseline's.
      expect(report.arms.b.usage.input_tokens).toBeGreaterThan(report.arms.a.usage.input_tokens);
    } finally {
      await studio.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
