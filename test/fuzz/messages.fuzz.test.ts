/** StudioApi messages, the JSON-RPC framing to the Python worker, and the training-data imports. */
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { responseEnvelopeSchema, StudioApiError, studioMethods } from '../../shared/api/index';
import { createRouter, type Handlers } from '../../electron/core/studio-service/router';
import { encodeFrame, LineDecoder, parseFrame, ProtocolError } from '../../electron/core/python-bridge';
import { parseCsvText, serialize, validateImport, type ExportRow } from '../../electron/core/training-data/import-export';
import type { StoredSignature } from '../../electron/core/training-data/signatures';
import { fuzz, fuzzAsync, nastyString } from './support';

// Every handler refuses: the fuzz reaches envelope and params checks, never the file system.
const refusing = new Proxy({} as Handlers, {
  get: () => () => {
    throw new StudioApiError('not_found', 'stub');
  },
});
const router = createRouter(refusing);
const METHODS = Object.keys(studioMethods);
const PARAM_KEYS = ['path', 'text', 'layout', 'id', 'dir', 'filter', 'workflowPath', 'provider', 'value', 'createOnly', 'content', 'encoding', 'signature', 'format', 'limit'];

const deepValue = fc.integer({ min: 90, max: 20_000 }).map((n) => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { k: v };
  return v;
});
// Deep JSON text is built as text: JSON.stringify itself recurses.
const deepText = fc.integer({ min: 90, max: 20_000 }).map((n) => `${'['.repeat(n)}"x"${']'.repeat(n)}`);
const params = fc.oneof(
  fc.dictionary(fc.constantFrom(...PARAM_KEYS), fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyString(), fc.constant('/tmp/x.yaml'))),
  fc.jsonValue({ maxDepth: 4 }),
);
const envelopeOf = (p: fc.Arbitrary<unknown>) => fc.oneof(
  { weight: 6, arbitrary: fc.record(
    {
      kind: fc.oneof(fc.constant('request'), fc.string({ maxLength: 8 })),
      id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string({ maxLength: 4 })),
      method: fc.oneof(fc.constantFrom(...METHODS, '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''), fc.string({ maxLength: 20 })),
      params: p,
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: ['kind', 'id', 'method'] },
  ) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
);
const envelope = envelopeOf(fc.oneof(params, deepValue));
const flatEnvelope = envelopeOf(params);

const SIG: StoredSignature = {
  hash: 'f'.repeat(64),
  name: 'qa',
  createdAt: '2026-01-01T00:00:00.000Z',
  spec: {
    input_fields: [{ name: 'question', type: 'string' }],
    output_fields: [{ name: 'answer', type: 'string' }, { name: 'score', type: 'number' }, { name: 'tags', type: 'array' }],
  } as StoredSignature['spec'],
};
const PREP = { maxFieldBytes: 1024 * 1024 };
const cell = fc.oneof(nastyString(20), fc.constantFrom('=1+1', '+x', '-2', '@SUM(A1)', '\tx', "'=x", '"q"', '', 'accepted', '5'));
const rowObject = fc.dictionary(fc.constantFrom('question', 'answer', 'score', 'tags', 'label', 'rating', 'source', 'metadata', 'timestamp', 'inputs', 'outputs', '_input_keys', 'junk'), fc.oneof(cell, fc.jsonValue({ maxDepth: 2 })));

function checkImport(r: ReturnType<typeof validateImport>): void {
  expect(Array.isArray(r.errors) && Array.isArray(r.valid)).toBe(true);
  for (const e of r.errors) {
    expect(Number.isInteger(e.line) && e.line >= 0).toBe(true);
    expect(typeof e.message).toBe('string');
  }
}

describe('fuzz: StudioApi messages', () => {
  it('dispatch answers every message with a well-formed response and never throws', async () => {
    await fuzzAsync('api.dispatch', envelope, 3000, async (raw) => {
      const checked = responseEnvelopeSchema.safeParse(await router.dispatch(raw));
      expect(checked.success).toBe(true);
      if (checked.success && checked.data.ok === false) expect(['bad_request', 'unknown_method', 'not_found']).toContain(checked.data.error.code);
    });
  });

  it('WebSocket text frames: JSON text or garbage, parsed then dispatched, never throw', async () => {
    const texts = fc.oneof(flatEnvelope.map((e) => JSON.stringify(e) ?? 'null'), deepText.map((d) => `{"kind":"request","id":1,"method":"workflow.validate","params":{"text":${d}}}`), nastyString(60), fc.json({ maxDepth: 3 }));
    await fuzzAsync('api.text', texts, 1000, async (text) => {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return;
      }
      expect(responseEnvelopeSchema.safeParse(await router.dispatch(raw)).success).toBe(true);
    });
  });
});

describe('fuzz: JSON-RPC framing', () => {
  it('any chunking of any frames yields exactly the frames back', () => {
    const frames = fc.array(fc.record({ id: fc.nat(), result: fc.jsonValue({ maxDepth: 3 }), text: fc.string({ unit: 'binary', maxLength: 30 }) }), { minLength: 1, maxLength: 6 });
    fuzz('framing.chunks', fc.tuple(frames, fc.array(fc.nat(), { maxLength: 8 })), 1500, ([msgs, cuts]) => {
      const bytes = Buffer.from(msgs.map((m) => encodeFrame(m)).join(''), 'utf8');
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const lines: string[] = [];
      const decoder = new LineDecoder((l) => lines.push(l), (e) => { throw e; });
      let prev = 0;
      for (const p of [...points, bytes.length]) {
        decoder.push(bytes.subarray(prev, p));
        prev = p;
      }
      expect(lines.map((l) => parseFrame(l))).toEqual(msgs.map((m) => ({ kind: 'result', id: m.id, result: JSON.parse(JSON.stringify(m.result)) })));
      expect(decoder.pending).toBe(0);
    });
  });

  it('arbitrary bytes: lines decode, frames parse or raise ProtocolError, oversize is reported', () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), nastyString(200).map((s) => Buffer.from(s)), fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', ...(typeof v === 'object' && v && !Array.isArray(v) ? v : { result: v }) })}\n`)));
    fuzz('framing.bytes', fc.tuple(bytes, fc.integer({ min: 8, max: 400 })), 2000, ([data, limit]) => {
      const errors: ProtocolError[] = [];
      const decoder = new LineDecoder(
        (line) => {
          try {
            parseFrame(line);
          } catch (e) {
            if (!(e instanceof ProtocolError)) throw e;
          }
        },
        (e) => errors.push(e),
        limit,
      );
      decoder.push(Buffer.from(data));
      expect(errors.length).toBeLessThanOrEqual(1);
      expect(decoder.pending).toBeLessThanOrEqual(limit);
    });
  });
});

