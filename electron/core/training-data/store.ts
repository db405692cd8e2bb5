import type { Db } from '../storage/database';
import { canonicalJson, newId, sha256Hex } from '../storage/hashing';
import type { AuditLog } from '../audit/audit-log';
import type { SignatureField } from '../../../shared/dspy/signature';
import { fieldSchema, outputProblems, schemaProblems } from '../../../shared/dspy/json-schema';
import type { Redactor } from './redaction';
import type { StoredSignature } from './signatures';
import { inputBandKeys } from './near-duplicates';
import { splitFor } from './splits';
import { fastNewExample, NewExampleInput, type Example, type JsonObject, type LabelState, type NewExample, type Source, type Split } from './types';

/** Where an example belongs: its task and the signature version it was made under. */
export type SignatureRef = Pick<StoredSignature, 'name' | 'hash'>;

/** An example validated, redacted and hashed, ready to insert. */
export interface PreparedExample {
  inputsJson: string;
  outputsJson: string;
  inputHash: string;
  contentHash: string;
  split: Split;
  source: Source;
  label: LabelState;
  rating: number | null;
  labeledBy: string | null;
  metadataJson: string | null;
  observedAt: string;
  runId: string | null;
  redactions: number;
  /** The inputs' near-duplicate LSH band keys (inputBandKeys). */
  inputBands: Buffer;
}

export type PrepareResult = { ok: true; example: PreparedExample } | { ok: false; errors: string[] };

export interface PrepareOptions {
  redactor: Redactor;
  now: string;
  maxFieldBytes: number;
}

/** Keyed by the task, so an input keeps its split across the task's signature versions. */
export function inputHashOf(task: string, inputs: JsonObject): string {
  return sha256Hex(`${task}\n${canonicalJson(inputs)}`);
}

export function contentHashOf(inputs: JsonObject, outputs: JsonObject): string {
  return sha256Hex(canonicalJson({ inputs, outputs }));
}

/**
 * JSON.stringify(obj) and canonicalJson(obj) of a JSON object, computed once when they agree:
 * every value a string, finite number, boolean or null (or undefined, which both leave out) and
 * the keys already in sorted order (always so for one key).
 */
function serializePair(obj: JsonObject): { json: string; canonical: string } {
  let prev: string | undefined;
  let flat = true;
  for (const k in obj) {
    const v = obj[k];
    const t = typeof v;
    if (!(v === null || v === undefined || t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(v))) || (prev !== undefined && k < prev)) {
      flat = false;
      break;
    }
    prev = k;
  }
  const json = JSON.stringify(obj);
  return { json, canonical: flat ? json : canonicalJson(obj) };
}

/** Largest string leaf, in UTF-8 bytes, with its path. */
function oversized(value: unknown, limit: number, path: string): string | undefined {
  if (typeof value === 'string') {
    if (value.length * 3 <= limit) return undefined; // cheap bound before counting bytes
    const bytes = Buffer.byteLength(value, 'utf8');
    return bytes > limit ? `${path} is ${bytes} bytes, over the limit of ${limit} bytes per field` : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const r = oversized(value[i], limit, `${path}[${i}]`);
      if (r) return r;
    }
  } else if (value && typeof value === 'object') {
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      const r = oversized((value as Record<string, unknown>)[k], limit, `${path}.${k}`);
      if (r) return r;
    }
  }
  return undefined;
}

/** What prepareExample derives once per signature. */
interface CompiledSignature {
  inputNames: string[];
  noInputMessage: string;
  /** Per output field: true when the value surely meets the field's schema (false: ask outputProblems). */
  outputChecks: { name: string; ok: (v: unknown) => boolean }[];
}

const compiled = new WeakMap<StoredSignature, CompiledSignature>();

function quickCheck(field: SignatureField): (v: unknown) => boolean {
  if (!field.schema) {
    switch (field.type ?? 'string') {
      case 'string':
        return (v) => typeof v === 'string';
      case 'number':
        return (v) => typeof v === 'number' && Number.isFinite(v);
      case 'integer':
        return (v) => typeof v === 'number' && Number.isInteger(v);
      case 'boolean':
        return (v) => typeof v === 'boolean';
      default:
        break;
    }
  }
  return (v) => v !== undefined && schemaProblems(fieldSchema(field), v).length === 0;
}

