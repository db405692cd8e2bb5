import { describe, expect, it } from 'vitest';
import { unusableAnswer } from '../../electron/core/dspy-plugin/answer-check';

describe('unusable answers', () => {
  const inputs = { text: 'Classify this sentence about apples and pears, please.' };
  it('names what is wrong with an answer that parses but holds nothing', () => {
    expect(unusableAnswer({ label: null, score: '' }, inputs, ['label', 'score'])).toBe('no value for any output field (label, score)');
    expect(unusableAnswer({ label: '{label}' }, inputs, ['label'])).toBe('output label is the placeholder "{label}", not a value');
    expect(unusableAnswer({ label: '[[ ## label ## ]]' }, inputs, ['label'])).toMatch(/placeholder/);
    expect(unusableAnswer({ label: ` ${inputs.text} ` }, inputs, ['label'])).toBe('output label repeats the input text');
  });
  it('accepts real answers, short values equal to a short input, and objects', () => {
    expect(unusableAnswer({ label: 'fruit' }, inputs, ['label'])).toBeUndefined();
    expect(unusableAnswer({ label: 'yes' }, { q: 'yes' }, ['label'])).toBeUndefined();
    expect(unusableAnswer({ label: null, analysis: { risk: 1 } }, inputs, ['label', 'analysis'])).toBeUndefined();
  });
});
