import { describe, expect, it } from 'vitest';
import { schemaProblems } from '../../shared/dspy/json-schema';
import { freshStore } from './helpers';

// more items than a call takes as arguments (about 120,000 on Node's default stack): push(...items) throws
// "Maximum call stack size exceeded" here
const MANY = 150_000;

describe('arrays larger than a call can take as arguments', () => {
  it('a nested array with a problem in every item: every problem listed', () => {
    const value = [Array.from({ length: MANY }, () => 'not a number')];
    const problems = schemaProblems({ type: 'array', items: { type: 'array', items: { type: 'number' } } }, value);
    expect(problems).toHaveLength(MANY);
    expect(problems[MANY - 1]).toMatch(/^\$\[0\]\[149999\]/);
  });

  it('a CSV import with an error in every row reports every row and imports nothing', () => {
    const { td } = freshStore();
    const rows = ['question,answer,metadata'];
    // metadata that is not a JSON object: an error of the CSV reader's own, in every row
    for (let i = 0; i < MANY; i++) rows.push(`q${i},a${i},${i}`);
    const r = td.importFile({ signature: 'qa', data: Buffer.from(rows.join('\n')), fileName: 'x.csv' });
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(MANY);
    expect(r.errors[0]).toMatchObject({ line: 2, field: 'metadata' });
    expect(td.examples.count({ task: 'qa' })).toBe(0);
  });
});
