import { describe, expect, it } from 'vitest';
import { BAND_BYTES, findNearDuplicates, inputBandKeys } from '../../electron/core/training-data/near-duplicates';
import { freshStore } from './helpers';

const base = 'the parcel arrived late and the box was damaged on one side';
const rows = [
  { inputs: { question: base }, outputs: { answer: 'shipping' } },
  { inputs: { question: `${base} again` }, outputs: { answer: 'shipping' } },
  ...Array.from({ length: 30 }, (_, i) => ({ inputs: { question: `unrelated question number ${i} about billing ${i * 7}` }, outputs: { answer: `answer ${i}` } })),
];

describe('near-duplicate LSH band keys stored with each example', () => {
  it('are written on insert, copied into versions, and the report finds the same pairs as hashing every row', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', rows);
    const stored = td.db.prepare('SELECT id, input_bands FROM examples ORDER BY rowid').all() as { id: string; input_bands: Buffer }[];
    expect(stored.map((r) => r.input_bands.length)).toEqual(rows.map(() => BAND_BYTES));
    expect(stored[0].input_bands.equals(inputBandKeys(rows[0].inputs))).toBe(true);
    const expected = findNearDuplicates(rows.map((r, i) => ({ id: ids[i], ...r }))).pairs;
    expect(expected).toHaveLength(1);
    expect(td.quality('qa').nearDuplicatePairs).toEqual(expected);
    const v = td.createVersion({ signature: 'qa', by: 'test' });
    expect((td.db.prepare('SELECT COUNT(*) AS n FROM version_rows WHERE version_id = ? AND input_bands IS NOT NULL').get(v.id) as { n: number }).n).toBe(rows.length);
    expect(td.quality('qa', { version: v.id }).nearDuplicatePairs).toEqual(expected);
    td.close();
  });

  it('the report reads the stored keys (unrelated keys hide the pair) and computes those of rows stored without them', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', rows);
    const set = td.db.prepare('UPDATE examples SET input_bands = ? WHERE id = ?');
    set.run(inputBandKeys({ question: 'nothing in common with the parcel' }), ids[1]);
    expect(td.quality('qa').nearDuplicatePairs).toEqual([]);
    set.run(null, ids[1]);
    expect(td.quality('qa').nearDuplicatePairs.map((p) => [p.a, p.b])).toEqual([[ids[0], ids[1]]]);
    td.close();
  });

  it('a field mapping that changes the inputs writes their new keys', () => {
    const { td } = freshStore();
    const { ids } = td.addExamples('qa', rows.slice(0, 3));
    td.registerSignature('qa', { input_fields: [{ name: 'question', type: 'string' }, { name: 'context', type: 'string' }], output_fields: [{ name: 'answer', type: 'string' }] });
    expect(td.mapFields('qa', { defaults: { context: 'a warehouse in another town' } }, 'me').mapped).toBe(3);
    const e = td.examples.get(ids[0])!;
    const stored = (td.db.prepare('SELECT input_bands FROM examples WHERE id = ?').get(ids[0]) as { input_bands: Buffer }).input_bands;
    expect(stored.equals(inputBandKeys(e.inputs))).toBe(true);
    expect(stored.equals(inputBandKeys(rows[0].inputs))).toBe(false);
    td.close();
  });
});
