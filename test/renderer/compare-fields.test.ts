import { describe, expect, it } from 'vitest';
import { flatFields } from '../../renderer/compare/fields';

describe('compare: structured outputs as fields', () => {
  it('gives one line per leaf by dotted path, not raw JSON', () => {
    expect(flatFields({ label: 'tool' })).toEqual([['label', 'tool']]);
    expect(flatFields({ risk: { score: 3, tags: ['a', 'b'] }, ok: true })).toEqual([
      ['risk.score', '3'],
      ['risk.tags', 'a, b'],
      ['ok', 'true'],
    ]);
    expect(flatFields('plain')).toEqual([['', 'plain']]);
    expect(flatFields({ items: [{ a: 1 }] })).toEqual([['items', '[{"a":1}]']]);
    expect(flatFields({ a: { b: { c: { d: 1 } } } })).toEqual([['a.b.c', '{"d":1}']]);
  });
});
