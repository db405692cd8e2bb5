import { describe, expect, it } from 'vitest';
import { chainInputFields, inferRunInputs, runInputValues } from '../../../shared/run/inputs';
import { parseYamlValue } from '../../../shared/yaml/bounds';
import { readFileSync } from 'node:fs';

describe('inferRunInputs', () => {
  it('reads {{inputs.x}} templates anywhere in the steps, nested ones too', () => {
    const fields = inferRunInputs({
      workflow: {
        name: 'w',
        steps: [
          { name: 'a', type: 'claude', prompt: [{ type: 'static', content: 'Review {{inputs.code}} in {{ inputs.lang }}' }] },
          { name: 'loop', type: 'for_loop', steps: [{ name: 'inner', type: 'gemini', prompt: [{ type: 'static', content: '{{inputs.code}} {{state.x}}' }] }] },
        ],
      },
    });
    expect(fields).toEqual([
      { name: 'code', type: 'string', usedBy: ['template in a', 'template in loop'], optional: false },
      { name: 'lang', type: 'string', usedBy: ['template in a'], optional: false },
    ]);
  });

  it('adds the first DSPy step signature inputs with their types, except those its inputs: map sets', () => {
    const fields = inferRunInputs({
      name: 'w',
      steps: [
        { name: 'prep', type: 'set_variable', variables: { x: 1 } },
        {
          name: 'grade',
          type: 'dspy_claude',
          inputs: { rubric: 'fixed' },
          dspy_signature: { input_fields: [{ name: 'answer', type: 'string', description: 'the answer' }, { name: 'points', type: 'integer' }, { name: 'rubric' }], output_fields: [{ name: 'grade' }] },
        },
        { name: 'later', type: 'dspy_claude', dspy_signature: { input_fields: [{ name: 'never' }], output_fields: [{ name: 'y' }] } },
      ],
    });
    // An earlier step may produce them: left empty, the run looks there.
    expect(fields.map((f) => [f.name, f.type, f.optional, f.whenEmpty, f.description])).toEqual([
      ['answer', 'string', true, 'earlier step', 'the answer'],
      ['points', 'integer', true, 'earlier step', undefined],
    ]);
  });

  it('marks the one field the step prompt would fill as optional (the sample)', () => {
    const root = parseYamlValue(readFileSync('templates/sample-project/toy_labels.yaml', 'utf8'), 'toy_labels.yaml');
    expect(inferRunInputs(root)).toEqual([{ name: 'text', type: 'string', description: 'a few words', usedBy: ['signature of classify'], optional: true, whenEmpty: 'prompt' }]);
  });

  it('merges a template reference and a signature field of the same name; the template makes it required', () => {
    const fields = inferRunInputs({
      steps: [
        { name: 's', type: 'dspy_gemini', prompt: [{ type: 'static', content: '{{inputs.q}}' }], dspy_signature: { input_fields: [{ name: 'q' }], output_fields: [{ name: 'a' }] } },
      ],
    });
    expect(fields).toEqual([{ name: 'q', type: 'string', usedBy: ['template in s', 'signature of s'], optional: false }]);
  });

  it("a chain's inputs are its links' inputs no earlier link produces", () => {
    const fields = inferRunInputs({
      dspy_signatures: { analyze: { input_fields: [{ name: 'code' }], output_fields: [{ name: 'issues' }] } },
      steps: [{ name: 'c', type: 'dspy_chain', dspy_config: { chain_steps: [{ signature: 'analyze' }, { signature: 'issues_and_style_to_report' }] } }],
    });
    expect(fields.map((f) => [f.name, f.optional])).toEqual([
      ['code', false],
      ['style', false],
    ]);
    expect(chainInputFields([]).length).toBe(0);
  });

  it('is empty for anything that is not a workflow', () => {
    expect(inferRunInputs(null)).toEqual([]);
    expect(inferRunInputs({ workflow: { steps: 'x' } })).toEqual([]);
  });
});

describe('runInputValues', () => {
  const fields = [
    { name: 'text', type: 'string', usedBy: [], optional: true },
    { name: 'n', type: 'integer', usedBy: [], optional: false },
    { name: 'flag', type: 'boolean', usedBy: [], optional: false },
    { name: 'obj', type: 'object', usedBy: [], optional: false },
  ];
  it('types the values and lists the empty required fields', () => {
    expect(runInputValues(fields, { n: '3', flag: 'true', obj: '{"a":1}' })).toEqual({ inputs: { n: 3, flag: true, obj: { a: 1 } }, missing: [] });
    expect(runInputValues(fields, { text: 'hi', n: 'x', obj: '{bad' })).toEqual({ inputs: { text: 'hi', n: 'x', obj: '{bad' }, missing: ['flag'] });
  });
});
