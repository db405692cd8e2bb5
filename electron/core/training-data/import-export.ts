import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { parse as parseCsvStream } from 'csv-parse';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { z } from 'zod';
import type { SignatureField } from '../../../shared/dspy/signature';
import { fieldSchema, schemaProblems } from '../../../shared/dspy/json-schema';
import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import { JSON_LIMITS, jsonBoundsProblem, parseJsonBounded } from '../../../shared/json/bounds';
import { sha256Hex } from '../storage/hashing';
import type { StoredSignature } from './signatures';
import { finishExample, validateExample, type PreparedExample, type PrepareOptions } from './store';
import { LABEL_STATES, LabelState, SOURCES, Source, type Example, type JsonObject, type NewExample } from './types';

export const IMPORT_FORMATS = ['jsonl', 'csv', 'dspy'] as const;
export const ImportFormat = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof ImportFormat>;

/** Row-level problem: 1-based line of the file (0 when it concerns the whole file). */
export interface RowError {
  line: number;
  field?: string;
  message: string;
}

export interface ParsedRow {
  line: number;
  raw: Record<string, unknown>;
}

export interface ParseResult {
  rows: ParsedRow[];
  errors: RowError[];
  warnings: string[];
}

/** Keys a row may carry besides the signature's fields. */
/** `note` (a labeler's note, exported with JSONL) is accepted but not restored: notes belong to this store's label events. */
export const META_KEYS = ['source', 'label', 'rating', 'labeled_by', 'timestamp', 'metadata', 'id', 'note'] as const;
const IGNORED_DSPY_KEYS = new Set(['augmented', '_input_keys', 'dspy_uuid', 'dspy_split']);

export function formatFromFileName(file: string): ImportFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'dspy';
  return undefined;
}

/** Decodes UTF-8 strictly; on failure reports each line holding an invalid byte sequence. */
export function decodeUtf8(buf: Buffer): { text?: string; errors: RowError[] } {
  const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    return { text: fatal.decode(buf), errors: [] };
  } catch {
    const errors: RowError[] = [];
    let start = 0;
    let line = 1;
    while (start <= buf.length) {
      let end = buf.indexOf(0x0a, start);
      if (end < 0) end = buf.length;
      const slice = buf.subarray(start, end);
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(slice);
      } catch {
        const col = firstInvalidByte(slice);
        errors.push({ line, message: `invalid UTF-8 byte 0x${slice[col]?.toString(16).padStart(2, '0')} at byte ${col + 1} of the line; save the file as UTF-8` });
        if (errors.length >= 1000) break;
      }
      start = end + 1;
      line += 1;
    }
    return { errors };
  }
}

function firstInvalidByte(b: Buffer): number {
  for (let i = 0; i < b.length; i++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, i + 1));
    } catch {
      // an incomplete sequence at the end is not yet an error: confirm with 4 more bytes
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, Math.min(b.length, i + 4)));
      } catch {
        return i;
      }
    }
  }
  return 0;
}

/** Field names of a signature, derived once per signature. */
interface FieldSet {
  inNames: ReadonlySet<string>;
  outNames: ReadonlySet<string>;
  names: string;
  /** Each field's JSON type alone (not its enum or bounds), checked on every imported row. */
  types: { side: 'inputs' | 'outputs'; name: string; schema: { type: unknown } }[];
}
const fieldSets = new WeakMap<StoredSignature, FieldSet>();
const META_KEY_SET: ReadonlySet<string> = new Set(META_KEYS);

function fieldsOf(sig: StoredSignature) {
  let f = fieldSets.get(sig);
  if (!f) {
    const inNames = new Set(sig.spec.input_fields.map((x) => x.name));
    const outNames = new Set(sig.spec.output_fields.map((x) => x.name));
    const types = [
      ...sig.spec.input_fields.map((x) => ({ side: 'inputs' as const, name: x.name, schema: { type: fieldSchema(x).type } })),
      ...sig.spec.output_fields.map((x) => ({ side: 'outputs' as const, name: x.name, schema: { type: fieldSchema(x).type } })),
    ];
    f = { inNames, outNames, names: [...inNames, ...outNames].join(', '), types };
    fieldSets.set(sig, f);
  }
  return f;
}

