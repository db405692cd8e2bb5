import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  addStep, allStepTypes, deleteStep, EditError, moveStep, renameStep, setPromptPart, setSignature, setStepField,
  validateWorkflowText,
} from '../../shared/index';
import { changedLines, commentLines, HAVE_PIPELINE_EX, readExample, readOwn } from './helpers';

const steps = (t: string) => (parse(t).workflow.steps as { name: string }[]);
const names = (t: string) => steps(t).map((s) => s.name);

if (!HAVE_PIPELINE_EX) console.log('editor tests on pipeline_ex examples skipped: ../shared/fixtures/pipeline_ex is absent');
const EXAMPLES = HAVE_PIPELINE_EX
  ? ['comprehensive_config_example.yaml', 'claude_extract_example.yaml', 'performance_demo.yaml', 'simple_comprehensive_example.yaml', 'data_transform_example.yaml', 'claude_robust_example.yaml']
  : [];
const FILES: [string, string][] = [
  ...EXAMPLES.map((f): [string, string] => [f, readExample(f)]),
  ['dspy_code_analysis.yaml', readOwn('dspy_code_analysis.yaml')],
  ['dspy_declared_signatures.yaml', readOwn('dspy_declared_signatures.yaml')],
];

describe.each(FILES)('edits on %s', (_file, text) => {
  const n = steps(text).length;

  it('no-op edits return the text byte for byte', () => {
    expect(renameStep(text, names(text)[0], names(text)[0])).toBe(text);
    expect(moveStep(text, 0, 0)).toBe(text);
  });

  it('setStepField changes one line for a scalar key and adds one line for a new key', () => {
    const name = names(text)[n - 1];
    const added = setStepField(text, name, 'output_to_file', 'out/result.json');
    const d1 = changedLines(text, added);
    expect(d1.added).toHaveLength(1);
    expect(d1.removed.length).toBeLessThanOrEqual(1);
    expect(steps(added)[n - 1]).toMatchObject({ output_to_file: 'out/result.json' });
    const again = setStepField(added, name, 'output_to_file', 'other.json');
    expect(changedLines(added, again)).toEqual({ removed: [expect.stringContaining('out/result.json')], added: [expect.stringContaining('other.json')] });
    expect(setStepField(again, name, 'output_to_file', undefined)).toBe(text);
    expect(commentLines(again)).toEqual(commentLines(text));
  });

  it('addStep only adds the new lines', () => {
    for (const index of [0, Math.floor(n / 2), n]) {
      const out = addStep(text, { name: 'inserted_step', type: 'claude', prompt: [{ type: 'static', content: 'Hi\nthere' }] }, index);
      const d = changedLines(text, out);
      expect(d.removed).toEqual([]);
      expect(names(out)[index]).toBe('inserted_step');
      expect(steps(out)[index]).toEqual({ name: 'inserted_step', type: 'claude', prompt: [{ type: 'static', content: 'Hi\nthere' }] });
      expect(names(out).filter((x) => x !== 'inserted_step')).toEqual(names(text));
    }
  });

  it('deleteStep only removes lines', () => {
    for (let i = 0; i < n; i++) {
      const out = deleteStep(text, `steps[${i}]`);
      expect(changedLines(text, out).added).toEqual([]);
      expect(names(out)).toEqual(names(text).filter((_, j) => j !== i));
    }
  });

  it('moveStep changes only the moved block', () => {
    const out = moveStep(text, 0, n - 1);
    const expected = names(text).slice(1).concat(names(text)[0]);
    expect(names(out)).toEqual(expected);
    const d = changedLines(text, out);
    expect([...d.removed].sort()).toEqual([...d.added].sort());
    expect(text.split('\n').length).toBe(out.split('\n').length);
    expect(commentLines(out).sort()).toEqual(commentLines(text).sort());
    expect(moveStep(out, n - 1, 0)).toBe(text);
  });

  it('setSignature writes a dspy_signature on one step only', () => {
    const sig = { input_fields: [{ name: 'question', type: 'string' }], output_fields: [{ name: 'answer', type: 'string', description: 'Short' }] };
    const out = setSignature(text, 'steps[0]', sig);
    expect(changedLines(text, out).removed.length).toBeLessThanOrEqual(countLines(text, 'dspy_signature', 0));
    expect(parse(out).workflow.steps[0].dspy_signature).toEqual(sig);
    expect(steps(out).slice(1)).toEqual(steps(text).slice(1));
  });
});

