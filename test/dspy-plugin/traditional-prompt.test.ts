import { describe, expect, it } from 'vitest';
import { programForStep } from '../../electron/core/dspy-plugin/program-spec';
import { traditionalPrompt } from '../../electron/core/dspy-plugin/real-time-executor';

const step = {
  name: 'classify',
  type: 'dspy_claude',
  dspy_signature: { input_fields: [{ name: 'text' }, { name: 'hint' }], output_fields: [{ name: 'label' }], instructions: 'Label the text.' },
};
const program = programForStep(step, {});

describe('the traditional prompt of a DSPy step', () => {
  it("keeps the step's prompt and adds the inputs it does not carry", () => {
    expect(traditionalPrompt(program, { text: 'apple pear', hint: 'fruit?' }, 'Which category is this? Hint: fruit?')).toBe('Which category is this? Hint: fruit?\n\ntext: apple pear');
  });
  it('is the prompt alone when the prompt already holds every input (the prompt filled the one left)', () => {
    expect(traditionalPrompt(program, { text: 'Label: apple', hint: 'x' }, 'Label: apple x')).toBe('Label: apple x');
  });
  it('spells the signature out when the step has no prompt', () => {
    expect(traditionalPrompt(program, { text: 'apple', hint: { a: 1 } }, '')).toBe('Label the text.\n\ntext: apple\nhint: {"a":1}\n\nAnswer with a JSON object with the fields: label.');
  });
});