/** Splits a flat record (field names as keys) into the example shape using the signature. */
export function flatToExample(obj: Record<string, unknown>, sig: StoredSignature, ignore: ReadonlySet<string> = new Set()): { raw?: Record<string, unknown>; errors: string[] } {
  const inputs: JsonObject = {};
  const outputs: JsonObject = {};
  const raw: Record<string, unknown> = {};
  const errors: string[] = [];
  const { inNames, outNames, names } = fieldsOf(sig);
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (inNames.has(k)) inputs[k] = v;
    else if (outNames.has(k)) outputs[k] = v;
    else if (META_KEY_SET.has(k)) raw[k] = v;
    else if (!ignore.has(k)) errors.push(`${k}: not a field of signature ${sig.name} (fields: ${names}) nor one of ${META_KEYS.join(', ')}`);
  }
  raw.inputs = inputs;
  raw.outputs = outputs;
  return { raw, errors };
}

/** Maps the row keys (label, timestamp, ...) to NewExampleInput keys: observed_at from observed_at or timestamp, id dropped, null and '' values dropped. */
function normalizeRow(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) {
    if (k === 'timestamp' || k === 'observed_at' || k === 'id') continue;
    const v = raw[k];
    if (v === null || v === '') continue;
    out[k] = v;
  }
  const ts = raw.observed_at ?? raw.timestamp;
  if (ts !== undefined && ts !== null && ts !== '') out.observed_at = ts;
  return out;
}

export function parseJsonl(text: string, sig: StoredSignature): ParseResult {
  const rows: ParsedRow[] = [];
  const errors: RowError[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const r = parseJsonlLine(lines[i], i + 1, sig);
    if (r.row) rows.push(r.row);
    else for (const e of r.errors) errors.push(e);
  }
  return { rows, errors, warnings: [] };
}

/** One JSONL line as a row (`row` undefined and no errors for a blank line). */
export function parseJsonlLine(text: string, line: number, sig: StoredSignature): { row?: ParsedRow; errors: RowError[] } {
  const lineText = text.replace(/\r$/, '');
  if (!lineText.trim()) return { errors: [] };
  let obj: unknown;
  try {
    obj = parseJsonBounded(lineText);
  } catch (err) {
    return { errors: [{ line, message: `invalid JSON: ${(err as Error).message}` }] };
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { errors: [{ line, message: 'each line must be a JSON object' }] };
  const o = obj as Record<string, unknown>;
  if ('inputs' in o || 'outputs' in o) {
    const unknown = Object.keys(o).filter((k) => k !== 'inputs' && k !== 'outputs' && !META_KEY_SET.has(k));
    if (unknown.length) return { errors: [{ line, field: unknown[0], message: `unknown key ${unknown.join(', ')} (allowed: inputs, outputs, ${META_KEYS.join(', ')})` }] };
    return { row: { line, raw: o }, errors: [] };
  }
  const r = flatToExample(o, sig);
  if (r.errors.length) return { errors: r.errors.map((m) => ({ line, message: m })) };
  return { row: { line, raw: r.raw! }, errors: [] };
}

/**
 * Reads JSONL from a file in 1 MiB chunks (or from bytes in memory), calling `onLine` with each
 * line's text or its UTF-8 error; memory holds one chunk and one line, not the file. Returns the
 * file's sha256 and size.
 */
export function readJsonlLines(source: { file: string } | { data: Buffer }, onLine: (line: number, text: string | undefined, error: RowError | undefined, bytesThrough: number) => void): { sha256: string; bytes: number } {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let line = 0;
  let read = 0;
  let rest: Buffer = Buffer.alloc(0);
  // end: bytes of the file up to the end of this line
  const emit = (bytes: Buffer, end: number) => {
    line += 1;
    try {
      const text = decoder.decode(bytes);
      onLine(line, line === 1 ? text.replace(/^\uFEFF/, '') : text, undefined, end);
    } catch {
      const col = firstInvalidByte(bytes);
      onLine(line, undefined, { line, message: `invalid UTF-8 byte 0x${bytes[col]?.toString(16).padStart(2, '0')} at byte ${col + 1} of the line; save the file as UTF-8` }, end);
    }
  };
  const take = (chunk: Buffer) => {
    read += chunk.length;
    let start = 0;
    let at: number;
    while ((at = chunk.indexOf(0x0a, start)) >= 0) {
      emit(rest.length ? Buffer.concat([rest, chunk.subarray(start, at)]) : chunk.subarray(start, at), read - chunk.length + at + 1);
      rest = Buffer.alloc(0);
      start = at + 1;
    }
    if (start < chunk.length) rest = Buffer.concat([rest, chunk.subarray(start)]);
  };
  const { sha256 } = readChunks(source, take);
  if (rest.length) emit(rest, read);
  return { sha256, bytes: read };
}

/** A file in 1 MiB chunks (or bytes in memory as one), each handed to `onChunk`; returns the sha256 and size. */
export function readChunks(source: { file: string } | { data: Buffer }, onChunk: (chunk: Buffer) => void): { sha256: string; bytes: number } {
  const hash = createHash('sha256');
  let bytes = 0;
  const take = (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    onChunk(chunk);
  };
  if ('data' in source) take(source.data);
  else {
    const fd = fs.openSync(source.file, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let n: number;
      while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) take(Buffer.from(buf.subarray(0, n)));
    } finally {
      fs.closeSync(fd);
    }
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** The first line of a chunk (starting at line `first`) holding an invalid UTF-8 sequence, as a row error. */
function invalidUtf8In(chunk: Buffer, first: number): RowError {
  // bytes continuing a character begun in the previous chunk are not this chunk's error
  let start = 0;
  while (start < 3 && start < chunk.length && (chunk[start] & 0xc0) === 0x80) start += 1;
  let line = first;
  while (start <= chunk.length) {
    let end = chunk.indexOf(0x0a, start);
    if (end < 0) end = chunk.length;
    const slice = chunk.subarray(start, end);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(slice);
    } catch {
      const col = firstInvalidByte(slice);
      return { line, message: `invalid UTF-8 byte 0x${slice[col]?.toString(16).padStart(2, '0')} in the line; save the file as UTF-8` };
    }
    start = end + 1;
    line += 1;
  }
  return { line: first, message: 'invalid UTF-8 in or after this line; save the file as UTF-8' };
}

/**
 * CSV from a file or bytes, decoded and parsed as it is read: each row to `onRow` with the bytes read
 * so far. A byte sequence that is not UTF-8 stops the reading with an error naming its line.
 */
export function readCsvRows(source: { file: string } | { data: Buffer }, reader: CsvRowReader, onRow: (row: ParsedRow, bytesRead: number) => void): { sha256: string; bytes: number } {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let read = 0;
  let lines = 1;
  let broken = false;
  const r = readChunks(source, (chunk) => {
    if (broken) return;
    read += chunk.length;
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      broken = true;
      reader.errors.push(invalidUtf8In(chunk, lines));
      return;
    }
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines += 1;
    reader.write(text, (row) => onRow(row, read));
  });
  if (!broken) {
    try {
      const tail = decoder.decode();
      if (tail) reader.write(tail, (row) => onRow(row, read));
      reader.end((row) => onRow(row, read));
    } catch {
      reader.errors.push({ line: lines, message: 'the file ends inside a UTF-8 character; save the file as UTF-8' });
    }
  }
  return r;
}

