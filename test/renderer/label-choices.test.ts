import { describe, expect, it } from 'vitest';
import { choiceLabel, choicesFor, MAX_CHOICES, rowsFor } from '../../renderer/data/label-choices';
import { comboOf, DEFAULT_BINDINGS } from '../../renderer/data/label-shortcuts';

const row = (label: unknown) => ({ outputs: { label } });
const text = { name: 'label', type: 'string' };

describe('classification outputs in labeling', () => {
  it('take their choices from the schema enum, sorted as given', () => {
    expect(choicesFor({ ...text, schema: { enum: ['spam', 'ham'] } }, [])).toEqual(['spam', 'ham']);
    expect(choicesFor({ name: 'ok', type: 'boolean' }, [])).toEqual([true, false]);
    // More choices than number keys: free text.
    expect(choicesFor({ ...text, schema: { enum: Array.from({ length: MAX_CHOICES + 1 }, (_, i) => `c${i}`) } }, [])).toBeNull();
  });

  it('treat a text field whose values are few and repeat as a label set', () => {
    const rows = ['tool', 'fruit', 'animal', 'tool', 'fruit', 'animal', 'color', 'color'].map((v) => row(v));
    expect(choicesFor(text, rows)).toEqual(['animal', 'color', 'fruit', 'tool']);
    // Values that do not repeat are free text, and so are non-text fields.
    expect(choicesFor(text, ['a', 'b', 'c', 'd'].map((v) => row(v)))).toBeNull();
    expect(choicesFor({ name: 'label', type: 'object' }, rows)).toBeNull();
    expect(choicesFor(text, Array.from({ length: 40 }, (_, i) => row(`v${i % 10}`)))).toBeNull();
    // Labeling one more row of a class keeps every choice and its key.
    expect(choicesFor(text, [...rows, row('tool')])).toEqual(['animal', 'color', 'fruit', 'tool']);
  });

  it('label by accepting the value the output holds, or correcting that one field', () => {
    expect(choiceLabel({ outputs: { label: 'tool', why: 'x' } }, 'label', 'tool')).toEqual({ action: 'accept' });
    expect(choiceLabel({ outputs: { label: 'tool', why: 'x' } }, 'label', 'fruit')).toEqual({ action: 'correct', outputs: { label: 'fruit', why: 'x' } });
  });

  it('size edit boxes to their content, within bounds', () => {
    expect(rowsFor('')).toBe(2);
    expect(rowsFor('a\nb\nc\nd')).toBe(5);
    expect(rowsFor('x'.repeat(200), 80)).toBe(4);
    expect(rowsFor('\n'.repeat(100))).toBe(24);
  });

  it('undo the last label on Ctrl/Cmd+Z by default', () => {
    expect(DEFAULT_BINDINGS.undo).toBe(comboOf({ key: 'z', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false }));
  });
});
