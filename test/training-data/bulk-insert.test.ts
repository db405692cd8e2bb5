import { describe, expect, it } from 'vitest';
import { contentHashOf, inputHashOf, NewExampleInput, prepareExample, REDACTION_PATTERNS, Redactor, splitFor } from '../../electron/core/training-data';
import { fastNewExample } from '../../electron/core/training-data/types';
import { freshStore } from './helpers';

const row = (i: number, label: string, extra: Record<string, unknown> = {}) => ({
  inputs: { question: `q${i}` },
  outputs: { answer: `a${i}` },
  label,
  ...extra,
});

describe('bulk insert (multi-row statements, label history written in one statement)', () => {
  it('skips duplicates inside a batch and against stored rows, and writes one label event per inserted labeled row', () => {
    const { td } = freshStore();
    td.addExamples('qa', [row(3, 'accepted'), row(40, 'rejected')], 'alice');
    // 100 rows: two full batches and a remainder; q3 and q40 are already stored, q7 appears twice
    const rows = Array.from({ length: 100 }, (_, i) => row(i, ['unlabeled', 'accepted', 'rejected', 'corrected'][i % 4], { rating: (i % 5) + 1 }));
    rows.splice(20, 0, row(7, 'rejected', { rating: 2 }));
    const res = td.addExamples('qa', rows, 'bob');
    expect(res.duplicates).toBe(3);
    expect(res.inserted).toBe(98);
    expect(new Set(res.ids).size).toBe(98);
    const stored = td.examples.list({ task: 'qa' });
    expect(stored).toHaveLength(100);
    let events = 0;
    for (const ex of stored) {
      const h = td.labelHistory(ex.id);
      if (ex.labelState === 'unlabeled') {
        expect(h).toEqual([]);
        continue;
      }
      events += h.length;
      expect(h).toHaveLength(1);
      const action = ex.labelState === 'accepted' ? 'accept' : ex.labelState === 'rejected' ? 'reject' : 'correct';
      expect(h[0]).toMatchObject({ action, labelState: ex.labelState, rating: ex.rating, outputs: ex.outputs, previousOutputs: null, by: ex.labeledBy, at: ex.labeledAt });
    }
    // q7 keeps its first occurrence (corrected, index 7 % 4) and one event; q3/q40 keep alice's
    expect(events).toBe(stored.filter((e) => e.labelState !== 'unlabeled').length);
    const q7 = stored.find((e) => e.inputs.question === 'q7')!;
    expect(q7.labelState).toBe('corrected');
    expect(td.labelHistory(q7.id).map((e) => e.action)).toEqual(['correct']);
    expect(td.labelHistory(stored.find((e) => e.inputs.question === 'q3')!.id)[0].by).toBe('alice');
  });

  it('an import of rows that are all duplicates inserts nothing and writes no label events', () => {
    const { td } = freshStore();
    const data = Buffer.from(Array.from({ length: 70 }, (_, i) => JSON.stringify({ question: `q${i}`, answer: `a${i}`, label: 'accepted' })).join('\n'));
    expect(td.importFile({ signature: 'qa', data, fileName: 'a.jsonl' }).inserted).toBe(70);
    const count = () => (td.db.prepare('SELECT COUNT(*) AS n FROM label_events').get() as { n: number }).n;
    expect(count()).toBe(70);
    const again = td.importFile({ signature: 'qa', data, fileName: 'b.jsonl' });
    expect(again).toMatchObject({ ok: true, inserted: 0, duplicates: 70 });
    expect(count()).toBe(70);
  });
});

describe('fast validation path', () => {
  const cases: unknown[] = [
    { inputs: { q: 'x' } },
    { inputs: { q: 'x' }, outputs: { a: 1 }, label: 'accepted', rating: 5, labeled_by: 'me', observed_at: '2025-02-28T10:00:00Z', run_id: 'r', extra: 1 },
    { inputs: { q: 'x' }, observed_at: '2025-02-29T10:00:00Z' },
    { inputs: { q: 'x' }, observed_at: '2024-02-29T10:00:00.123+02:00' },
    { inputs: { q: 'x' }, rating: 0 },
    { inputs: { q: 'x' }, rating: 2.5 },
    { inputs: { q: 'x' }, rating: null, labeled_by: null, metadata: null },
    { inputs: { q: 'x' }, labeled_by: '' },
    { inputs: { q: 'x' }, label: 'maybe' },
    { inputs: { q: 'x' }, source: 'web' },
    { inputs: [] },
    { inputs: new Map() },
    { inputs: { q: 'x' }, metadata: 'm' },
    { inputs: { q: 'x' }, run_id: '' },
    { inputs: { [Symbol('s')]: 1, q: 'x' } },
    null,
    'row',
  ];
  it('accepts exactly what the zod schema accepts, with the same values', () => {
    for (const c of cases) {
      const z = NewExampleInput.safeParse(c);
      const f = fastNewExample(c);
      if (f) {
        expect(z.success, JSON.stringify(c)).toBe(true);
        expect({ ...f }).toEqual({ ...z.data });
      }
    }
  });

  it('prepared rows hash and split as the documented formulas say', () => {
    const sig = { hash: 'h'.repeat(64), name: 'qa', spec: { input_fields: [{ name: 'q', type: 'string' }, { name: 'b', type: 'string' }], output_fields: [{ name: 'a', type: 'string' }] }, createdAt: '' } as const;
    const redactor = new Redactor({ emails: true, phones: true, api_keys: true, custom: [] });
    for (const inputs of [{ q: 'x' }, { q: 'x', b: 'y' }, { b: 'y', q: 'x' }, { q: { nested: [1, 'two'] } }, { q: 'mail me at a@b.co' }]) {
      const r = prepareExample(sig as never, { inputs, outputs: { a: 'z' } }, { redactor, now: '2025-01-01T00:00:00.000Z', maxFieldBytes: 1000 });
      if (!r.ok) throw new Error(r.errors.join('; '));
      const stored = JSON.parse(r.example.inputsJson);
      expect(r.example.inputHash).toBe(inputHashOf(sig.name, stored));
      expect(r.example.contentHash).toBe(contentHashOf(stored, { a: 'z' }));
      expect(r.example.split).toBe(splitFor(r.example.inputHash));
      expect(Object.keys(stored)).toEqual(Object.keys(inputs));
    }
  });
});

describe('redaction screen (one union test before the per-rule patterns)', () => {
  const P = REDACTION_PATTERNS;
  function reference(text: string) {
    let out = text;
    let count = 0;
    for (const [kind, re] of [['api_key', P.api_key], ['email', P.email], ['phone', P.phone]] as const) {
      out = out.replace(new RegExp(re.source, re.flags), (m) => {
        if (kind === 'phone' && m.replace(/\D/g, '').length < 9) return m;
        count += 1;
        return `[REDACTED:${kind}]`;
      });
    }
    return { value: out, count };
  }
  it('changes exactly what the patterns alone change', () => {
    const r = new Redactor({ emails: true, phones: true, api_keys: true, custom: [] });
    const texts = [
      'question 123: alpha beta?',
      'call +1 (555) 123-4567 or 555.123.4567 today',
      'London 020 7946 0958, Sydney (02) 1234 5678',
      'order 123456789 and 12-345 and 1 234',
      'mail ana@example.co.uk, key sk-abcdefghijklmnopqrstuv, Bearer abcdefghijklmnop1234',
      'API_KEY=supersecretvalue and password: hunter2hunter2',
      'AKIAABCDEFGHIJKLMNOP ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'nothing to see here',
      '',
    ];
    for (const t of texts) expect(r.redactString(t), t).toEqual(reference(t));
  });
});