/** `--map column=field` pairs; field is a signature field or one of the meta keys. */
export const FieldMapping = z.record(z.string().min(1), z.string().min(1));
export type FieldMapping = Record<string, string>;

export function parseMapArgs(pairs: readonly string[]): FieldMapping {
  const out: FieldMapping = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at <= 0 || at === p.length - 1) throw new Error(`--map ${JSON.stringify(p)}: expected column=field`);
    out[p.slice(0, at)] = p.slice(at + 1);
  }
  return out;
}

function convertCell(field: SignatureField, text: string): { value?: unknown; error?: string } {
  switch (field.type ?? 'string') {
    case 'string':
      return { value: text };
    case 'number':
    case 'integer': {
      const n = Number(text.trim());
      if (!text.trim() || !Number.isFinite(n)) return { error: `${JSON.stringify(text.slice(0, 40))} is not a number` };
      if (field.type === 'integer' && !Number.isInteger(n)) return { error: `${text} is not an integer` };
      return { value: n };
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(t)) return { value: true };
      if (['false', '0', 'no'].includes(t)) return { value: false };
      return { error: `${JSON.stringify(text.slice(0, 40))} is not a boolean (true/false)` };
    }
    default:
      try {
        return { value: parseJsonBounded(text) };
      } catch (err) {
        return { error: `not valid JSON for a ${field.type} field: ${(err as Error).message}` };
      }
  }
}

export function parseCsvText(text: string, sig: StoredSignature, mapping: FieldMapping = {}, maxFieldBytes = 1024 * 1024): ParseResult {
  const reader = new CsvRowReader(sig, mapping, maxFieldBytes);
  const rows: ParsedRow[] = [];
  const keep = (row: ParsedRow) => rows.push(row);
  reader.write(text, keep);
  reader.end(keep);
  return { rows, errors: reader.errors, warnings: reader.warnings };
}