describe('fuzz: imports', () => {
  it('JSONL: any text gives rows or line-numbered errors', () => {
    const text = fc.array(fc.oneof(rowObject.map((o) => JSON.stringify(o)), nastyString(30), fc.json({ maxDepth: 2 })), { maxLength: 8 }).map((ls) => ls.join('\n'));
    fuzz('import.jsonl', text, 1000, (t) => checkImport(validateImport(Buffer.from(t), 'x.jsonl', SIG, PREP)));
  });

  it('CSV: any text gives rows or line-numbered errors', () => {
    const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 6 });
    const text = fc.tuple(fc.constantFrom('question,answer,score,tags,label', 'question,answer', 'q,a', ''), table, nastyString(10)).map(([h, rows, tail]) =>
      `${h}\n${rows.map((r) => r.join(',')).join('\n')}${tail}`,
    );
    fuzz('import.csv', text, 1000, (t) => checkImport(validateImport(Buffer.from(t), 'x.csv', SIG, PREP, { mapping: {} })));
  });

  it('CSV export round-trips any text exactly, formula cells included, and writes no formula', () => {
    const rows = fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 5 });
    fuzz('export.csv', rows, 800, (pairs) => {
      const exported: ExportRow[] = pairs.map(([q, a], i) => ({ id: `ex_${i}`, inputs: { question: q }, outputs: { answer: a }, source: 'manual', labelState: 'accepted', rating: null, split: 'train' }));
      const csv = serialize(exported, SIG, 'csv');
      const parsed = parseCsvText(csv, SIG);
      expect(parsed.errors).toEqual([]);
      const got = parsed.rows.map((r) => [(r.raw.inputs as Record<string, unknown>).question ?? '', (r.raw.outputs as Record<string, unknown>).answer ?? '']);
      expect(got).toEqual(pairs);
      const cells = (parseCsv(csv) as string[][]).flat();
      expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    });
  });

  it('DSPy JSON: any text gives rows or line-numbered errors', () => {
    const text = fc.oneof(
      fc.array(rowObject, { maxLength: 6 }).map((xs) => JSON.stringify(xs, null, 1)),
      fc.array(rowObject, { maxLength: 6 }).map((xs) => JSON.stringify({ demos: xs })),
      fc.tuple(fc.array(rowObject, { maxLength: 4 }), fc.nat()).map(([xs, cut]) => { const s = JSON.stringify(xs); return s.slice(0, cut % (s.length + 1)); }),
      deepText.map((d) => `[{"question": ${d}}]`),
      nastyString(40),
    );
    fuzz('import.dspy', text, 1000, (t) => checkImport(validateImport(Buffer.from(t), 'x.json', SIG, PREP)));
  });
});
