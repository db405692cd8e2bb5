import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshStore } from './helpers';

function jsonl(dir: string, rows: number, badLine?: number): string {
  const file = path.join(dir, 'rows.jsonl');
  const fd = fs.openSync(file, 'w');
  for (let i = 1; i <= rows; i++) fs.writeSync(fd, i === badLine ? '{"question": "broken"\n' : `${JSON.stringify({ question: `q ${i}`, answer: `a ${i}` })}\n`);
  fs.closeSync(fd);
  return file;
}

describe('streaming JSONL import', () => {
  it('inserts in batches with progress; rows and hashes as a whole-file import', () => {
    const { td, dir } = freshStore();
    const file = jsonl(dir, 12_345);
    const events: { phase: string; done: number; total: number; bytes: number; totalBytes: number }[] = [];
    const r = td.importFile({ signature: 'qa', file, onProgress: (p) => events.push(p) });
    expect(r).toMatchObject({ ok: true, rows: 12_345, inserted: 12_345, errors: [] });
    const inserts = events.filter((e) => e.phase === 'insert');
    expect(inserts.map((e) => e.done)).toEqual([5000, 10_000]);
    for (const e of inserts) expect(e.total).toBeGreaterThanOrEqual(e.done);
    expect(events.at(-1)).toEqual({ phase: 'done', done: 12_345, total: 12_345, bytes: fs.statSync(file).size, totalBytes: fs.statSync(file).size });
    // the same bytes imported from memory into another store give the same content hashes
    const other = freshStore();
    other.td.importFile({ signature: 'qa', data: fs.readFileSync(file), fileName: 'rows.jsonl' });
    const hashes = (t: typeof td) => [...t.examples.iterate({ task: 'qa' })].map((e) => e.contentHash).sort();
    expect(hashes(other.td)).toEqual(hashes(td));
    const imp = td.db.prepare('SELECT row_count, file_sha256 FROM imports').get() as { row_count: number; file_sha256: string };
    expect(imp.row_count).toBe(12_345);
    expect(imp.file_sha256).toMatch(/^[0-9a-f]{64}$/);
    td.close();
    other.td.close();
  });

  it('a bad row after two written batches still imports nothing', () => {
    const { td, dir } = freshStore();
    const before = td.audit.list().length;
    const r = td.importFile({ signature: 'qa', file: jsonl(dir, 11_000, 10_999) });
    expect(r.ok).toBe(false);
    expect(r.inserted).toBe(0);
    expect(r.errors.map((e) => e.line)).toEqual([10_999]);
    expect(td.examples.count({ task: 'qa' })).toBe(0);
    expect((td.db.prepare('SELECT COUNT(*) AS n FROM imports').get() as { n: number }).n).toBe(0);
    expect(td.audit.list().length).toBe(before);
    td.close();
  });

  it('a streamed export (chunks of 1,000 rows) gives the bytes of the whole-list serialization', () => {
    const { td, dir } = freshStore();
    td.importFile({ signature: 'qa', file: jsonl(dir, 2500) });
    const chunks: string[] = [];
    expect(td.exportTo({ signature: 'qa', format: 'dspy' }, (c) => chunks.push(c))).toBe(2500);
    expect(chunks.length).toBeGreaterThan(2);
    const text = chunks.join('');
    const list = JSON.parse(text) as { question: string; answer: string }[];
    expect(list).toHaveLength(2500);
    expect(text).toBe(`${JSON.stringify(list, null, 2)}\n`);
    const lines = td.exportData({ signature: 'qa', format: 'jsonl' }).trimEnd().split('\n');
    expect(lines).toHaveLength(2500);
    expect(JSON.parse(lines[2499])).toMatchObject({ inputs: { question: 'q 2500' }, outputs: { answer: 'a 2500' } });
    const csv = td.exportData({ signature: 'qa', format: 'csv', labelStates: ['unlabeled'] }).trimEnd().split('\n');
    expect(csv[0]).toBe('question,answer,label,rating,source,id');
    expect(csv).toHaveLength(2501);
    expect(td.exportData({ signature: 'qa', format: 'dspy', labelStates: ['rejected'] })).toBe('[]\n');
    td.close();
  });
});