/**
 * CSV read as it arrives (csv-parse's parser, fed and drained synchronously): the first record is
 * the header (checked against the signature and the mapping), each later one a row handed to `onRow`
 * with the line it starts on; memory holds the parser's current chunk, not the file.
 */
export class CsvRowReader {
  readonly errors: RowError[] = [];
  readonly warnings: string[] = [];
  private readonly parser;
  private header: string[] | undefined;
  private targets: (string | undefined)[] = [];
  private readonly fields = new Map<string, { field: SignatureField; side: 'inputs' | 'outputs' }>();
  /** The header was refused, or the CSV itself is broken: no more rows. */
  private stopped = false;
  private records = 0;

  constructor(
    private readonly sig: StoredSignature,
    private readonly mapping: FieldMapping,
    maxFieldBytes: number,
  ) {
    this.parser = parseCsvStream({ info: true, relax_column_count: true, bom: true, skip_empty_lines: true, max_record_size: maxFieldBytes * 4 });
    this.parser.on('error', (err: Error & { lines?: number }) => {
      this.stopped = true;
      this.errors.push({ line: err.lines ?? 0, message: `CSV: ${err.message}` });
    });
    for (const f of sig.spec.input_fields) this.fields.set(f.name, { field: f, side: 'inputs' });
    for (const f of sig.spec.output_fields) this.fields.set(f.name, { field: f, side: 'outputs' });
  }

  write(chunk: string, onRow: (row: ParsedRow) => void): void {
    if (this.stopped) return;
    this.parser.write(chunk);
    this.drain(onRow);
  }

  end(onRow: (row: ParsedRow) => void): void {
    if (!this.stopped) {
      this.parser.end();
      this.drain(onRow);
    }
    if (this.records === 0 && this.errors.length === 0) this.errors.push({ line: 1, message: 'the file is empty: expected a header row' });
  }

  private drain(onRow: (row: ParsedRow) => void): void {
    let rec: { record: string[]; info: { lines: number } } | null;
    while (!this.stopped && (rec = this.parser.read() as typeof rec) !== null) {
      this.records += 1;
      if (!this.header) this.takeHeader(rec.record);
      else {
        const row = this.rowOf(rec.record, rec.info.lines);
        if (row) onRow(row);
      }
    }
  }

  private takeHeader(record: string[]): void {
    const header = record.map((h) => h.trim());
    this.header = header;
    const { fields, mapping, sig, errors } = this;
    for (const [col, target] of Object.entries(mapping)) {
      if (!header.includes(col)) errors.push({ line: 1, field: col, message: `--map ${col}=${target}: the header has no column ${JSON.stringify(col)} (columns: ${header.join(', ')})` });
      if (!fields.has(target) && !(META_KEYS as readonly string[]).includes(target)) {
        errors.push({ line: 1, field: target, message: `--map ${col}=${target}: ${target} is neither a field of signature ${sig.name} nor one of ${META_KEYS.join(', ')}` });
      }
    }
    // column index -> target
    this.targets = header.map((h) => mapping[h] ?? (fields.has(h) || (META_KEYS as readonly string[]).includes(h) ? h : undefined));
    const unmapped = header.filter((_, i) => this.targets[i] === undefined);
    if (unmapped.length) this.warnings.push(`ignored columns (no field of that name; use --map): ${unmapped.join(', ')}`);
    for (const f of sig.spec.input_fields) {
      if (!this.targets.includes(f.name)) errors.push({ line: 1, field: f.name, message: `missing column for input field ${f.name} (add a ${f.name} column or --map <column>=${f.name})` });
    }
    for (const f of sig.spec.output_fields) {
      if (!this.targets.includes(f.name)) this.warnings.push(`no column for output field ${f.name}: examples get no value for it`);
    }
    if (errors.length) this.stopped = true;
  }