/** Lines of the existing value of `key` on step `i` (0 when absent). */
function countLines(text: string, key: string, i: number): number {
  const v = parse(text).workflow.steps[i][key];
  return v === undefined ? 0 : 1 + JSON.stringify(v).length;
}

describe('renameStep', () => {
  it.skipIf(!HAVE_PIPELINE_EX)('rewrites previous_response parts and keeps everything else', () => {
    const text = readExample('comprehensive_config_example.yaml');
    const out = renameStep(text, 'comprehensive_analysis', 'deep_analysis');
    const d = changedLines(text, out);
    // the step's own name and its two previous_response parts; the gemini function of the same name is untouched
    expect(d.removed).toHaveLength(3);
    expect(d.added).toEqual(d.removed.map((l) => l.replace('comprehensive_analysis', 'deep_analysis')));
    expect(out).toContain('functions: ["comprehensive_analysis"]');
    expect(validateWorkflowText(out, allStepTypes).verdict).toBe('valid');
  });

  it.skipIf(!HAVE_PIPELINE_EX)('rewrites data sources and {{previous_response:X}} templates inside block strings', () => {
    const text = readExample('data_transform_example.yaml');
    const out = renameStep(text, 'filter_high_value_orders', 'big_orders');
    const d = changedLines(text, out);
    expect(d.removed).toEqual([
      '    - name: "filter_high_value_orders"',
      '      input_source: "previous_response:filter_high_value_orders"',
      '        High-value completed orders: {{previous_response:filter_high_value_orders}}',
    ]);
    expect(d.added).toEqual(d.removed.map((l) => l.replace('filter_high_value_orders', 'big_orders')));
  });

  it('rewrites {{steps.X}} templates, nested references and target_step; keeps quoting style', () => {
    const text = readOwn('dspy_declared_signatures.yaml');
    const out = renameStep(text, 'review', 'code_review');
    const d = changedLines(text, out);
    expect(d.removed).toEqual([
      '    - name: review',
      '          content: "Explain {{steps.review.result.verdict}} for {{global_vars.language}}"',
      '          step: review',
      '      data_source: "previous_response:review:findings"',
      '      target_step: review',
    ]);
    expect(d.added).toEqual(d.removed.map((l) => l.replace(/review(?=[.:\s"]|$)/, 'code_review')));
    const res = validateWorkflowText(out, allStepTypes);
    expect(res.verdict).toBe('valid');
    expect(res.diagnostics.filter((x) => x.message.includes('names no step'))).toEqual([]);
  });

  it('renames a step in a condition', () => {
    const text = 'workflow:\n  name: w\n  steps:\n    - name: a\n      type: claude\n      prompt: [{type: static, content: x}]\n    - name: b\n      type: claude\n      condition: "a.success"\n      prompt: [{type: static, content: y}]\n';
    expect(renameStep(text, 'a', 'first')).toBe(text.replace('name: a', 'name: first').replace('"a.success"', '"first.success"'));
  });

  it('refuses a name that exists or a missing step', () => {
    const text = readOwn('dspy_declared_signatures.yaml');
    expect(() => renameStep(text, 'review', 'load')).toThrow(EditError);
    expect(() => renameStep(text, 'nope', 'x')).toThrow(EditError);
  });
});

describe('setPromptPart', () => {
  it.skipIf(!HAVE_PIPELINE_EX)('replaces one part, appends one, and turns a string prompt into a list', () => {
    const text = readExample('comprehensive_config_example.yaml');
    const out = setPromptPart(text, 'implement_fixes', 1, { type: 'file', path: 'notes.md' });
    const d = changedLines(text, out);
    expect(d.removed).toEqual([
      '        - type: "previous_response"  # Previous response reference',
      '          step: "comprehensive_analysis"',
      '          extract: "content"  # Extract the full content since it\'s text analysis',
    ]);
    expect(d.added).toEqual(['        - type: file', '          path: notes.md']);
    const appended = setPromptPart(text, 'implement_fixes', 3, { type: 'static', content: 'Done.' });
    expect(changedLines(text, appended)).toEqual({ removed: [], added: ['        - type: static', '          content: Done.'] });

    const dt = readExample('data_transform_example.yaml');
    const fixed = setPromptPart(setPromptPart(dt, 'generate_sample_data', 0, { type: 'static', content: 'Generate data' }), 'generate_report', 0, { type: 'static', content: 'Report' });
    expect(validateWorkflowText(fixed, allStepTypes).verdict).toBe('valid');
    expect(commentLines(fixed)).toEqual(commentLines(dt));
  });
});
