import { describe, expect, it } from 'vitest';
import { allStepTypes, findCycles, validateWorkflowText } from '../../shared/index';
import { parseYamlBounded, parseYamlValue, YAML_LIMITS } from '../../shared/yaml/bounds';

const header = 'workflow:\n  name: x\n  steps:\n';

describe('bounded YAML parsing', () => {
  it('refuses a 2 KB file of a thousand nested sequences with the depth limit and its line', () => {
    const text = `${header}    ${'- '.repeat(1000)}1\n`;
    expect(text.length).toBeLessThan(2100);
    const res = validateWorkflowText(text, allStepTypes);
    expect(res.verdict).toBe('yaml_error');
    expect(res.diagnostics).toEqual([expect.objectContaining({ severity: 'error', line: 4, message: expect.stringContaining(`deeper than ${YAML_LIMITS.maxDepth} levels (depth limit)`) })]);
  });

  it('refuses deep flow collections and deep block maps the same way', () => {
    const flow = `${header.slice(0, -1)} ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(validateWorkflowText(flow, allStepTypes).diagnostics[0]).toMatchObject({ line: 3, message: expect.stringContaining('depth limit') });
    const maps = `${header}${Array.from({ length: 150 }, (_, i) => `${' '.repeat(4 + 2 * i)}k:`).join('\n')} 1\n`;
    expect(validateWorkflowText(maps, allStepTypes).diagnostics[0].message).toContain('depth limit');
  });

  it('accepts nesting at the limit', () => {
    const depth = YAML_LIMITS.maxDepth;
    const { refusal, doc } = parseYamlBounded(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(refusal).toBeUndefined();
    expect(doc?.errors).toEqual([]);
    expect(parseYamlBounded(`${'['.repeat(depth + 1)}${']'.repeat(depth + 1)}`).refusal?.message).toContain('depth limit');
  });

  it('refuses too many nodes and too large text, naming the limit', () => {
    const limits = { ...YAML_LIMITS, maxNodes: 50 };
    const text = Array.from({ length: 30 }, (_, i) => `k${i}: v`).join('\n');
    expect(parseYamlBounded(text, {}, limits).refusal).toMatchObject({ message: expect.stringContaining('more than 50 nodes (node limit)'), line: expect.any(Number) });
    expect(parseYamlBounded(text, {}, { ...limits, maxNodes: 1000 }).refusal).toBeUndefined();
    expect(parseYamlBounded('a: b', {}, { ...YAML_LIMITS, maxChars: 3 }).refusal?.message).toContain('size limit');
  });

  it('still reports duplicate keys, in maps at any level, at the duplicate', () => {
    const { doc, lineCounter } = parseYamlBounded('a: 1\nb:\n  c: 1\n  c: 2\n  d: [{e: 1, e: 2}]\na: 3\n');
    expect(doc!.errors.map((e) => [e.code, lineCounter.linePos(e.pos[0]).line])).toEqual([
      ['DUPLICATE_KEY', 4],
      ['DUPLICATE_KEY', 5],
      ['DUPLICATE_KEY', 6],
    ]);
    expect(parseYamlBounded('a: 1\na: 2\n', { uniqueKeys: false }).doc!.errors).toEqual([]);
  });

  it('places each of 25,000 unknown root keys at its own line', () => {
    const n = 25_000;
    const text = `${header}    - name: a\n      type: claude\n      prompt:\n        - type: static\n          content: hi\n${Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n')}\n`;
    const res = validateWorkflowText(text, allStepTypes);
    expect(res.verdict).toBe('valid');
    const unknown = res.diagnostics.filter((d) => d.message.startsWith('root key'));
    expect(unknown).toHaveLength(n);
    expect(unknown[0]).toMatchObject({ line: 9, column: 1, path: 'k0' });
    expect(unknown[n - 1]).toMatchObject({ line: 9 + n - 1, path: `k${n - 1}` });
  });

  it('a chain of 30,000 forward references validates without exhausting the stack', () => {
    const n = 30_000;
    const steps = Array.from({ length: n }, (_, i) => `    - {name: s${i}, type: claude, prompt: [{type: static, content: "{{steps.s${(i + 1) % n}.result}}"}]}`);
    const res = validateWorkflowText(`${header}${steps.join('\n')}\n`, allStepTypes);
    expect(res.diagnostics.filter((d) => d.message.startsWith('internal'))).toEqual([]);
    expect(res.diagnostics.filter((d) => d.message.startsWith('reference cycle'))).toHaveLength(1);
  });

  it('findCycles finds the strongly connected components and self-loops', () => {
    const deps = new Map<number, Set<number>>([[0, new Set([1])], [1, new Set([2])], [2, new Set([0])], [3, new Set([3])], [4, new Set([0])], [5, new Set()]]);
    expect(findCycles(deps)).toEqual([[0, 1, 2], [3]]);
  });

  it('parseYamlValue returns the value or throws naming the problem and its line', () => {
    expect(parseYamlValue('a: [1, 2]\n')).toEqual({ a: [1, 2] });
    expect(() => parseYamlValue(`a:\n  ${'- '.repeat(500)}1`, 'spec')).toThrow(/^spec: .*depth limit.* at line 2$/);
    expect(() => parseYamlValue('a: 1\na: 2\n')).toThrow(/unique.* at line 2/);
  });
});