  private rowOf(record: string[], lines: number): ParsedRow | undefined {
    const header = this.header!;
    const newlines = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    const line = lines - newlines;
    if (record.length !== header.length) {
      this.errors.push({ line, message: `has ${record.length} columns, the header has ${header.length}` });
      return undefined;
    }
    const raw: Record<string, unknown> = { inputs: {}, outputs: {} };
    let bad = false;
    for (let c = 0; c < record.length; c++) {
      const target = this.targets[c];
      const cell = restoreCsvCell(record[c]);
      if (target === undefined || cell === '') continue;
      const f = this.fields.get(target);
      if (f) {
        const conv = convertCell(f.field, cell);
        if (conv.error) {
          this.errors.push({ line, field: target, message: `column ${header[c]} (field ${target}): ${conv.error}` });
          bad = true;
        } else (raw[f.side] as JsonObject)[target] = conv.value;
      } else if (target === 'rating') raw.rating = Number(cell);
      else if (target === 'metadata') {
        try {
          raw.metadata = parseJsonBounded(cell);
        } catch (err) {
          this.errors.push({ line, field: 'metadata', message: `column ${header[c]}: metadata must be a JSON object (${(err as Error).message})` });
          bad = true;
        }
      } else raw[target] = cell;
    }
    return bad ? undefined : { line, raw };
  }
}

/** Where a DSPy JSON document keeps its examples: the top-level array, or an array under one of these keys. */
const DSPY_LIST_KEYS = new Set(['examples', 'demos']);

/**
 * DSPy Example JSON: a list of flat objects (what `[dict(e) for e in examples]` or `e.toDict()` give),
 * or an object with such a list under `examples` or `demos` (the latter is what program.save() writes).
 * `_input_keys` (from `with_inputs`) must match the signature's inputs when present.
 *
 * Read from a file in 1 MiB chunks (or from bytes in memory) and parsed as a stream: each example
 * goes to `onExample` (its row, or its errors) as soon as it is complete, with the bytes read so far,
 * so memory holds one chunk and one example, not the file. Problems of the document itself (invalid
 * JSON or UTF-8, nesting deeper than JSON_LIMITS, no list of examples) stop the reading and come back
 * in `errors`.
 */
export function readDspyJsonRows(
  source: { file: string } | { data: Buffer },
  sig: StoredSignature,
  onExample: (example: { row?: ParsedRow; errors: RowError[] }, bytesRead: number) => void,
): { sha256: string; bytes: number; errors: RowError[] } {
  const errors: RowError[] = [];
  const inputNames = sig.spec.input_fields.map((f) => f.name).sort();
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const tokenizer = new Tokenizer();
  let parser: TokenParser | undefined;
  let broken = false;
  // line counting: newlines in the bytes before `scanned` (chunk holds the bytes from chunkStart on)
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = 0;
  let scanned = 0;
  let line = 1;
  let read = 0;
  const lineAt = (offset: number) => {
    for (let at = chunk.indexOf(0x0a, scanned - chunkStart); at >= 0 && chunkStart + at < offset; at = chunk.indexOf(0x0a, at + 1)) line += 1;
    scanned = Math.max(scanned, Math.min(offset, chunkStart + chunk.length));
    return line;
  };
  // where the tokens are: nesting depth, the root's kind, the key being read at depth 1 of a root object
  let depth = 0;
  let root: 'array' | 'object' | undefined;
  let expectKey = false;
  let key: string | undefined;
  let list: string | undefined;
  const lists = new Set<string>();
  let elementLine = 0;
  // an error of onExample's own, to pass on as it is (not as a problem of the JSON)
  let thrown: { err: unknown } | undefined;
  const fail = (at: number, message: string) => {
    broken = true;
    errors.push({ line: at, message });
  };
  tokenizer.onToken = (t) => {
    const at = lineAt(t.offset);
    if (depth === 0 && !root) {
      if (t.token !== TokenType.LEFT_BRACKET && t.token !== TokenType.LEFT_BRACE) throw new DocumentError(at, 'expected a JSON array of examples, or an object with an "examples" (or "demos") array');
      root = t.token === TokenType.LEFT_BRACKET ? 'array' : 'object';
      parser = new TokenParser({ paths: root === 'array' ? ['$.*'] : ['$.examples.*', '$.demos.*'], keepStack: false });
      parser.onValue = (v) => {
        if (typeof v.key !== 'number' || (root !== 'array' && list === undefined)) return;
        try {
          onExample(dspyExample(v.value, v.key, elementLine, sig, inputNames), read);
        } catch (err) {
          thrown = { err };
          throw err;
        }
      };
      expectKey = root === 'object';
    } else if (root === 'object' && depth === 1) {
      if (t.token === TokenType.COMMA) expectKey = true;
      else if (expectKey && t.token === TokenType.STRING) {
        key = String(t.value);
        expectKey = false;
      } else if (t.token !== TokenType.COLON && t.token !== TokenType.RIGHT_BRACE && key !== undefined && DSPY_LIST_KEYS.has(key)) {
        if (t.token === TokenType.LEFT_BRACKET) {
          if (lists.size > 0) throw new DocumentError(at, `the document holds both an "examples" and a "demos" array: keep one`);
          lists.add(key);
          list = key;
        } else if (t.token !== TokenType.NULL) throw new DocumentError(at, `"${key}" must be an array of examples`);
      }
    }
    const listDepth = root === 'array' ? 1 : 2;
    if (depth === listDepth && (root === 'array' || list !== undefined) && t.token !== TokenType.COMMA && t.token !== TokenType.RIGHT_BRACKET) elementLine = at;
    if (t.token === TokenType.LEFT_BRACE || t.token === TokenType.LEFT_BRACKET) {
      depth += 1;
      if (depth > JSON_LIMITS.maxDepth) throw new DocumentError(at, `JSON nested deeper than ${JSON_LIMITS.maxDepth} levels (depth limit)`);
    } else if (t.token === TokenType.RIGHT_BRACE || t.token === TokenType.RIGHT_BRACKET) {
      depth -= 1;
      if (depth === 1 && root === 'object') list = undefined;
    }
    parser!.write(t);
  };
  tokenizer.onEnd = () => {
    if (parser && !parser.isEnded) parser.end();
  };
  const step = (run: () => void) => {
    try {
      run();
    } catch (err) {
      if (thrown) throw thrown.err;
      if (err instanceof DocumentError) fail(err.line, err.message);
      else fail(line, `invalid JSON at or after this line: ${(err as Error).message}`);
    }
  };
  const r = readChunks(source, (bytes) => {
    if (broken) return;
    try {
      utf8.decode(bytes, { stream: true });
    } catch {
      const e = invalidUtf8In(bytes, line);
      return fail(e.line, e.message);
    }
    // a byte-order mark is not JSON (offsets and lines count from after it)
    const body = read === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    read += bytes.length;
    chunk = body;
    step(() => tokenizer.write(body));
    lineAt(chunkStart + chunk.length);
    chunkStart += chunk.length;
  });
  if (!broken) {
    step(() => {
      try {
        utf8.decode();
      } catch {
        throw new DocumentError(line, 'the file ends inside a UTF-8 character; save the file as UTF-8');
      }
      if (!root) throw new DocumentError(line, 'expected a JSON array of examples, or an object with an "examples" (or "demos") array');
      tokenizer.end();
      if (root === 'object' && lists.size === 0) throw new DocumentError(1, 'expected a JSON array of examples, or an object with an "examples" (or "demos") array');
    });
  }
  return { ...r, errors };
}

