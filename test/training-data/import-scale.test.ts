import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { freshStore } from './helpers';

function writeLines(dir: string, lines: string[]): string {
  const file = path.join(dir, 'rows.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function indexSql(td: ReturnType<typeof freshStore>['td']): Record<string, string> {
  const rows = td.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'examples' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  return Object.fromEntries(rows.map((r) => [r.name, r.sql]));
}

describe('import: field types checked per row', () => {
  it('a number where text is expected and a list where a label is expected: errors naming the line and the field, nothing imported', () => {
    const { td, dir } = freshStore();
    const file = writeLines(dir, [
      JSON.stringify({ review: 'fine', sentiment: 'positive' }),
      JSON.stringify({ review: 42, sentiment: 'negative' }),
      JSON.stringify({ review: 'meh', sentiment: ['neutral'] }),
      JSON.stringify({ inputs: { review: 'ok' }, outputs: { sentiment: 'unknown-value' } }),
    ]);
    const r = td.importFile({ signature: 'sentiment', file });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'inputs.review'],
      [3, 'outputs.sentiment'],
    ]);
    expect(r.errors[0].message).toBe('inputs.review: expected string, got integer 42');
    expect(r.errors[1].message).toBe('outputs.sentiment: expected string, got array');
    expect(td.examples.count({ task: 'sentiment' })).toBe(0);
    td.close();
  });

  it('an unlabeled row may hold a label outside the allowed values (it is fixed when labeled); a labeled one may not', () => {
    const { td, dir } = freshStore();
    expect(td.importFile({ signature: 'sentiment', file: writeLines(dir, [JSON.stringify({ review: 'ok', sentiment: 'mixed' })]) }).ok).toBe(true);
    const r = td.importFile({ signature: 'sentiment', file: writeLines(dir, [JSON.stringify({ review: 'ok 2', sentiment: 'mixed', label: 'accepted' })]) });
    expect(r.ok).toBe(false);
    expect(r.errors[0].message).toMatch(/not one of/);
    // a wrong type and a refused label on one row: the type error alone (the label check would repeat it)
    const both = td.importFile({ signature: 'sentiment', file: writeLines(dir, [JSON.stringify({ review: 'ok 3', sentiment: ['positive'], label: 'accepted' })]) });
    expect(both.errors.map((e) => e.field)).toEqual(['outputs.sentiment']);
    td.close();
  });
});

describe('import: the full-text index on large imports', () => {
  it('gathers 16 MiB of terms before writing a segment', () => {
    const { td } = freshStore();
    expect(td.db.prepare("SELECT v FROM examples_fts_config WHERE k = 'hashsize'").pluck().get()).toBe(16_777_216);
    td.close();
  });
});

describe('import: random-order indexes on large imports', () => {
  const rows = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => JSON.stringify({ question: `q ${from + i}`, answer: `a ${i % 7}`, timestamp: new Date(Date.UTC(2025, 0, 1) + ((i * 7919) % n) * 60_000).toISOString() }));

  it('an import at least as large as the table (and of 50,000 rows or more) rebuilds them once; they end as they were', () => {
    const { td, dir } = freshStore();
    const before = indexSql(td);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['examples_task_observed', 'examples_input_prefix', 'examples_task_rowid']));
    const defer = vi.spyOn(td.examples, 'deferIndexes');
    const r = td.importFile({ signature: 'qa', file: writeLines(dir, rows(60_000)) });
    expect(r).toMatchObject({ ok: true, inserted: 60_000 });
    expect(defer).toHaveBeenCalledTimes(1);
    expect(indexSql(td)).toEqual(before);
    // the rebuilt index serves the newest-first page
    const plan = td.db.prepare("EXPLAIN QUERY PLAN SELECT * FROM examples WHERE task = 'qa' ORDER BY observed_at DESC LIMIT 5").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('examples_task_observed');
    expect(td.page('qa', { limit: 1, sort: 'newest' }).rows[0].item.observedAt).toBe((td.db.prepare('SELECT MAX(observed_at) AS t FROM examples').get() as { t: string }).t);

    // a smaller import into the larger table keeps them in place
    td.importFile({ signature: 'qa', file: writeLines(dir, rows(1000, 60_000)) });
    expect(defer).toHaveBeenCalledTimes(1);
    td.close();
  });

  it('a large import with a bad row rolls back with the indexes in place', () => {
    const { td, dir } = freshStore();
    const before = indexSql(td);
    const lines = rows(55_000);
    lines[54_000] = '{"question": 1}';
    const r = td.importFile({ signature: 'qa', file: writeLines(dir, lines) });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.line)).toEqual([54_001]);
    expect(indexSql(td)).toEqual(before);
    expect(td.examples.count({ task: 'qa' })).toBe(0);
    td.close();
  });
});

