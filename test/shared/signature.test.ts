import { describe, expect, it } from 'vitest';
import { effectiveDspyConfig, extractTemplateRefs, renameStepInTemplates, resolveSignature, signatureFromConvention, signatureHash, workflowJsonSchema } from '../../shared/index';

describe('signatures', () => {
  it('reads the <inputs>_to_<outputs> convention', () => {
    expect(signatureFromConvention('security_analysis_to_summary')).toEqual({ input_fields: [{ name: 'security_analysis', type: 'string' }], output_fields: [{ name: 'summary', type: 'string' }] });
    expect(signatureFromConvention('a_and_b_to_c')?.input_fields.map((f) => f.name)).toEqual(['a', 'b']);
    for (const bad of ['summarize', '_to_x', 'a_to_', 'a_to_a']) expect(signatureFromConvention(bad)).toBeUndefined();
  });

  it('prefers a declared signature', () => {
    const declared = { a_to_b: { input_fields: [{ name: 'x', type: 'number' }], output_fields: [{ name: 'y' }] } };
    const r = resolveSignature('a_to_b', declared);
    expect(r.source).toBe('declared');
    expect(r.source !== 'unresolved' && r.spec.output_fields[0]).toEqual({ name: 'y', type: 'string' });
    expect(resolveSignature('c_to_d', declared).source).toBe('convention');
    expect(resolveSignature('nothing', declared).source).toBe('unresolved');
  });

  it('hashes content, independent of key order and defaults', () => {
    const a = { input_fields: [{ name: 'q', type: 'string', description: 'd' }], output_fields: [{ name: 'a', type: 'string' }] };
    const b = { output_fields: [{ type: 'string', name: 'a' }], input_fields: [{ description: 'd', name: 'q' }] };
    expect(signatureHash(a)).toBe(signatureHash(b));
    expect(signatureHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureHash({ ...a, instructions: 'Be brief.' })).not.toBe(signatureHash(a));
  });
});

describe('templates', () => {
  it('extracts references of every root', () => {
    const refs = extractTemplateRefs('{{steps.a.result.x}} {{ state.count }} {{inputs.doc}} {{global_vars.lang}} {{loop.item}} {{previous_response:b}} {{weird}}');
    expect(refs.map((r) => [r.root, r.name, r.rest])).toEqual([
      ['steps', 'a', ['result', 'x']], ['state', 'count', []], ['inputs', 'doc', []], ['global_vars', 'lang', []],
      ['loop', 'item', []], ['previous_response', 'b', []], ['other', 'weird', []],
    ]);
  });

  it('renames only matching step references', () => {
    expect(renameStepInTemplates('{{steps.a.result}} {{steps.ab.result}} {{ steps.a }} {{state.a}}', 'a', 'z')).toBe('{{steps.z.result}} {{steps.ab.result}} {{ steps.z }} {{state.a}}');
  });
});

describe('workflowJsonSchema', () => {
  it('describes every step type with hover docs', () => {
    const s = workflowJsonSchema();
    const text = JSON.stringify(s);
    for (const t of ['dspy_chain', 'claude_batch', 'for_loop', 'session_context']) expect(text).toContain(`"const":"${t}"`);
    expect(text).toContain('Optimizer of this step');
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect((s.properties as Record<string, unknown>).workflow).toBeDefined();
  });
});

describe('effectiveDspyConfig', () => {
  it('layers step over workflow over defaults', () => {
    const c = effectiveDspyConfig({ optimization_enabled: true, max_wait_time: 1000 }, { max_wait_time: 3000, cache_enabled: undefined });
    expect(c).toMatchObject({ optimization_enabled: true, max_wait_time: 3000, cache_enabled: true, fallback_strategy: 'traditional' });
  });

  it('leaves evaluation_mode unset unless a step or the workflow sets it (the plugin\'s default_strategy decides)', () => {
    expect(effectiveDspyConfig({}, {}).evaluation_mode).toBeUndefined();
    expect(effectiveDspyConfig({ evaluation_mode: 'copro' }, {}).evaluation_mode).toBe('copro');
    expect(effectiveDspyConfig({ evaluation_mode: 'copro' }, { evaluation_mode: 'mipro' }).evaluation_mode).toBe('mipro');
  });
});