/** A problem of a DSPy JSON document as a whole, at a line. */
class DocumentError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** One element of a DSPy JSON list (the `index`th, starting at `line`) as a row, or its errors. */
function dspyExample(value: unknown, index: number, line: number, sig: StoredSignature, inputNames: readonly string[]): { row?: ParsedRow; errors: RowError[] } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { errors: [{ line, message: `example ${index + 1} is not an object` }] };
  const bounds = jsonBoundsProblem(value);
  if (bounds) return { errors: [{ line, message: `example ${index + 1}: JSON ${bounds}` }] };
  const o = value as Record<string, unknown>;
  if (Array.isArray(o._input_keys)) {
    const keys = (o._input_keys as unknown[]).map(String).sort();
    if (keys.join(',') !== inputNames.join(',')) {
      return { errors: [{ line, field: '_input_keys', message: `_input_keys [${keys.join(', ')}] differ from signature ${sig.name}'s inputs [${inputNames.join(', ')}]` }] };
    }
  }
  const r = flatToExample(o, sig, IGNORED_DSPY_KEYS);
  if (r.errors.length) return { errors: r.errors.map((m) => ({ line, message: m })) };
  return { row: { line, raw: r.raw! }, errors: [] };
}

/** DSPy Example JSON held in memory (see readDspyJsonRows), all of its rows and errors. */
export function parseDspyJson(text: string, sig: StoredSignature): ParseResult {
  const rows: ParsedRow[] = [];
  const errors: RowError[] = [];
  const r = readDspyJsonRows({ data: Buffer.from(text) }, sig, (ex) => {
    if (ex.row) rows.push(ex.row);
    for (const e of ex.errors) errors.push(e);
  });
  for (const e of r.errors) errors.push(e);
  return { rows, errors, warnings: [] };
}

const LABEL_SET: ReadonlySet<unknown> = new Set(LABEL_STATES);
const SOURCE_SET: ReadonlySet<unknown> = new Set(SOURCES);

