import { describe, expect, it, vi } from 'vitest';
import { compareArms } from '../../electron/core/experiments/offline-comparison';
import { OPTIMIZER_POOL, type TrainingData } from '../../electron/core/training-data/manager';
import type { PythonPool } from '../../electron/core/python-bridge/pool';
import { freshStore } from '../training-data/helpers';

const LABELLED = ['accepted', 'corrected'] as const;

/** A store holding `n` qa rows, label state by `stateOf(i)`. */
function store(n: number, stateOf: (i: number) => string): TrainingData {
  const { td } = freshStore();
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ question: `question ${i}`, answer: `answer ${i}`, label: stateOf(i) }));
  const r = td.importFile({ signature: 'qa', data: Buffer.from(lines.join('\n')), fileName: 'x.jsonl' });
  expect(r.errors).toEqual([]);
  return td;
}

/** Spies on every read of a whole task or version. */
function wholeReads(td: TrainingData) {
  return [vi.spyOn(td, 'itemsFor'), vi.spyOn(td, 'streamItems'), vi.spyOn(td.examples, 'iterate'), vi.spyOn(td.versions, 'iterateRows')];
}

/** A Python pool that scores every example 1 and records the datasets it was sent. */
function fakePool(seen: { id: string }[][]) {
  const pool = {
    request: async (_method: string, params: { dataset: { id: string }[] }) => {
      seen.push(params.dataset);
      const n = params.dataset.length;
      return { scores: Array(n).fill(1), mean: 1, ids: params.dataset.map((d) => d.id), outputs: Array(n).fill({}), errors: Array(n).fill(null), metric: 'exact_match', lm_calls: n, usage: { lm_calls: n, input_tokens: 0, output_tokens: 0, models: {} } };
    },
  };
  return async () => pool as unknown as PythonPool;
}

const compare = (td: TrainingData, seen: { id: string }[][], datasetVersion?: string) =>
  compareArms({ data: td, versions: {} as never, pool: fakePool(seen) }, { signature: 'qa', a: 'baseline', b: 'baseline', lm: {} as never, datasetVersion });

describe('bounded reads: the offline comparison and the demo lookup', () => {
  it('on small data the same rows as the whole read, in the same order; the demo lookup finds the same example', async () => {
    const td = store(400, (i) => ['accepted', 'corrected', 'unlabeled', 'rejected'][i % 4]);
    const all = td.itemsFor('qa');
    const labelled = all.filter((i) => i.labelState === 'accepted' || i.labelState === 'corrected');
    const pool = td.optimizerPool('qa', undefined, LABELLED);
    expect(pool.sample).toBeNull();
    expect(pool.items.map((i) => i.id)).toEqual(labelled.map((i) => i.id));
    expect(pool.rejected).toBe(100);
    const seen: { id: string }[][] = [];
    const report = await compare(td, seen);
    expect(report.examplesFrom).toBe('dev and test examples (held out)');
    expect(seen[0].map((d) => d.id)).toEqual(labelled.filter((i) => i.split !== 'train').map((i) => i.id));
    for (const it of all.slice(0, 40)) expect(td.exampleWithInputs('qa', it.inputs)?.id).toBe(it.id);
    expect(td.exampleWithInputs('qa', { question: 'not there' })).toBeUndefined();
    // within a version: only its rows
    const v = td.createVersion({ signature: 'qa', by: 'test' });
    expect(td.exampleWithInputs('qa', all[0].inputs, v.id)?.id).toBe(all[0].id);
    expect(td.importFile({ signature: 'qa', data: Buffer.from('{"question": "later", "answer": "x"}\n'), fileName: 'later.jsonl' }).inserted).toBe(1);
    expect(td.exampleWithInputs('qa', { question: 'later' })).toBeDefined();
    expect(td.exampleWithInputs('qa', { question: 'later' }, v.id)).toBeUndefined();
    td.close();
  });

  it('above OPTIMIZER_POOL rows: only the labelled rows are read, by query, never the whole table', async () => {
    // 7,000 rejected rows and 600 labelled ones
    const td = store(7_600, (i) => (i % 38 < 3 ? (i % 2 ? 'accepted' : 'corrected') : 'rejected'));
    const labelled = td.itemsFor('qa').filter((i) => i.labelState !== 'rejected');
    const spies = wholeReads(td);
    const pool = td.optimizerPool('qa', undefined, LABELLED);
    expect(pool.sample).toBeNull();
    expect(pool.items.map((i) => i.id)).toEqual(labelled.map((i) => i.id));
    expect(pool.rejected).toBe(7_600 - labelled.length);
    const seen: { id: string }[][] = [];
    await compare(td, seen);
    expect(seen[0].map((d) => d.id)).toEqual(labelled.filter((i) => i.split !== 'train').map((i) => i.id));
    for (const s of spies) expect(s).not.toHaveBeenCalled();
    td.close();
  });

  it('above OPTIMIZER_POOL labelled rows: the comparison runs on the stratified sample and says so', async () => {
    const td = store(OPTIMIZER_POOL + 2_000, (i) => (i % 7 === 0 ? 'unlabeled' : 'accepted'));
    const accepted = td.itemsFor('qa').filter((i) => i.labelState === 'accepted');
    const v = td.createVersion({ signature: 'qa', by: 'test' });
    const spies = wholeReads(td);
    const seen: { id: string }[][] = [];
    const report = await compare(td, seen);
    expect(report.examplesFrom).toMatch(new RegExp(`\\(labelled ones: [\\d,]+ of ${accepted.length.toLocaleString('en-US')} examples, stratified sample\\)$`));
    const pool = td.optimizerPool('qa', undefined, LABELLED);
    expect(Math.abs(pool.sample!.size - OPTIMIZER_POOL)).toBeLessThanOrEqual(4);
    expect(seen[0].length).toBe(pool.items.filter((i) => i.split !== 'train').length);
    // the same sample from the version as from the live rows
    await compare(td, seen, v.id);
    expect(seen[1].map((d) => d.id).sort()).toEqual(seen[0].map((d) => d.id).sort());
    for (const s of spies) expect(s).not.toHaveBeenCalled();
    td.close();
  });
});