function compile(sig: StoredSignature): CompiledSignature {
  let c = compiled.get(sig);
  if (!c) {
    const inputNames = sig.spec.input_fields.map((f) => f.name);
    c = {
      inputNames,
      noInputMessage: `inputs: none of the signature's input fields (${inputNames.join(', ')}) is present`,
      outputChecks: sig.spec.output_fields.map((f) => ({
        name: f.name,
        ok: quickCheck(f),
      })),
    };
    compiled.set(sig, c);
  }
  return c;
}

function outputsConform(c: CompiledSignature, outputs: JsonObject): boolean {
  for (const { name, ok } of c.outputChecks) if (!ok(outputs[name])) return false;
  return true;
}

// A UTC timestamp already in toISOString() form (and a real date: the zod pattern checked it) needs no Date round trip.
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Validates one example against its signature, redacts it and computes its hashes and split.
 * Rows already well shaped skip zod (fastNewExample accepts exactly what NewExampleInput accepts);
 * anything else goes through the zod schema, which reports the problems.
 */
export function prepareExample(sig: StoredSignature, raw: unknown, opts: PrepareOptions): PrepareResult {
  const v = validateExample(sig, raw, opts);
  return v.ok ? { ok: true, example: finishExample(sig, v.value, opts) } : v;
}

/** The validation half of prepareExample: schema, signature fields, field sizes, the label's output check. */
export function validateExample(
  sig: StoredSignature,
  raw: unknown,
  opts: Pick<PrepareOptions, 'maxFieldBytes'> & { skipLabelCheck?: boolean },
): { ok: true; value: NewExample } | { ok: false; errors: string[] } {
  let e: NewExample | undefined = fastNewExample(raw);
  if (!e) {
    const parsed = NewExampleInput.safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`),
      };
    }
    e = parsed.data;
  }
  const c = compile(sig);
  let errors: string[] | undefined;
  let anyInput = false;
  for (const n of c.inputNames) {
    const v = e.inputs[n];
    if (v !== undefined && v !== null) {
      anyInput = true;
      break;
    }
  }
  if (!anyInput) (errors ??= []).push(c.noInputMessage);
  const big = oversized(e.inputs, opts.maxFieldBytes, 'inputs') ?? oversized(e.outputs, opts.maxFieldBytes, 'outputs');
  if (big) (errors ??= []).push(big);
  if ((e.label === 'accepted' || e.label === 'corrected') && !errors && !opts.skipLabelCheck && !outputsConform(c, e.outputs)) {
    const problems = outputProblems(sig.spec, e.outputs);
    if (problems.length) errors = [`label ${e.label} refused: the outputs fail the signature's schema: ${problems.join('; ')}`];
  }
  if (errors) return { ok: false, errors };
  return { ok: true, value: e };
}

/** The second half of prepareExample, for a validated example: redaction, serialization, hashes, split. */
export function finishExample(sig: StoredSignature, e: NewExample, opts: PrepareOptions): PreparedExample {
  const metadata = e.metadata ?? null;
  let inputs = e.inputs;
  let outputs = e.outputs;
  let meta = metadata;
  let redactions = 0;
  if (opts.redactor.enabled) {
    const red = opts.redactor.redact({ inputs, outputs, metadata });
    inputs = red.value.inputs;
    outputs = red.value.outputs;
    meta = red.value.metadata;
    redactions = red.count;
  }
  const ins = serializePair(inputs);
  const outs = serializePair(outputs);
  const inputHash = sha256Hex(`${sig.name}\n${ins.canonical}`);
  const at = e.observed_at;
  return {
    inputsJson: ins.json,
    outputsJson: outs.json,
    inputHash,
    // = contentHashOf(inputs, outputs): canonicalJson({ inputs, outputs }) with the two parts reused
    contentHash: sha256Hex(`{"inputs":${ins.canonical},"outputs":${outs.canonical}}`),
    split: splitFor(inputHash),
    source: e.source,
    label: e.label,
    rating: e.rating ?? null,
    labeledBy: e.label === 'unlabeled' ? null : (e.labeled_by ?? null),
    metadataJson: meta ? JSON.stringify(meta) : null,
    observedAt: at ? (ISO_UTC_MS.test(at) ? at : new Date(at).toISOString()) : opts.now,
    runId: e.run_id ?? null,
    redactions,
    inputBands: inputBandKeys(inputs),
  };
}