export interface ImportOptions {
  format?: ImportFormat;
  mapping?: FieldMapping;
  /** Source given to rows that name none. */
  defaultSource?: z.infer<typeof Source>;
  allowedSources?: readonly string[];
}

/** Parses and validates a whole file into prepared rows; any error means nothing may be imported. */
export function parseImport(
  buf: Buffer,
  fileName: string,
  sig: StoredSignature,
  prep: PrepareOptions,
  options: ImportOptions = {},
): { format: ImportFormat; prepared: PreparedExample[]; errors: RowError[]; warnings: string[]; fileSha256: string; rows: number } {
  const { valid, ...rest } = validateImport(buf, fileName, sig, prep, options);
  return { ...rest, prepared: valid.map((e) => finishExample(sig, e, prep)) };
}

/**
 * parseImport without the second half of preparation (redaction, serialization, hashes): the rows
 * come back validated, to be finished with finishExample while they are inserted.
 */
export function validateImport(
  buf: Buffer,
  fileName: string,
  sig: StoredSignature,
  prep: Pick<PrepareOptions, 'maxFieldBytes'>,
  options: ImportOptions = {},
): { format: ImportFormat; valid: NewExample[]; errors: RowError[]; warnings: string[]; fileSha256: string; rows: number } {
  const fileSha256 = sha256Hex(buf);
  const format = options.format ?? formatFromFileName(fileName);
  if (!format) return { format: 'jsonl', valid: [], errors: [{ line: 0, message: `cannot tell the format of ${fileName}: pass --format jsonl|csv|dspy` }], warnings: [], fileSha256, rows: 0 };
  const decoded = decodeUtf8(buf);
  if (decoded.text === undefined) return { format, valid: [], errors: decoded.errors, warnings: [], fileSha256, rows: 0 };
  const text = decoded.text.replace(/^\uFEFF/, '');
  const parsed =
    format === 'jsonl' ? parseJsonl(text, sig) : format === 'csv' ? parseCsvText(text, sig, options.mapping ?? {}, prep.maxFieldBytes) : parseDspyJson(text, sig);
  const errors = [...parsed.errors];
  const valid: NewExample[] = [];
  for (const row of parsed.rows) {
    const r = validateRow(row, sig, prep, options);
    if (r.value) valid.push(r.value);
    else for (const e of r.errors) errors.push(e);
  }
  errors.sort((a, b) => a.line - b.line);
  return { format, valid, errors, warnings: parsed.warnings, fileSha256, rows: parsed.rows.length + parsed.errors.filter((e) => e.line > 1).length };
}

/** A parsed row as a validated example: meta keys normalized, label, source and the example's fields checked. */
export function validateRow(row: ParsedRow, sig: StoredSignature, prep: Pick<PrepareOptions, 'maxFieldBytes'>, options: ImportOptions): { value?: NewExample; errors: RowError[] } {
  const raw = normalizeRow(row.raw);
  if (raw.source === undefined && options.defaultSource) raw.source = options.defaultSource;
  if (typeof raw.label === 'string') raw.label = raw.label.trim().toLowerCase();
  if (raw.label !== undefined && !LABEL_SET.has(raw.label)) {
    return { errors: [{ line: row.line, field: 'label', message: `label ${JSON.stringify(raw.label)} is not one of ${LabelState.options.join(', ')}` }] };
  }
  if (options.allowedSources && typeof raw.source === 'string' && !options.allowedSources.includes(raw.source) && SOURCE_SET.has(raw.source)) {
    return { errors: [{ line: row.line, field: 'source', message: `source ${raw.source} is not enabled in training_data.sources (${options.allowedSources.join(', ')})` }] };
  }
  const typeErrors = fieldTypeErrors(row.line, raw, sig);
  // a label's output check would only repeat a type error already named
  const r = validateExample(sig, raw, { ...prep, skipLabelCheck: typeErrors.length > 0 });
  if (r.ok && typeErrors.length === 0) return { value: r.value, errors: [] };
  return { errors: [...typeErrors, ...(r.ok ? [] : r.errors.map((m) => ({ line: row.line, field: m.split(':')[0], message: m })))] };
}

/**
 * Values of the wrong JSON type for their signature field (a number where text is expected, a list
 * where a label is): one error per field, naming the row's line and the field. Whether a label is one
 * of its allowed values is checked only for labeled rows (validateExample).
 */
