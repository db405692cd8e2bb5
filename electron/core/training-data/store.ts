import type { Db } from '../storage/database';
import { canonicalJson, newId, sha256Hex } from '../storage/hashing';
import type { AuditLog } from '../audit/audit-log';
import { outputProblems } from './json-schema';
import type { Redactor } from './redaction';
import type { StoredSignature } from './signatures';
import { splitFor } from './splits';
import { NewExampleInput, type Example, type JsonObject, type LabelState, type Source, type Split } from './types';

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
}

export type PrepareResult = { ok: true; example: PreparedExample } | { ok: false; errors: string[] };

export interface PrepareOptions {
  redactor: Redactor;
  now: string;
  maxFieldBytes: number;
}

export function inputHashOf(signatureHash: string, inputs: JsonObject): string {
  return sha256Hex(`${signatureHash}\n${canonicalJson(inputs)}`);
}

export function contentHashOf(inputs: JsonObject, outputs: JsonObject): string {
  return sha256Hex(canonicalJson({ inputs, outputs }));
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
    for (const [k, v] of Object.entries(value)) {
      const r = oversized(v, limit, `${path}.${k}`);
      if (r) return r;
    }
  }
  return undefined;
}

/** Validates one example against its signature, redacts it and computes its hashes and split. */
export function prepareExample(sig: StoredSignature, raw: unknown, opts: PrepareOptions): PrepareResult {
  const parsed = NewExampleInput.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`) };
  }
  const e = parsed.data;
  const errors: string[] = [];
  const declaredInputs = sig.spec.input_fields.map((f) => f.name);
  if (!declaredInputs.some((n) => e.inputs[n] !== undefined && e.inputs[n] !== null)) {
    errors.push(`inputs: none of the signature's input fields (${declaredInputs.join(', ')}) is present`);
  }
  const big = oversized(e.inputs, opts.maxFieldBytes, 'inputs') ?? oversized(e.outputs, opts.maxFieldBytes, 'outputs');
  if (big) errors.push(big);
  if ((e.label === 'accepted' || e.label === 'corrected') && errors.length === 0) {
    const problems = outputProblems(sig.spec, e.outputs);
    if (problems.length) errors.push(`label ${e.label} refused: the outputs fail the signature's schema: ${problems.join('; ')}`);
  }
  if (errors.length) return { ok: false, errors };
  const red = opts.redactor.redact({ inputs: e.inputs, outputs: e.outputs, metadata: e.metadata ?? null });
  const inputs = red.value.inputs;
  const outputs = red.value.outputs;
  const inputHash = inputHashOf(sig.hash, inputs);
  return {
    ok: true,
    example: {
      inputsJson: JSON.stringify(inputs),
      outputsJson: JSON.stringify(outputs),
      inputHash,
      contentHash: contentHashOf(inputs, outputs),
      split: splitFor(inputHash),
      source: e.source,
      label: e.label,
      rating: e.rating ?? null,
      labeledBy: e.label === 'unlabeled' ? null : (e.labeled_by ?? null),
      metadataJson: red.value.metadata ? JSON.stringify(red.value.metadata) : null,
      observedAt: e.observed_at ? new Date(e.observed_at).toISOString() : opts.now,
      runId: e.run_id ?? null,
      redactions: red.count,
    },
  };
}

interface ExampleRow {
  id: string;
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
  signatureHash?: string;
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

/** The examples table: inserts (already prepared rows), reads, deletes. */
export class ExampleRepository {
  private readonly insertStmt;
  private readonly labelEventStmt;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO examples (id, signature_hash, inputs_json, outputs_json, input_hash, content_hash, source, label_state,
         labeled_by, labeled_at, rating, split, run_id, import_id, redactions, metadata_json, observed_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.labelEventStmt = db.prepare(
      'INSERT INTO label_events (example_id, action, label_state, rating, previous_outputs_json, outputs_json, by, at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)',
    );
  }

  /**
   * Inserts prepared rows; exact duplicates (same signature, inputs and outputs) are skipped.
   * Call inside a transaction for all-or-nothing batches (the import does).
   */
  insertPrepared(signatureHash: string, rows: readonly PreparedExample[], ctx: { by: string; importId?: string | null; now?: string }): InsertResult {
    const now = ctx.now ?? new Date().toISOString();
    const ids: string[] = [];
    let duplicates = 0;
    for (const p of rows) {
      const id = newId();
      const labeled = p.label !== 'unlabeled';
      const info = this.insertStmt.run(
        id, signatureHash, p.inputsJson, p.outputsJson, p.inputHash, p.contentHash, p.source, p.label,
        labeled ? (p.labeledBy ?? ctx.by) : null, labeled ? now : null, p.rating, p.split, p.runId, ctx.importId ?? null,
        p.redactions, p.metadataJson, p.observedAt, now, now,
      );
      if (info.changes === 0) {
        duplicates += 1;
        continue;
      }
      ids.push(id);
      if (labeled) {
        const action = p.label === 'accepted' ? 'accept' : p.label === 'rejected' ? 'reject' : 'correct';
        this.labelEventStmt.run(id, action, p.label, p.rating, p.outputsJson, p.labeledBy ?? ctx.by, now);
      }
    }
    return { inserted: ids.length, duplicates, ids };
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
        this.audit.append({ actor: by, action: 'data.delete', target: id, details: { signature_hash: ex.signatureHash, content_hash: ex.contentHash } });
        return true;
      })
      .immediate();
  }
}

function where(f: ExampleFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (f.signatureHash) {
    parts.push('signature_hash = ?');
    params.push(f.signatureHash);
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