function labelAction(label: LabelState): 'accept' | 'reject' | 'correct' {
  return label === 'accepted' ? 'accept' : label === 'rejected' ? 'reject' : 'correct';
}

interface ExampleRow {
  id: string;
  task: string;
  signature_hash: string;
  inputs_json: string;
  outputs_json: string;
  input_hash: string;
  content_hash: string;
  source: Source;
  label_state: LabelState;
  labeled_by: string | null;
  labeled_at: string | null;
  rating: number | null;
  split: Split;
  run_id: string | null;
  import_id: string | null;
  redactions: number;
  metadata_json: string | null;
  observed_at: string;
  created_at: string;
  updated_at: string;
}

export function rowToExample(r: ExampleRow): Example {
  return {
    id: r.id,
    task: r.task,
    signatureHash: r.signature_hash,
    inputs: JSON.parse(r.inputs_json),
    outputs: JSON.parse(r.outputs_json),
    inputHash: r.input_hash,
    contentHash: r.content_hash,
    source: r.source,
    labelState: r.label_state,
    labeledBy: r.labeled_by,
    labeledAt: r.labeled_at,
    rating: r.rating,
    split: r.split,
    runId: r.run_id,
    importId: r.import_id,
    redactions: r.redactions,
    metadata: r.metadata_json ? JSON.parse(r.metadata_json) : null,
    observedAt: r.observed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface ExampleFilter {
  task?: string;
  labelState?: LabelState;
  split?: Split;
  source?: Source;
  limit?: number;
  offset?: number;
}

export interface InsertResult {
  inserted: number;
  duplicates: number;
  ids: string[];
}

const INSERT_EXAMPLES = `INSERT OR IGNORE INTO examples (id, task, signature_hash, inputs_json, outputs_json, input_hash, content_hash, source, label_state,
  labeled_by, labeled_at, rating, split, run_id, import_id, redactions, metadata_json, observed_at, created_at, updated_at, input_bands)`;
const EXAMPLE_COLUMNS = 21;
const ROW_PARAMS = `(${new Array(EXAMPLE_COLUMNS).fill('?').join(', ')})`;
/** Rows per multi-row INSERT (EXAMPLE_COLUMNS parameters each; far below SQLite's parameter limit). */
const INSERT_BATCH = 32;

/**
 * Indexes whose keys arrive in random order on an import (timestamps in any order, a hash prefix):
 * inserted one row at a time they touch a random page per row, far more than the page cache once the
 * table is large, whereas CREATE INDEX builds them with one sort.
 */
const DEFERRABLE_INDEXES = ['examples_task_observed', 'examples_input_prefix'];

/** The examples table: inserts (already prepared rows), reads, deletes. */
export class ExampleRepository {
  private readonly insertStmt;
  private readonly labelEventStmt;
  private readonly insertBatchStmt;
  private readonly idExistsStmt;
  private readonly maxRowidStmt;
  private readonly labelEventsSinceStmt;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {
    this.insertStmt = db.prepare(`${INSERT_EXAMPLES} VALUES ${ROW_PARAMS}`);
    this.insertBatchStmt = db.prepare(`${INSERT_EXAMPLES} VALUES ${new Array(INSERT_BATCH).fill(ROW_PARAMS).join(', ')}`);
    this.idExistsStmt = db.prepare('SELECT 1 FROM examples WHERE id = ?').pluck();
    this.labelEventStmt = db.prepare(
      'INSERT INTO label_events (example_id, action, label_state, rating, previous_outputs_json, outputs_json, by, at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)',
    );
    this.maxRowidStmt = db.prepare('SELECT MAX(rowid) FROM examples').pluck();
    this.labelEventsSinceStmt = db.prepare(
      `INSERT INTO label_events (example_id, action, label_state, rating, previous_outputs_json, outputs_json, by, at)
       SELECT id, CASE label_state WHEN 'accepted' THEN 'accept' WHEN 'rejected' THEN 'reject' ELSE 'correct' END,
              label_state, rating, NULL, outputs_json, labeled_by, labeled_at
       FROM examples WHERE rowid > ? AND label_state <> 'unlabeled' ORDER BY rowid`,
    );
  }

  /**
   * Inserts prepared rows under a task's signature version; exact duplicates (same task, inputs and outputs) are skipped.
   * Call inside a transaction for all-or-nothing batches (the import does); the rows and their
   * label events are written in one savepoint either way.
   * The label history of the inserted labeled rows is written by one INSERT ... SELECT over the rows
   * this call added (rowid above the largest before it, in rowid order), not one statement per row:
   * the same events (action from the label, the row's rating, outputs, labeler and time), in insertion order.
   */
  insertPrepared(sig: SignatureRef, rows: readonly PreparedExample[], ctx: { by: string; importId?: string | null; now?: string }): InsertResult {
    return this.insertEach(sig, rows.length, (k) => rows[k], ctx);
  }

  /**
   * insertPrepared for rows made one at a time (`row(k)` for k = 0..count-1), so a bulk insert
   * does not hold every prepared row in memory at once.
   */
  insertEach(
    sig: SignatureRef,
    count: number,
    row: (k: number) => PreparedExample,
    ctx: { by: string; importId?: string | null; now?: string },
  ): InsertResult {
    return this.db.transaction(() => this.insertRows(sig, count, row, ctx))();
  }

  private insertRows(
    sig: SignatureRef,
    count: number,
    row: (k: number) => PreparedExample,
    ctx: { by: string; importId?: string | null; now?: string },
  ): InsertResult {
    const now = ctx.now ?? new Date().toISOString();
    const importId = ctx.importId ?? null;
    const ids: string[] = [];
    let duplicates = 0;
    const before = (this.maxRowidStmt.get() as number | null) ?? 0;
    // past 2^53 rowids are not exact in JS (and SQLite picks random ones at 2^63): one event statement per row then
    const batchEvents = Number.isSafeInteger(before) && before < Number.MAX_SAFE_INTEGER - count;
    const stmt = this.insertStmt;
    let labeledRows = 0;
    let k = 0;
    if (batchEvents) {
      // INSERT_BATCH rows per statement: fewer statement runs; an ignored (duplicate) row is found by its fresh id
      const args: unknown[] = new Array(INSERT_BATCH * EXAMPLE_COLUMNS);
      const batchIds: string[] = new Array(INSERT_BATCH);
      const batchLabeled: boolean[] = new Array(INSERT_BATCH);
      for (; k + INSERT_BATCH <= count; k += INSERT_BATCH) {
        for (let b = 0; b < INSERT_BATCH; b++) {
          const p = row(k + b);
          const id = newId();
          const labeled = p.label !== 'unlabeled';
          batchIds[b] = id;
          batchLabeled[b] = labeled;
          const o = b * EXAMPLE_COLUMNS;
          args[o] = id;
          args[o + 1] = sig.name;
          args[o + 2] = sig.hash;
          args[o + 3] = p.inputsJson;
          args[o + 4] = p.outputsJson;
          args[o + 5] = p.inputHash;
          args[o + 6] = p.contentHash;
          args[o + 7] = p.source;
          args[o + 8] = p.label;
          args[o + 9] = labeled ? (p.labeledBy ?? ctx.by) : null;
          args[o + 10] = labeled ? now : null;
          args[o + 11] = p.rating;
          args[o + 12] = p.split;
          args[o + 13] = p.runId;
          args[o + 14] = importId;
          args[o + 15] = p.redactions;
          args[o + 16] = p.metadataJson;
          args[o + 17] = p.observedAt;
          args[o + 18] = now;
          args[o + 19] = now;
          args[o + 20] = p.inputBands;
        }
        const all = this.insertBatchStmt.run(args).changes === INSERT_BATCH;
        for (let b = 0; b < INSERT_BATCH; b++) {
          if (!all && this.idExistsStmt.get(batchIds[b]) === undefined) {
            duplicates += 1;
            continue;
          }
          ids.push(batchIds[b]);
          if (batchLabeled[b]) labeledRows += 1;
        }
      }
    }
    for (; k < count; k++) {
      const p = row(k);
      const id = newId();
      const labeled = p.label !== 'unlabeled';
      const labeledBy = labeled ? (p.labeledBy ?? ctx.by) : null;
      const info = stmt.run(
        id, sig.name, sig.hash, p.inputsJson, p.outputsJson, p.inputHash, p.contentHash, p.source, p.label,
        labeledBy, labeled ? now : null, p.rating, p.split, p.runId, importId,
        p.redactions, p.metadataJson, p.observedAt, now, now, p.inputBands,
      );
      if (info.changes === 0) {
        duplicates += 1;
        continue;
      }
      ids.push(id);
      if (labeled) {
        labeledRows += 1;
        if (!batchEvents) this.labelEventStmt.run(id, labelAction(p.label), p.label, p.rating, p.outputsJson, labeledBy, now);
      }
    }
    if (batchEvents && labeledRows > 0) {
      const added = this.labelEventsSinceStmt.run(before).changes;
      if (added !== labeledRows) throw new Error(`label history: wrote ${added} events for ${labeledRows} labeled rows`);
    }
    return { inserted: ids.length, duplicates, ids };
  }

  /** Rows in the table, read in O(1) as the largest rowid (deleted rows still counted). */
  approximateCount(): number {
    return (this.maxRowidStmt.get() as number | null) ?? 0;
  }

  /**
   * Drops the deferrable indexes (inside the caller's transaction) and returns the function that
   * creates them again from their own stored definitions; a rollback restores them as well.
   */
  deferIndexes(): () => void {
    const defs = this.db
      .prepare<string[], { sql: string; name: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (${DEFERRABLE_INDEXES.map(() => '?').join(', ')})`)
      .all(...DEFERRABLE_INDEXES);
    for (const d of defs) this.db.exec(`DROP INDEX ${d.name}`);
    return () => {
      for (const d of defs) this.db.exec(d.sql);
    };
  }

  get(id: string): Example | undefined {
    const r = this.db.prepare<[string], ExampleRow>('SELECT * FROM examples WHERE id = ?').get(id);
    return r ? rowToExample(r) : undefined;
  }

  list(filter: ExampleFilter = {}): Example[] {
    const { sql, params } = where(filter);
    const rows = this.db
      .prepare<unknown[], ExampleRow>(`SELECT * FROM examples ${sql} ORDER BY created_at, rowid LIMIT ? OFFSET ?`)
      .all(...params, filter.limit ?? -1, filter.offset ?? 0);
    return rows.map(rowToExample);
  }

  *iterate(filter: ExampleFilter = {}): IterableIterator<Example> {
    const { sql, params } = where(filter);
    for (const r of this.db.prepare<unknown[], ExampleRow>(`SELECT * FROM examples ${sql} ORDER BY rowid`).iterate(...params)) yield rowToExample(r);
  }

  count(filter: ExampleFilter = {}): number {
    const { sql, params } = where(filter);
    return (this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM examples ${sql}`).get(...params) as { n: number }).n;
  }

  /** Deletes an example (its copies in dataset versions stay: versions are immutable). Audited. */
  delete(id: string, by: string): boolean {
    return this.db
      .transaction(() => {
        const ex = this.get(id);
        if (!ex) return false;
        this.db.prepare('DELETE FROM examples WHERE id = ?').run(id);
        this.audit.append({
          actor: by,
          action: 'data.delete',
          target: id,
          details: {
            task: ex.task,
            signature_hash: ex.signatureHash,
            content_hash: ex.contentHash,
          },
        });
        return true;
      })
      .immediate();
  }
}

function where(f: ExampleFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.task) {
    parts.push('task = ?');
    params.push(f.task);
  }
  if (f.labelState) {
    parts.push('label_state = ?');
    params.push(f.labelState);
  }
  if (f.split) {
    parts.push('split = ?');
    params.push(f.split);
  }
  if (f.source) {
    parts.push('source = ?');
    params.push(f.source);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export { outputProblems };
