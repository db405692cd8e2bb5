import { describe, expect, it } from 'vitest';
import { matchesLabel } from '../../electron/core/workflow-runs/batch';

describe('matchesLabel', () => {
  it("compares the label's fields only, structurally", () => {
    expect(matchesLabel({ label: 'fruit', reasoning: 'r' }, { label: 'fruit' })).toBe(true);
    expect(matchesLabel({ label: 'tool' }, { label: 'fruit' })).toBe(false);
    expect(matchesLabel({ a: { x: 1, y: [1, 2] } }, { a: { y: [1, 2], x: 1 } })).toBe(true);
    expect(matchesLabel('fruit', { label: 'fruit' })).toBe(false);
    expect(matchesLabel({ label: 'fruit' }, {})).toBe(false);
  });
});
