import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, freshStore } from './helpers';
import { neutralizeCsvCell, restoreCsvCell } from '../../electron/core/training-data/import-export';

function auditCount(td: ReturnType<typeof freshStore>['td']) {
  return td.audit.list({ limit: 100000 }).length;
}

describe('import: formats', () => {
  it('imports JSONL (flat and inputs/outputs rows), with labels, sources, timestamps, redaction', () => {
    const { td } = freshStore();
    const r = td.importFile({ signature: 'qa', file: path.join(FIXTURES, 'qa.jsonl') });
    expect(r).toMatchObject({ ok: true, inserted: 3, duplicates: 0, redactions: 1, errors: [] });
    const list = td.examples.list();
    expect(list.map((e) => e.labelState)).toEqual(['accepted', 'unlabeled', 'unlabeled']);
    expect(list[0].rating).toBe(5);
    expect(list[1].source).toBe('synthetic_generation');
    expect(list[2].inputs.question).toBe('Who wrote Hamlet? Contact [REDACTED:email]');
    expect(list[2].observedAt).toBe('2025-01-02T03:04:05.000Z');
    // the same file again: every row is an exact duplicate
    expect(td.importFile({ signature: 'qa', file: path.join(FIXTURES, 'qa.jsonl') })).toMatchObject({ ok: true, inserted: 0, duplicates: 3 });
    expect(td.audit.list({ action: 'data.import' })).toHaveLength(2);
  });

  it('imports CSV with a field mapping (multi-line cells, rating column)', () => {
    const { td } = freshStore();
    const r = td.importFile({ signature: 'qa', file: path.join(FIXTURES, 'qa-mapped.csv'), mapping: { q: 'question', a: 'answer', stars: 'rating' } });
    expect(r.errors).toEqual([]);
    expect(r.inserted).toBe(3);
    const list = td.examples.list();
    expect(list.map((e) => e.inputs.question)).toEqual(['What is 2+2?', 'Boiling point of water in C?', 'Multi\nline question?']);
    expect(list.map((e) => e.rating)).toEqual([5, 4, null]);
  });

  it('imports DSPy Example JSON (list of flat dicts, _input_keys checked)', () => {
    const { td } = freshStore();
    const r = td.importFile({ signature: 'qa', file: path.join(FIXTURES, 'qa.dspy.json') });
    expect(r).toMatchObject({ ok: true, inserted: 3, format: 'dspy' });
    const bad = Buffer.from('{"examples": [\n  {"question": "a", "answer": "b"},\n  {"question": "c", "answer": "d", "_input_keys": ["answer"]}\n]}');
    const r2 = td.importFile({ signature: 'qa', data: bad, fileName: 'x.json' });
    expect(r2.ok).toBe(false);
    expect(r2.errors).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/_input_keys \[answer\] differ/) })]);
  });

  it('export leaves redacted fields redacted, and each format re-imports the same rows', () => {
    const { td } = freshStore();
    td.importFile({ signature: 'qa', data: Buffer.from('{"question":"key sk-ant-abcdefghijklmnopqrstuvwxyz0123 call +1 415-555-0134","answer":"mail bob@corp.example.com"}\n'), fileName: 'x.jsonl' });
    for (const format of ['jsonl', 'csv', 'dspy'] as const) {
      const text = td.exportData({ signature: 'qa', format });
      expect(text).not.toMatch(/sk-ant-|bob@corp|415-555/);
      expect(text).toContain('[REDACTED:api_key]');
      expect(text).toContain('[REDACTED:phone]');
      expect(text).toContain('[REDACTED:email]');
      const { td: other } = freshStore();
      const ext = format === 'dspy' ? 'json' : format;
      const r = other.importFile({ signature: 'qa', data: Buffer.from(text), fileName: `e.${ext}` });
      expect(r.errors).toEqual([]);
      expect(other.examples.list().map((e) => [e.inputs, e.outputs])).toEqual(td.examples.list().map((e) => [e.inputs, e.outputs]));
    }
  });

  it('CSV export neutralizes formula cells with a leading apostrophe, and re-import restores them', () => {
    const { td } = freshStore();
    const questions = ['=HYPERLINK("http://x")', '+1+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', "'=already", 'plain', "it's"];
    const rows = questions.map((q, i) => JSON.stringify({ question: q, answer: `a${i}` })).join('\n');
    expect(td.importFile({ signature: 'qa', data: Buffer.from(`${rows}\n`), fileName: 'x.jsonl' }).errors).toEqual([]);
    const csv = td.exportData({ signature: 'qa', format: 'csv' });
    for (const line of csv.split('\n').slice(1)) expect(line).not.toMatch(/^"?[=+\-@\t\r]/);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain("''=already");
    const { td: other } = freshStore();
    expect(other.importFile({ signature: 'qa', data: Buffer.from(csv), fileName: 'e.csv' }).errors).toEqual([]);
    expect(other.examples.list().map((e) => e.inputs.question).sort()).toEqual([...questions].sort());
  });

  it('formula escaping round-trips every string', () => {
    for (const s of ['', '=', "'", "'=", "''+x", 'a=b', '-', '@', "'a"]) expect(restoreCsvCell(neutralizeCsvCell(s))).toBe(s);
    expect(neutralizeCsvCell('=1')).toBe("'=1");
    expect(neutralizeCsvCell('a=1')).toBe('a=1');
  });

  it('refuses imported JSON nested beyond the depth limit, naming the line', () => {
    const { td } = freshStore();
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const r = td.importFile({ signature: 'qa', data: Buffer.from(`{"question":"a","answer":"b"}\n{"question":${deep},"answer":"b"}\n`), fileName: 'x.jsonl' });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('depth limit') })]);
    const d = td.importFile({ signature: 'qa', data: Buffer.from(`[{"question":${deep}}]`), fileName: 'x.json' });
    expect(d.errors[0].message).toContain('depth limit');
    expect(td.examples.list()).toEqual([]);
  });

  it('redaction is configurable and audited as a config change', () => {
    const { td } = freshStore();
    td.updateSettings({ redaction: { emails: false, phones: true, api_keys: true, custom: [{ name: 'ticket', pattern: 'TICKET-\\d+' }] } }, 'admin');
    td.importFile({ signature: 'qa', data: Buffer.from('{"question":"bob@x.org TICKET-42","answer":"ok"}\n'), fileName: 'x.jsonl' });
    expect(td.examples.list()[0].inputs.question).toBe('bob@x.org [REDACTED:ticket]');
    expect(td.audit.list({ action: 'config.change' })[0]).toMatchObject({ actor: 'admin', details: { changed: ['redaction'] } });
  });
});