describe('optimizers get a bounded, stratified sample of a large dataset', () => {
  it('above OPTIMIZER_POOL not-rejected rows: each split and label state its share, the same rows every time, live and in a version', async () => {
    const { OPTIMIZER_POOL } = await import('../../electron/core/training-data/manager');
    const { td, dir } = freshStore();
    const n = 12_000;
    const states = ['accepted', 'accepted', 'unlabeled', 'rejected'];
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ question: `question ${i}`, answer: `answer ${i}`, label: states[i % 4] }));
    expect(td.importFile({ signature: 'qa', file: writeLines(dir, lines) }).ok).toBe(true);
    const set = td.examplesForOptimization('qa', undefined, 0);
    const notRejected = n - n / 4;
    expect(set.sample?.of).toBe(notRejected);
    expect(Math.abs(set.sample!.size - OPTIMIZER_POOL)).toBeLessThanOrEqual(6);
    expect(set.excluded.rejected).toBe(n / 4);
    // per stratum: its share of the pool, within one row of rounding
    const all = [...td.examples.iterate({ task: 'qa' })].filter((e) => e.labelState !== 'rejected');
    const pick = [...set.train, ...set.dev];
    for (const split of ['train', 'dev'] as const) {
      for (const label of ['accepted', 'unlabeled'] as const) {
        const share = all.filter((e) => e.split === split && e.labelState === label).length / all.length;
        const got = pick.filter((e) => e.split === split && e.labelState === label).length;
        expect(Math.abs(got - share * OPTIMIZER_POOL)).toBeLessThanOrEqual(1);
      }
    }
    expect(set.train.length + set.dev.length + set.testCount).toBe(set.sample!.size);
    expect(td.examplesForOptimization('qa', undefined, 0).train.map((e) => e.id)).toEqual(set.train.map((e) => e.id));
    const v = td.createVersion({ signature: 'qa', by: 'test' });
    const fromVersion = td.examplesForOptimization('qa', v.id, 0);
    expect(fromVersion.sample).toEqual(set.sample);
    expect(fromVersion.train.map((e) => e.id).sort()).toEqual(set.train.map((e) => e.id).sort());
    td.close();
  });

  it('a dataset within the bound is given whole (no sample)', () => {
    const { td } = freshStore();
    td.addExamples('qa', [{ inputs: { question: 'q' }, outputs: { answer: 'a' }, label: 'accepted' }]);
    const set = td.examplesForOptimization('qa', undefined, 0);
    expect(set.sample).toBeNull();
    expect(set.train.length + set.dev.length + set.testCount).toBe(1);
    td.close();
  });
});

describe('import preview', () => {
  it('a check (dry run) shows the first five valid rows as they would be stored: redacted, with label and source', () => {
    const { td, dir } = freshStore();
    const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ question: i === 0 ? 'mail me at ann@example.com' : `q ${i}`, answer: `a ${i}`, ...(i === 1 ? { label: 'accepted' } : {}) }));
    const r = td.importFile({ signature: 'qa', file: writeLines(dir, lines), dryRun: true });
    expect(r.ok).toBe(true);
    expect(r.preview).toHaveLength(5);
    expect(String(r.preview[0].inputs.question)).not.toContain('ann@example.com');
    expect(r.preview[1]).toEqual({ inputs: { question: 'q 1' }, outputs: { answer: 'a 1' }, label: 'accepted', source: 'user_feedback' });
    expect(td.examples.count({ task: 'qa' })).toBe(0);
    td.close();
  });
});

describe('CSV import, streamed', () => {
  it('rows from a file in chunks: the same rows, lines and errors as the whole-text parser', async () => {
    const { parseCsvText } = await import('../../electron/core/training-data/import-export');
    const { td, dir } = freshStore();
    // 1.6 MB: read in two chunks
    const pad = 'x'.repeat(40);
    const body = Array.from({ length: 30_000 }, (_, i) => (i === 20_000 ? `"multi\nline ${i}",a${i}` : `q${i} ${pad},a${i}`));
    const file = path.join(dir, 'rows.csv');
    fs.writeFileSync(file, `question,answer\n${body.join('\n')}\n`);
    const r = td.importFile({ signature: 'qa', file });
    expect(r).toMatchObject({ ok: true, rows: 30_000, inserted: 30_000 });
    const whole = parseCsvText(fs.readFileSync(file, 'utf8'), td.signatures.resolve('qa'));
    expect(whole.rows.length).toBe(30_000);
    expect(td.examples.count({ task: 'qa' })).toBe(30_000);
    // a bad cell far into the file: its line, nothing imported
    const { td: t2, dir: d2 } = freshStore();
    const bad = path.join(d2, 'bad.csv');
    fs.writeFileSync(bad, `question,answer,rating\n${Array.from({ length: 30_000 }, (_, i) => `q${i} ${pad},a${i},${i === 25_000 ? 'x' : 3}`).join('\n')}\n`);
    const rb = t2.importFile({ signature: 'qa', file: bad });
    expect(rb.ok).toBe(false);
    expect(rb.errors.map((e) => e.line)).toEqual([25_002]);
    expect(t2.examples.count({ task: 'qa' })).toBe(0);
    td.close();
    t2.close();
  });

  it('invalid UTF-8 in a CSV: the line holding it, nothing imported', () => {
    const { td, dir } = freshStore();
    const file = path.join(dir, 'latin1.csv');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('question,answer\nok,fine\ncaf'), Buffer.from([0xe9]), Buffer.from(',x\n')]));
    const r = td.importFile({ signature: 'qa', file });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ line: 3, message: 'invalid UTF-8 byte 0xe9 in the line; save the file as UTF-8' }]);
    expect(td.examples.count({ task: 'qa' })).toBe(0);
    td.close();
  });
});