export function fieldTypeErrors(line: number, raw: Record<string, unknown>, sig: StoredSignature): RowError[] {
  const errors: RowError[] = [];
  for (const t of fieldsOf(sig).types) {
    const side = raw[t.side];
    if (!side || typeof side !== 'object') continue;
    const v = (side as Record<string, unknown>)[t.name];
    if (v === undefined || v === null) continue;
    for (const p of schemaProblems(t.schema, v, `${t.side}.${t.name}`)) errors.push({ line, field: `${t.side}.${t.name}`, message: p });
  }
  return errors;
}

export function readImportFile(file: string): Buffer {
  return fs.readFileSync(file);
}

export function newImportId(): string {
  return `imp_${randomUUID()}`;
}

/** Export rows: what an example or a version row holds. */
export interface ExportRow {
  id: string;
  inputs: JsonObject;
  outputs: JsonObject;
  source: string;
  labelState: string;
  rating: number | null;
  split: string;
}

export const EXPORT_FORMATS = ['jsonl', 'csv', 'dspy'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

// Cells a spreadsheet would run as a formula; already-escaped ones (leading apostrophes) too, so the escape round-trips.
const FORMULA_CELL = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA_CELL = /^'+[=+\-@\t\r]/;

/** A text cell made inert for spreadsheets with the usual leading apostrophe. */
export function neutralizeCsvCell(text: string): string {
  return FORMULA_CELL.test(text) ? `'${text}` : text;
}

/** Inverse of neutralizeCsvCell, applied on import. */
export function restoreCsvCell(text: string): string {
  return ESCAPED_FORMULA_CELL.test(text) ? text.slice(1) : text;
}

/** Serializes rows as stored (so redacted values stay redacted). Each format re-imports. */
export function serialize(rows: Iterable<ExportRow | Example>, sig: StoredSignature, format: ExportFormat, notes: ReadonlyMap<string, string> = new Map()): string {
  const parts: string[] = [];
  serializeTo(rows, sig, format, (ids) => new Map(ids.flatMap((id) => (notes.has(id) ? [[id, notes.get(id)!] as const] : []))), (chunk) => parts.push(chunk));
  return parts.join('');
}

/** Rows written per chunk of a streamed export. */
const EXPORT_BATCH = 1000;

/**
 * serialize, streamed: rows are read from the iterable and written in chunks of EXPORT_BATCH rows
 * (the notes of each chunk's rows asked for at once), so memory holds one chunk. Returns the rows written.
 */
export function serializeTo(rows: Iterable<ExportRow | Example>, sig: StoredSignature, format: ExportFormat, notesOf: (ids: string[]) => ReadonlyMap<string, string>, write: (chunk: string) => void): number {
  const fields = [...sig.spec.input_fields.map((f) => ({ f, side: 'inputs' as const })), ...sig.spec.output_fields.map((f) => ({ f, side: 'outputs' as const }))];
  if (format === 'csv') write(stringifyCsv([[...fields.map((x) => x.f.name), 'label', 'rating', 'source', 'id']]));
  let count = 0;
  const flush = (batch: (ExportRow | Example)[]) => {
    if (format === 'jsonl') {
      const notes = notesOf(batch.map((r) => r.id));
      write(batch.map((r) => `${JSON.stringify({ id: r.id, inputs: r.inputs, outputs: r.outputs, source: r.source, label: r.labelState, rating: r.rating ?? undefined, note: notes.get(r.id) })}\n`).join(''));
    } else if (format === 'csv') {
      const body = batch.map((r) => [
        ...fields.map(({ f, side }) => {
          const v = (r[side] as JsonObject)[f.name];
          return v === undefined || v === null ? '' : typeof v === 'string' ? neutralizeCsvCell(v) : JSON.stringify(v);
        }),
        r.labelState,
        r.rating ?? '',
        r.source,
        r.id,
      ]);
      write(stringifyCsv(body));
    } else {
      // the bytes of JSON.stringify(list, null, 2): each element indented one level
      write(batch.map((r, k) => `${count - batch.length + k === 0 ? '[\n' : ',\n'}${JSON.stringify({ ...r.inputs, ...r.outputs }, null, 2).replace(/^/gm, '  ')}`).join(''));
    }
  };
  let batch: (ExportRow | Example)[] = [];
  for (const r of rows) {
    batch.push(r);
    count += 1;
    if (batch.length === EXPORT_BATCH) {
      flush(batch);
      batch = [];
    }
  }
  if (batch.length) flush(batch);
  if (format === 'dspy') write(count === 0 ? '[]\n' : '\n]\n');
  return count;
}
