import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationSystem } from '../../electron/core/plugins/configuration-system';
import { NoProviderError, ProviderRegistry } from '../../electron/core/plugins/provider-registry';
import { StepRegistry, UnknownStepTypeError } from '../../electron/core/plugins/step-registry';
import { pipelineExStepTypes } from '../../shared/workflow/catalog';

describe('StepRegistry', () => {
  it('lists the known types in the error for an unknown type', () => {
    const reg = new StepRegistry();
    for (const def of pipelineExStepTypes) reg.register(def, 'pipeline_ex');
    expect(() => reg.get('claud')).toThrow(UnknownStepTypeError);
    try {
      reg.get('claud');
    } catch (err) {
      expect((err as Error).message).toContain('claude_batch');
      expect((err as UnknownStepTypeError).known).toHaveLength(15);
    }
  });

  it('refuses a second registration of a type and removes an owner entirely', () => {
    const reg = new StepRegistry();
    reg.register(pipelineExStepTypes[0], 'a');
    expect(() => reg.register(pipelineExStepTypes[0], 'b')).toThrow(/already registered by a/);
    reg.register(pipelineExStepTypes[1], 'b');
    reg.unregisterOwner('a');
    expect(reg.knownTypes()).toEqual([pipelineExStepTypes[1].type]);
  });
});

describe('ProviderRegistry', () => {
  it('selects by capabilities, in priority order, skipping unavailable providers', () => {
    const reg = new ProviderRegistry();
    let fastUp = true;
    reg.register({ name: 'slow', capabilities: ['x', 'y'], owner: 't', priority: 20 });
    reg.register({ name: 'fast', capabilities: ['x', 'y'], owner: 't', priority: 10, isAvailable: () => fastUp });
    reg.register({ name: 'other', capabilities: ['x'], owner: 't', priority: 1 });
    expect(reg.fallbackOrder(['x', 'y']).map((p) => p.name)).toEqual(['fast', 'slow']);
    expect(reg.select(['x', 'y']).name).toBe('fast');
    fastUp = false;
    expect(reg.select(['x', 'y']).name).toBe('slow');
    expect(() => reg.select(['z'])).toThrow(NoProviderError);
  });
});

describe('ConfigurationSystem', () => {
  it('composes the extensions of an owner and reports errors with paths and positions', () => {
    const cs = new ConfigurationSystem();
    cs.registerExtension('a', z.object({ pool: z.object({ size: z.number().int().min(1).max(4).default(2) }).prefault({}) }), 'p');
    cs.registerExtension('b', z.object({ flag: z.boolean().default(true) }), 'p');
    expect(cs.validate('p', {}).value).toEqual({ pool: { size: 2 }, flag: true });
    const bad = cs.validate('p', { pool: { size: 0 }, extra: 1 }, (path) => ({ line: path.length, column: 3 }));
    expect(bad.ok).toBe(false);
    expect(bad.issues.find((i) => i.severity === 'error')).toMatchObject({ path: 'pool.size', line: 2, column: 3 });
    expect(bad.issues.find((i) => i.severity === 'warning')?.message).toMatch(/Unknown key "extra"/);
  });
});