describe('import: malformed files change nothing and report rows with line numbers', () => {
  it('wrong encoding: invalid UTF-8 bytes, reported by line', () => {
    const { td } = freshStore();
    const audits = auditCount(td);
    const buf = Buffer.concat([Buffer.from('{"question":"ok","answer":"fine"}\n{"question":"caf'), Buffer.from([0xe9]), Buffer.from('","answer":"x"}\n{"question":"b\xff"}\n', 'latin1')]);
    const r = td.importFile({ signature: 'qa', data: buf, fileName: 'latin1.jsonl' });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(r.errors[0].message).toMatch(/invalid UTF-8 byte 0xe9 at byte 17/);
    expect(td.examples.count()).toBe(0);
    expect(auditCount(td)).toBe(audits);
  });

  it('CSV missing columns: a header error naming the field, nothing imported', () => {
    const { td } = freshStore();
    const r = td.importFile({ signature: 'qa', data: Buffer.from('text,answer\nhello,world\n'), fileName: 'x.csv' });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ line: 1, field: 'question', message: expect.stringMatching(/missing column for input field question/) }]);
    const r2 = td.importFile({ signature: 'qa', data: Buffer.from('text,answer\nhello,world\n'), fileName: 'x.csv', mapping: { txt: 'question' } });
    expect(r2.errors[0].message).toMatch(/no column "txt"/);
    const r3 = td.importFile({ signature: 'qa', data: Buffer.from('question,answer\nhello,world\nshort\n'), fileName: 'x.csv' });
    expect(r3.errors).toEqual([{ line: 3, message: 'has 1 columns, the header has 2' }]);
    expect(td.examples.count()).toBe(0);
  });

  it('huge fields are refused with the field path and size', () => {
    const { td } = freshStore();
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const r = td.importFile({ signature: 'qa', data: Buffer.from(`{"question":"small","answer":"a"}\n{"question":"${huge}","answer":"b"}\n`), fileName: 'x.jsonl' });
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, message: `inputs.question is ${huge.length} bytes, over the limit of 1048576 bytes per field` })]);
    expect(td.examples.count()).toBe(0);
  });

  it('10^5 rows with one bad row: that row (line and reason) is reported, nothing is imported', () => {
    const { td } = freshStore();
    const lines: string[] = [];
    for (let i = 1; i <= 100_000; i++) lines.push(i === 73_211 ? '{"question": "bad", "answer": 7, "rating": 9}' : JSON.stringify({ question: `q${i}`, answer: `a${i}` }));
    const audits = auditCount(td);
    const r = td.importFile({ signature: 'qa', data: Buffer.from(lines.join('\n')), fileName: 'big.jsonl' });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      { line: 73_211, field: 'outputs.answer', message: 'outputs.answer: expected string, got integer 7' },
      { line: 73_211, field: 'rating', message: 'rating: Too big: expected number to be <=5' },
    ]);
    expect(td.examples.count()).toBe(0);
    expect(auditCount(td)).toBe(audits);
  });

  it('every bad row is reported: invalid JSON, unknown keys, bad labels, schema-failing accepted rows', () => {
    const { td } = freshStore();
    const text = [
      '{"code": "eval(x)", "security_analysis": {"risk_score": 50}, "label": "accepted"}',
      '{"code": "x" ',
      '{"code": "y", "colour": "red"}',
      '{"code": "z", "label": "maybe"}',
      '{"code": "w", "security_analysis": {"risk_score": 150}, "label": "accepted"}',
      '{"security_analysis": {"risk_score": 1}}',
    ].join('\n');
    const r = td.importFile({ signature: 'security', data: Buffer.from(text), fileName: 'x.jsonl' });
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.errors[0].message).toMatch(/invalid JSON/);
    expect(r.errors[1].message).toMatch(/colour: not a field of signature security/);
    expect(r.errors[2].message).toMatch(/label "maybe" is not one of/);
    expect(r.errors[3].message).toMatch(/label accepted refused: .*outputs\.security_analysis\.risk_score: 150 is above the maximum 100/);
    expect(r.errors[4].message).toMatch(/none of the signature's input fields/);
    expect(td.examples.count()).toBe(0);
  });
});
