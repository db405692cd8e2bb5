import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshStore, tmpDir } from './helpers';
import { parseDspyJson, readDspyJsonRows } from '../../electron/core/training-data/import-export';

function qaSig() {
  const { td } = freshStore();
  return td.signatures.resolve('qa');
}

describe('DSPy JSON import: streamed', () => {
  it('reads a file chunk by chunk: every example once, each with its own line, across 1 MiB chunk edges', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'big.json');
    // about 3 MiB of examples, one per two lines, so elements straddle chunk boundaries
    const n = 20_000;
    const parts: string[] = ['{"examples": ['];
    for (let i = 0; i < n; i++) parts.push(`${i ? ',' : ''}\n {"question": "q${i} ${'x'.repeat(120)}",\n  "answer": "a${i} ü"}`);
    parts.push('\n]}\n');
    fs.writeFileSync(file, parts.join(''));
    const lines: number[] = [];
    const questions: string[] = [];
    let lastBytes = 0;
    const r = readDspyJsonRows({ file }, qaSig(), (ex, bytes) => {
      expect(ex.errors).toEqual([]);
      lines.push(ex.row!.line);
      questions.push(String((ex.row!.raw.inputs as Record<string, unknown>).question).split(' ')[0]);
      expect(bytes).toBeGreaterThanOrEqual(lastBytes);
      lastBytes = bytes;
    });
    expect(r.errors).toEqual([]);
    expect(r.bytes).toBe(fs.statSync(file).size);
    expect(questions).toHaveLength(n);
    expect(questions[n - 1]).toBe(`q${n - 1}`);
    expect(lines.slice(0, 3)).toEqual([2, 4, 6]);
    expect(lines[n - 1]).toBe(2 * n);
  });

  it('names the row and the field of a bad example, and its line', () => {
    const text = '[\n  {"question": "a", "answer": "b"},\n  {"question": "c", "answer": "d", "_input_keys": ["answer"]},\n  7,\n  {"question": "e"}\n]';
    const r = parseDspyJson(text, qaSig());
    expect(r.rows.map((x) => x.line)).toEqual([2, 5]);
    expect(r.errors).toEqual([
      { line: 3, field: '_input_keys', message: expect.stringMatching(/_input_keys \[answer\] differ/) },
      { line: 4, message: 'example 3 is not an object' },
    ]);
  });

  it('the same rows as a whole parse: top-level list, "examples" and "demos", a byte-order mark', () => {
    const items = [{ question: 'a', answer: 'b', augmented: true }, { question: 'c', answer: 'd', dspy_uuid: 'u' }];
    const expected = [{ question: 'a' }, { question: 'c' }];
    for (const text of [JSON.stringify(items), JSON.stringify({ examples: items }), JSON.stringify({ meta: { x: [1, 2] }, demos: items }), `\uFEFF${JSON.stringify(items, null, 2)}`]) {
      const r = parseDspyJson(text, qaSig());
      expect(r.errors).toEqual([]);
      expect(r.rows.map((x) => x.raw.inputs ?? { question: x.raw.question })).toEqual(expected);
    }
  });

  it('document errors stop the reading and say why', () => {
    const sig = qaSig();
    const one = (text: string) => parseDspyJson(text, sig).errors;
    expect(one('{"other": []}')).toEqual([{ line: 1, message: expect.stringMatching(/expected a JSON array of examples/) }]);
    expect(one('"text"')).toEqual([{ line: 1, message: expect.stringMatching(/expected a JSON array of examples/) }]);
    expect(one('')).toEqual([{ line: 1, message: expect.stringMatching(/expected a JSON array of examples/) }]);
    expect(one('{"examples": "x"}')).toEqual([{ line: 1, message: '"examples" must be an array of examples' }]);
    expect(one('{"examples": [], "demos": []}')).toEqual([{ line: 1, message: expect.stringMatching(/both an "examples" and a "demos" array/) }]);
    expect(one('[\n{"question": "a", "answer": "b"},\n{"question": "a",, }]')).toEqual([{ line: 3, message: expect.stringMatching(/^invalid JSON at or after this line/) }]);
    expect(one('[{"question": "a", "answer": "b"}')).toEqual([{ line: 1, message: expect.stringMatching(/^invalid JSON/) }]);
    const deep = `[{"question": "a", "answer": ${'['.repeat(150)}${']'.repeat(150)}}]`;
    expect(one(deep)).toEqual([{ line: 1, message: expect.stringMatching(/deeper than 100 levels/) }]);
    const badUtf8 = Buffer.concat([Buffer.from('[\n{"question": "'), Buffer.from([0xc3, 0x28]), Buffer.from('", "answer": "b"}]')]);
    const r = readDspyJsonRows({ data: badUtf8 }, sig, () => {});
    expect(r.errors).toEqual([{ line: 2, message: expect.stringMatching(/invalid UTF-8/) }]);
  });

  it('an import with a bad example imports nothing and names row and field', () => {
    const { td } = freshStore();
    const data = Buffer.from('[\n{"question": "a", "answer": "b"},\n{"question": "c", "answer": "d", "label": "maybe"}\n]');
    const r = td.importFile({ signature: 'qa', data, fileName: 'x.json' });
    expect(r.ok).toBe(false);
    expect(r.rows).toBe(2);
    expect(r.errors).toEqual([expect.objectContaining({ line: 3, field: 'label' })]);
    expect(td.examples.list()).toHaveLength(0);
    const ok = td.importFile({ signature: 'qa', data: Buffer.from('[{"question": "a", "answer": "b"}]'), fileName: 'x.json' });
    expect(ok).toMatchObject({ ok: true, inserted: 1, rows: 1, format: 'dspy' });
  });
});
