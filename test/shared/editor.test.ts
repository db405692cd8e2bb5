import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import {
  addStep, allStepTypes, deleteStep, EditError, moveStep, moveStepListItem, renameStep, setPromptPart, setSignature, setStepField, setStepPath,
  validateWorkflowText,
} from '../../shared/index';
import { quotingOf } from '../../shared/yaml/editor';
import { changedLines, commentLines, readExample, readOwn } from './helpers';

const steps = (t: string) => (parse(t).workflow.steps as { name: string }[]);
const names = (t: string) => steps(t).map((s) => s.name);

const EXAMPLES = ['comprehensive_config_example.yaml', 'claude_extract_example.yaml', 'performance_demo.yaml', 'simple_comprehensive_example.yaml', 'data_transform_example.yaml', 'claude_robust_example.yaml'];
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
  it('rewrites previous_response parts and keeps everything else', () => {
    const text = readExample('comprehensive_config_example.yaml');
    const out = renameStep(text, 'comprehensive_analysis', 'deep_analysis');
    const d = changedLines(text, out);
    // the step's own name and its two previous_response parts; the gemini function of the same name is untouched
    expect(d.removed).toHaveLength(3);
    expect(d.added).toEqual(d.removed.map((l) => l.replace('comprehensive_analysis', 'deep_analysis')));
    expect(out).toContain('functions: ["comprehensive_analysis"]');
    expect(validateWorkflowText(out, allStepTypes).verdict).toBe('valid');
  });

  it('rewrites data sources and {{previous_response:X}} templates inside block strings', () => {
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

describe('quoting of inserted values', () => {
  const file = (q: string, p: string) => `workflow:\n  name: ${q}w${q}\n  steps:\n    - name: a\n      type: claude\n      prompt:\n        - type: static\n          content: ${p}Say hello${p}\n`;
  it('follows the file: prose and single words each take the style most of the file uses', () => {
    const step = { name: 'b', type: 'claude', prompt: [{ type: 'static', content: "It's new" }] };
    expect(addStep(file('', '"'), step)).toContain(`    - name: b\n      type: claude\n      prompt:\n        - type: static\n          content: "It's new"\n`);
    expect(addStep(file('', "'"), step)).toContain(`          content: 'It''s new'\n`);
    const allQuoted = file('"', '"').replace(/: ([a-z]+)\n/g, ': "$1"\n');
    expect(addStep(allQuoted, step)).toContain(`    - name: "b"\n      type: "claude"\n`);
    expect(addStep(file('', ''), step)).toContain(`          content: It's new\n`);
  });

  it('keeps values that need quotes quoted in a plain file', () => {
    const out = addStep(file('', ''), { name: 'c', type: 'claude', prompt: [{ type: 'static', content: 'true' }] });
    expect(out).toContain(`content: "true"`);
    expect(quotingOf(parseDocument(file('', '"')))).toEqual({ prose: 'QUOTE_DOUBLE', word: 'PLAIN' });
  });
});

describe('setPromptPart', () => {
  it('replaces one part, appends one, and turns a string prompt into a list', () => {
    const text = readExample('comprehensive_config_example.yaml');
    const out = setPromptPart(text, 'implement_fixes', 1, { type: 'file', path: 'notes.md' });
    const d = changedLines(text, out);
    expect(d.removed).toEqual([
      '        - type: "previous_response"  # Previous response reference',
      '          step: "comprehensive_analysis"',
      '          extract: "content"  # Extract the full content since it\'s text analysis',
    ]);
    // This file double-quotes its string values: inserted ones follow.
    expect(d.added).toEqual(['        - type: "file"', '          path: "notes.md"']);
    const appended = setPromptPart(text, 'implement_fixes', 3, { type: 'static', content: 'Done.' });
    expect(changedLines(text, appended)).toEqual({ removed: [], added: ['        - type: "static"', '          content: "Done."'] });

    const dt = readExample('data_transform_example.yaml');
    const fixed = setPromptPart(setPromptPart(dt, 'generate_sample_data', 0, { type: 'static', content: 'Generate data' }), 'generate_report', 0, { type: 'static', content: 'Report' });
    expect(validateWorkflowText(fixed, allStepTypes).verdict).toBe('valid');
    expect(commentLines(fixed)).toEqual(commentLines(dt));
  });
});

describe('setStepPath and moveStepListItem', () => {
  const text = [
    '# header',
    'workflow:',
    '  name: w',
    '  steps:',
    '    - name: analyze',
    '      type: dspy_claude',
    '      dspy_config:',
    '        # keep optimization on in production',
    '        optimization_enabled: true',
    '        max_wait_time: 5000  # ms',
    '        # the chain below',
    '        fallback_strategy: traditional',
    '      prompt:',
    '        # the task',
    '        - type: static',
    '          content: "Analyze"',
    '        - type: previous_response  # from load',
    '          step: load',
    '        - type: static',
    '          content: Done',
    '    - name: loop',
    '      type: for_loop',
    '      iterator: item',
    '      data_source: "{{items}}"',
    '      steps:',
    '        - name: inner',
    '          type: claude',
    '          dspy_config: {cache_enabled: true}',
    '          prompt:',
    '            - type: static',
    '              content: x',
    '',
  ].join('\n');

  it('changes one nested scalar line and keeps every comment', () => {
    const out = setStepPath(text, 'analyze', ['dspy_config', 'max_wait_time'], 200);
    expect(changedLines(text, out)).toEqual({ removed: ['        max_wait_time: 5000  # ms'], added: ['        max_wait_time: 200  # ms'] });
    expect(commentLines(out)).toEqual(commentLines(text).map((l) => l.replace('5000', '200')));
    expect(parse(out).workflow.steps[0].dspy_config.max_wait_time).toBe(200);
  });

  it('adds a nested key as one line and removes it again byte for byte', () => {
    const out = setStepPath(text, 'analyze', ['dspy_config', 'few_shot_examples'], 8);
    expect(changedLines(text, out)).toEqual({ removed: [], added: ['        few_shot_examples: 8'] });
    expect(setStepPath(out, 'analyze', ['dspy_config', 'few_shot_examples'], undefined)).toBe(text);
    expect(commentLines(out)).toEqual(commentLines(text));
  });

  it('creates a missing block and removes an emptied one', () => {
    const out = setStepPath(text, 'steps[1]', ['dspy_config', 'cache_enabled'], false);
    expect(changedLines(text, out)).toEqual({ removed: [], added: ['      dspy_config:', '        cache_enabled: false'] });
    expect(setStepPath(out, 'loop', ['dspy_config', 'cache_enabled'], undefined)).toBe(text);
  });

  it('edits a nested step and a flow map inside it', () => {
    const out = setStepPath(text, 'inner', ['dspy_config', 'few_shot_examples'], 2);
    expect(changedLines(text, out)).toEqual({
      removed: ['          dspy_config: {cache_enabled: true}'],
      added: ['          dspy_config:', '            cache_enabled: true', '            few_shot_examples: 2'],
    });
    expect(parse(out).workflow.steps[1].steps[0].dspy_config).toEqual({ cache_enabled: true, few_shot_examples: 2 });
  });

  it('edits, appends and removes prompt parts and their fields', () => {
    const content = setStepPath(text, 'analyze', ['prompt', 0, 'content'], 'Analyze the code');
    expect(changedLines(text, content)).toEqual({ removed: ['          content: "Analyze"'], added: ['          content: Analyze the code'] });
    const appended = setStepPath(text, 'analyze', ['prompt', 3], { type: 'file', path: 'a.md' });
    expect(changedLines(text, appended)).toEqual({ removed: [], added: ['        - type: file', '          path: a.md'] });
    const removed = setStepPath(text, 'analyze', ['prompt', 1], undefined);
    expect(changedLines(text, removed)).toEqual({ removed: ['        - type: previous_response  # from load', '          step: load'], added: [] });
    expect(commentLines(removed)).toEqual(commentLines(text).filter((l) => !l.includes('# from load')));
    expect(() => setStepPath(text, 'analyze', ['prompt', 7], { type: 'static', content: '' })).toThrow(EditError);
  });

  it('sets a list-valued field such as a condition', () => {
    const out = setStepPath(text, 'loop', ['condition'], ['analyze.success', 'load.count > 2']);
    expect(changedLines(text, out)).toEqual({ removed: [], added: ['      condition:', '        - analyze.success', '        - load.count > 2'] });
    const one = setStepPath(out, 'loop', ['condition', 1], 'load.count > 3');
    expect(changedLines(out, one)).toEqual({ removed: ['        - load.count > 2'], added: ['        - load.count > 3'] });
  });

  it('moves a list item with its comment', () => {
    const out = moveStepListItem(text, 'analyze', ['prompt'], 0, 2);
    expect(parse(out).workflow.steps[0].prompt.map((p: { type: string }) => p.type)).toEqual(['previous_response', 'static', 'static']);
    const d = changedLines(text, out);
    expect([...d.removed].sort()).toEqual([...d.added].sort());
    expect(commentLines(out).sort()).toEqual(commentLines(text).sort());
    expect(moveStepListItem(out, 'analyze', ['prompt'], 2, 0)).toBe(text);
  });
});
