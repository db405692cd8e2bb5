import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../storage/database';
import { openDataDir, openDatabase, type OpenOptions } from '../storage/database';
import { AuditLog } from '../audit/audit-log';
import { BiasAccumulator, type BiasReport } from './bias';
import { collectExecution, policyFromSettings, type CollectionPolicy, type CollectResult } from './collection';
import { CsvRowReader, formatFromFileName, parseJsonlLine, readCsvRows, readDspyJsonRows, readJsonlLines, validateImport, validateRow, newImportId, readImportFile, serializeTo, type ExportFormat, type ImportFormat, type FieldMapping, type RowError } from './import-export';
import { applyLabel, labelHistory, latestNotes, undoLabel, type LabelInput } from './labeling';
import { tablePage, type Page, type PageQuery } from './table-page';
import { reportRows, type ReportRows, type SampleOptions } from './report-sample';
import { inputBandKeys } from './near-duplicates';
import { QualityAccumulator, scoreQuality, type DatasetQuality, type QualityItem } from './quality';
import { Redactor } from './redaction';
import { RunRepository, type RunRecordInput } from './runs';
import { loadSettings, saveSettings, type TrainingDataSettings, type TrainingDataSettingsInput } from './settings';
import type { SchemaStatus } from '../../../shared/api/tuning';
import { applyFieldMapping, fieldChanges, fieldMappingSchema, isSchemaChange, misfitReasons, suggestedMapping, type FieldChanges } from '../../../shared/dspy/signature-history';
import { SignatureRepository, TASK_NAME_RE, type StoredSignature } from './signatures';
import { contentHashOf, ExampleRepository, finishExample, inputHashOf, rowToExample, validateExample, type InsertResult } from './store';
import type { Example, JsonObject, LabelState, NewExample, Source } from './types';
import { VersionRepository, versionRowOf, type DatasetVersion, type SnapshotProgress } from './versions';

export interface ImportReport {
  ok: boolean;
  importId?: string;
  file: string;
  format: ImportFormat;
  signature: { name: string; hash: string };
  rows: number;
  inserted: number;
  duplicates: number;
  redactions: number;
  errors: RowError[];
  warnings: string[];
  durationMs: number;
  /** The first valid rows (up to IMPORT_PREVIEW) as they would be stored: redacted, with their label and source. */
  preview: ImportPreviewRow[];
}

export interface ImportPreviewRow {
  inputs: JsonObject;
  outputs: JsonObject;
  label: string;
  source: string;
}

/** Rows an import report shows as its preview. */
export const IMPORT_PREVIEW = 5;

export interface ExportArgs {
  signature: string;
  format: ExportFormat;
  version?: string;
  labelStates?: string[];
  by?: string;
}

/** Rows validated, then written, per batch of an import. */
const IMPORT_BATCH = 5000;
/**
 * An import expected to bring at least this many rows, and at least as many as the table holds,
 * rebuilds the random-order indexes once at the end instead of maintaining them row by row.
 */
const DEFER_INDEXES_FROM = 50_000;
/** Rows an export reads between two progress reports. */
const EXPORT_PROGRESS_ROWS = 10_000;
/** Thrown inside an import's transaction to roll it back when a row was bad. */
const ROLLBACK = Symbol('rollback');

function fileSize(file: string): number {
  return fs.statSync(file).size;
}

export interface ImportArgs {
  signature: string;
  /** A path, or the file's bytes with `fileName`. */
  file?: string;
  data?: Buffer;
  fileName?: string;
  format?: ImportFormat;
  mapping?: FieldMapping;
  source?: Source;
  by?: string;
  /** Validate only. */
  dryRun?: boolean;
  /**
   * done: rows so far; total: rows expected (estimated from bytes until the file is read); bytes of
   * totalBytes read. Called after each batch; an error it throws stops the import and nothing is written.
   */
  onProgress?: (p: { phase: 'parsed' | 'insert' | 'done'; done: number; total: number; bytes: number; totalBytes: number }) => void;
}

export interface OptimizationSet {
  task: string;
  /** The task's current signature version, which every example used here fits. */
  signatureHash: string;
  versionId: string | null;
  threshold: number;
  train: QualityItem[];
  dev: QualityItem[];
  /** Held-out test rows (never given to an optimizer). */
  testCount: number;
  /** rejected: exact; belowThreshold and misfit: within the sample when there is one. */
  excluded: { rejected: number; belowThreshold: number; misfit: number };
  /** Set when the dataset holds more than OPTIMIZER_POOL rows: the stratified sample the rows above were chosen from. */
  sample: { size: number; of: number } | null;
}

/**
 * Rows (not rejected) an optimizer's examples are chosen from at most. A larger dataset gives a sample
 * stratified by split and label state (each stratum its share, its rows those with the lowest content
 * hashes: uniform and the same for the same data), so the table is never loaded whole.
 */
export const OPTIMIZER_POOL = 5_000;

export interface Misfit {
  id: string;
  reasons: string[];
}

export class ValidationError extends Error {
  constructor(
    message: string,
    readonly errors: RowError[],
  ) {
    super(message);
  }
}

/**
 * The training data manager: one object over the SQLite store with every operation the app,
 * the engine and the CLI need. State changes are audited in the same transaction.
 */
export class TrainingData {
  readonly audit: AuditLog;
  readonly signatures: SignatureRepository;
  readonly examples: ExampleRepository;
  readonly runs: RunRepository;
  readonly versions: VersionRepository;
  private cachedSettings?: TrainingDataSettings;
  private cachedRedactor?: Redactor;

  /** openOptions: how db was opened (a worker opening its own connection to the same file uses them). */
  constructor(
    readonly db: Db,
    readonly openOptions: OpenOptions = {},
  ) {
    this.audit = new AuditLog(db);
    this.signatures = new SignatureRepository(db);
    this.examples = new ExampleRepository(db, this.audit);
    this.runs = new RunRepository(db);
    this.versions = new VersionRepository(db, this.audit);
  }

  /** Opens `<dataDir>/studio.db` (migrated). */
  static open(dataDir: string, options: OpenOptions = {}): TrainingData {
    return new TrainingData(openDataDir(dataDir, options), options);
  }

  static openFile(file: string): TrainingData {
    return new TrainingData(openDatabase(path.resolve(file)));
  }

  close(): void {
    this.db.close();
  }

  get settings(): TrainingDataSettings {
    return (this.cachedSettings ??= loadSettings(this.db));
  }

  get redactor(): Redactor {
    return (this.cachedRedactor ??= new Redactor(this.settings.redaction));
  }

  /** Changes settings (validated with zod); audited as config.change. */
  updateSettings(patch: Partial<TrainingDataSettingsInput>, by: string): TrainingDataSettings {
    const next = saveSettings(this.db, this.audit, patch, by);
    this.cachedSettings = next;
    this.cachedRedactor = undefined;
    return next;
  }

  /**
   * Makes a spec the current signature version of the task `name` (idempotent); a moved head is
   * audited as data.signature.register. `misfits` counts the task's examples that do not fit it.
   */
  registerSignature(name: string, spec: unknown, by = 'user'): StoredSignature & { created: boolean; changes: FieldChanges | null; misfits: number } {
    return this.db
      .transaction(() => {
        const s = this.signatures.register(name, spec);
        if (s.headMoved) this.audit.append({ actor: by, action: 'data.signature.register', target: s.hash, details: { name, fields_changed: isSchemaChange(s.changes) } });
        const { headMoved, ...sig } = s;
        return { ...sig, created: headMoved, misfits: headMoved || isSchemaChange(s.changes) ? this.misfits(name).length : this.misfitCount(name) };
      })
      .immediate();
  }

  /** The task's examples whose fields do not fit its current signature. */
  misfits(task: string): Misfit[] {
    const head = this.signatures.task(task)?.head;
    if (!head) return [];
    const out: Misfit[] = [];
    for (const e of this.examples.iterate({ task })) {
      const reasons = misfitReasons(head.spec, e.inputs, e.outputs);
      if (reasons.length) out.push({ id: e.id, reasons });
    }
    return out;
  }

  /** How the task's examples fit its current signature, with the change and mapping that would fit them. */
  schemaStatus(task: string): SchemaStatus {
    const t = this.signatures.task(task);
    if (!t) throw new Error(`no dataset named ${task}`);
    const misfits = this.misfits(task);
    // The version most misfits were made under is the one the user changed away from.
    const byVersion = new Map<string, number>();
    for (const m of misfits) {
      const h = this.examples.get(m.id)!.signatureHash;
      byVersion.set(h, (byVersion.get(h) ?? 0) + 1);
    }
    const from = [...byVersion.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const changes = from && from !== t.head.hash ? fieldChanges(this.signatures.get(from).spec, t.head.spec) : null;
    return {
      task,
      head: { hash: t.head.hash, spec: t.head.spec, registeredAt: t.updatedAt },
      versions: this.signatures.versions(task).map((v) => ({ hash: v.hash, registeredAt: v.createdAt, head: v.head, instructions: v.spec.instructions ?? '' })),
      misfits: misfits.length,
      sample: misfits.slice(0, 20),
      changes,
      suggested: changes && isSchemaChange(changes) ? suggestedMapping(changes) : null,
    };
  }

  private misfitCount(task: string): number {
    return this.misfits(task).length;
  }

  /**
   * Answers a schema change: rewrites the task's misfitting examples with a field mapping (renames,
   * defaults for new inputs) under the current signature version. A row the mapping would make
   * identical to another is left as it was and reported. Audited in the same transaction.
   */
  mapFields(task: string, mappingInput: unknown, by = 'user'): { mapped: number; stillMisfit: number; clashes: number } {
    const parsed = fieldMappingSchema.safeParse(mappingInput ?? {});
    if (!parsed.success) throw new Error(`invalid field mapping: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(mapping)'}: ${i.message}`).join('; ')}`);
    const mapping = parsed.data;
    const head = this.signatures.resolve(task);
    return this.db
      .transaction(() => {
        let mapped = 0;
        let clashes = 0;
        const update = this.db.prepare('UPDATE examples SET inputs_json = ?, outputs_json = ?, content_hash = ?, signature_hash = ?, updated_at = ?, input_bands = ? WHERE id = ?');
        const clash = this.db.prepare<[string, string, string], { id: string }>('SELECT id FROM examples WHERE task = ? AND content_hash = ? AND id <> ?');
        const now = new Date().toISOString();
        for (const m of this.misfits(task)) {
          const e = this.examples.get(m.id)!;
          const next = applyFieldMapping(head.spec, mapping, e.inputs, e.outputs);
          if (misfitReasons(head.spec, next.inputs, next.outputs).length) continue;
          const contentHash = contentHashOf(next.inputs, next.outputs);
          if (clash.get(task, contentHash, e.id)) {
            clashes += 1;
            continue;
          }
          update.run(JSON.stringify(next.inputs), JSON.stringify(next.outputs), contentHash, head.hash, now, inputBandKeys(next.inputs), e.id);
          mapped += 1;
        }
        const stillMisfit = this.misfitCount(task);
        this.audit.append({ actor: by, action: 'data.fields.map', target: task, details: { signature_hash: head.hash, mapping, mapped, still_misfit: stillMisfit, clashes } });
        return { mapped, stillMisfit, clashes };
      })
      .immediate();
  }

  /**
   * The other answer to a schema change: the task's misfitting examples move, with their runs'
   * links and label history, to a new task that keeps the signature version they were made under.
   */
  splitOffMisfits(task: string, newTask: string, by = 'user'): { moved: number; task: string } {
    if (!TASK_NAME_RE.test(newTask)) throw new Error(`dataset name ${JSON.stringify(newTask)} must be an identifier (letters, digits, _ . -)`);
    if (this.signatures.task(newTask)) throw new Error(`a dataset named ${newTask} already exists`);
    return this.db
      .transaction(() => {
        const ids = this.misfits(task).map((m) => m.id);
        if (ids.length === 0) throw new Error(`every example of ${task} fits its signature: nothing to move`);
        const first = this.examples.get(ids[0])!;
        this.signatures.register(newTask, this.signatures.get(first.signatureHash).spec);
        const move = this.db.prepare('UPDATE examples SET task = ?, updated_at = ? WHERE id = ?');
        const now = new Date().toISOString();
        for (const id of ids) move.run(newTask, now, id);
        this.audit.append({ actor: by, action: 'data.fields.split', target: task, details: { to: newTask, moved: ids.length } });
        return { moved: ids.length, task: newTask };
      })
      .immediate();
  }

  /**
   * Adds examples (user feedback or synthetic generation); all or none. Every row is validated
   * first (nothing is written when one fails); then each is redacted, hashed and inserted in one
   * transaction, one at a time, so the prepared rows are not all held in memory.
   */
  addExamples(signature: string, rows: readonly unknown[], by = 'user'): InsertResult {
    const sig = this.signatures.resolve(signature);
    const now = new Date().toISOString();
    const errors: RowError[] = [];
    const settings = this.settings;
    const prep = { redactor: this.redactor, now, maxFieldBytes: settings.max_field_bytes };
    const valid: NewExample[] = [];
    for (let i = 0; i < rows.length; i++) {
      const raw = rows[i];
      const src = (raw as { source?: string } | null)?.source ?? 'user_feedback';
      if (!settings.sources.includes(src as Source)) {
        errors.push({ line: i + 1, field: 'source', message: `source ${src} is not enabled in training_data.sources` });
        continue;
      }
      const r = validateExample(sig, raw, prep);
      if (r.ok) valid.push(r.value);
      else for (const m of r.errors) errors.push({ line: i + 1, message: m });
    }
    if (errors.length) throw new ValidationError(`${errors.length} invalid example(s): ${errors.slice(0, 5).map((e) => `#${e.line}: ${e.message}`).join('; ')}`, errors);
    return this.db
      .transaction(() => {
        const res = this.examples.insertEach(sig, valid.length, (k) => finishExample(sig, valid[k], prep), { by, now });
        this.audit.append({ actor: by, action: 'data.add', target: sig.name, details: { signature_hash: sig.hash, inserted: res.inserted, duplicates: res.duplicates } });
        return res;
      })
      .immediate();
  }

  /**
   * Imports a file in one transaction, all or nothing. JSONL is streamed: read in chunks, each row
   * parsed, validated, redacted, hashed and inserted in batches, so memory does not grow with the
   * file; a bad row rolls the transaction back (every bad row is still reported). CSV is streamed
   * the same way; DSPy JSON (one JSON document) is parsed whole first.
   */
  importFile(args: ImportArgs): ImportReport {
    const started = performance.now();
    const sig = this.signatures.resolve(args.signature);
    const fileName = args.fileName ?? args.file ?? '(data)';
    const format = args.format ?? formatFromFileName(fileName);
    const prep = { redactor: this.redactor, now: new Date().toISOString(), maxFieldBytes: this.settings.max_field_bytes };
    const options = { format, mapping: args.mapping, defaultSource: args.source, allowedSources: this.settings.sources };
    const report: ImportReport = { ok: false, file: fileName, format: format ?? 'jsonl', signature: { name: sig.name, hash: sig.hash }, rows: 0, inserted: 0, duplicates: 0, redactions: 0, errors: [], warnings: [], durationMs: 0, preview: [] };
    const by = args.by ?? 'user';
    const importId = newImportId();
    const now = new Date().toISOString();
    const write = !args.dryRun;
    const source = args.data ? { data: args.data } : { file: args.file! };
    const totalBytes = args.data ? args.data.length : fileSize(args.file!);
    let valid = 0;
    let batch: NewExample[] = [];
    let rebuildIndexes: (() => void) | undefined;
    let firstWrite = true;
    // rows are finished (redacted, serialized, hashed) only as their batch is written
    const flush = (expectedRows: number) => {
      if (write && report.errors.length === 0) {
        if (firstWrite && expectedRows >= DEFER_INDEXES_FROM && expectedRows >= this.examples.approximateCount()) rebuildIndexes = this.examples.deferIndexes();
        firstWrite = false;
        const r = this.examples.insertEach(sig, batch.length, (k) => {
          const p = finishExample(sig, batch[k], prep);
          report.redactions += p.redactions;
          return p;
        }, { by, importId, now });
        report.inserted += r.inserted;
        report.duplicates += r.duplicates;
      } else for (const e of batch) report.redactions += finishExample(sig, e, prep).redactions;
      batch = [];
    };
    const accept = (e: NewExample, bytesRead: number) => {
      if (report.preview.length < IMPORT_PREVIEW) {
        const p = finishExample(sig, e, prep);
        report.preview.push({ inputs: JSON.parse(p.inputsJson), outputs: JSON.parse(p.outputsJson), label: p.label, source: p.source });
      }
      valid += 1;
      batch.push(e);
      if (batch.length < IMPORT_BATCH) return;
      // rows still to come, estimated from the bytes read so far
      const total = Math.max(valid, Math.round((valid * totalBytes) / Math.max(1, bytesRead)));
      flush(total);
      args.onProgress?.({ phase: 'insert', done: valid, total, bytes: bytesRead, totalBytes });
    };
    const body = () => {
      if (write) {
        this.db
          .prepare('INSERT INTO imports (id, task, signature_hash, file_name, file_sha256, format, row_count, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(importId, sig.name, sig.hash, path.basename(fileName), '', format ?? 'jsonl', 0, by, now);
      }
      let fileSha256: string;
      if (format === 'jsonl') {
        fileSha256 = readJsonlLines(source, (line, text, error, bytesRead) => {
          if (error) return void report.errors.push(error);
          const parsed = parseJsonlLine(text!, line, sig);
          if (parsed.row) report.rows += 1;
          for (const e of parsed.errors) report.errors.push(e);
          if (!parsed.row) return;
          const r = validateRow(parsed.row, sig, prep, options);
          for (const e of r.errors) report.errors.push(e);
          if (r.value) accept(r.value, bytesRead);
        }).sha256;
      } else if (format === 'csv') {
        const reader = new CsvRowReader(sig, args.mapping ?? {}, prep.maxFieldBytes);
        fileSha256 = readCsvRows(source, reader, (row, bytesRead) => {
          report.rows += 1;
          const r = validateRow(row, sig, prep, options);
          for (const e of r.errors) report.errors.push(e);
          if (r.value) accept(r.value, bytesRead);
        }).sha256;
        report.rows += reader.errors.filter((e) => e.line > 1).length;
        // a loop, not push(...): every row of a large file may be in error
        for (const e of reader.errors) report.errors.push(e);
        report.errors.sort((a, b) => a.line - b.line);
        report.warnings = reader.warnings;
      } else if (format === 'dspy') {
        const r = readDspyJsonRows(source, sig, (example, bytesRead) => {
          report.rows += 1;
          for (const e of example.errors) report.errors.push(e);
          if (!example.row) return;
          const v = validateRow(example.row, sig, prep, options);
          for (const e of v.errors) report.errors.push(e);
          if (v.value) accept(v.value, bytesRead);
        });
        for (const e of r.errors) report.errors.push(e);
        report.errors.sort((a, b) => a.line - b.line);
        fileSha256 = r.sha256;
      } else {
        const parsed = validateImport(args.data ?? readImportFile(args.file!), fileName, sig, prep, options);
        report.format = parsed.format;
        for (const e of parsed.errors) report.errors.push(e);
        fileSha256 = parsed.fileSha256;
      }
      flush(valid);
      if (report.errors.length === 0 && valid === 0) report.errors.push({ line: 0, message: 'the file holds no examples' });
      args.onProgress?.({ phase: 'parsed', done: valid, total: valid, bytes: totalBytes, totalBytes });
      if (!write) return;
      if (report.errors.length) throw ROLLBACK;
      rebuildIndexes?.();
      this.db.prepare('UPDATE imports SET file_sha256 = ?, row_count = ? WHERE id = ?').run(fileSha256, valid, importId);
      this.audit.append({
        actor: by,
        action: 'data.import',
        target: importId,
        details: { task: sig.name, signature_hash: sig.hash, file: path.basename(fileName), file_sha256: fileSha256, format: report.format, inserted: report.inserted, duplicates: report.duplicates, redactions: report.redactions },
      });
    };
    try {
      if (write) this.db.transaction(body).immediate();
      else body();
    } catch (err) {
      if (err !== ROLLBACK) throw err;
    }
    if (report.errors.length || !write) {
      // nothing was written (a rolled-back transaction inserted nothing)
      report.inserted = 0;
      report.duplicates = 0;
      report.ok = report.errors.length === 0;
      report.durationMs = performance.now() - started;
      return report;
    }
    args.onProgress?.({ phase: 'done', done: valid, total: valid, bytes: totalBytes, totalBytes });
    report.ok = true;
    report.importId = importId;
    report.durationMs = performance.now() - started;
    return report;
  }

  /** Serializes a signature's examples (or a version's rows) as stored: redacted values stay redacted. */
  exportData(args: ExportArgs): string {
    const parts: string[] = [];
    this.exportTo(args, (chunk) => parts.push(chunk));
    return parts.join('');
  }

  /** exportData streamed to `write` in chunks (rows read one at a time from SQLite); returns the rows written. */
  /** onProgress: after every EXPORT_PROGRESS_ROWS rows read (done: rows read of the dataset's or version's total). */
  exportTo(args: ExportArgs, write: (chunk: string) => void, onProgress?: (p: { done: number; total: number; share: number }) => void): number {
    const sig = this.signatures.resolve(args.signature);
    const wanted = args.labelStates;
    const rows = this.streamItems(sig.name, args.version);
    const total = args.version ? (this.versions.resolve(args.version, sig.name)?.rowCount ?? 0) : this.examples.count({ task: sig.name });
    let read = 0;
    function* filtered() {
      for (const r of rows) {
        read += 1;
        if (onProgress && read % EXPORT_PROGRESS_ROWS === 0) onProgress({ done: read, total, share: read / Math.max(1, total) });
        if (!wanted || wanted.includes(r.labelState)) yield r;
      }
    }
    return serializeTo(filtered(), sig, args.format, (ids) => this.notes(ids), write);
  }

  /** The labelers' latest notes of these examples. */
  notes(exampleIds: readonly string[]): Map<string, string> {
    return latestNotes(this.db, exampleIds);
  }

  label(exampleId: string, input: LabelInput): Example {
    return applyLabel({ db: this.db, audit: this.audit, signatures: this.signatures, examples: this.examples, redactor: this.redactor }, exampleId, input);
  }

  /** Undoes the example's latest label (see undoLabel). */
  undoLabel(exampleId: string, by: string): Example {
    return undoLabel({ db: this.db, audit: this.audit, examples: this.examples }, exampleId, by);
  }

  labelHistory(exampleId: string) {
    return labelHistory(this.db, exampleId);
  }

  deleteExample(id: string, by: string): boolean {
    return this.examples.delete(id, by);
  }

  /** For the engine: records a run and collects it as an example when the policy allows. */
  collectExecution(run: RunRecordInput | { runId: string }, overrides: Partial<CollectionPolicy> = {}): CollectResult {
    return collectExecution(
      { db: this.db, audit: this.audit, runs: this.runs, signatures: this.signatures, examples: this.examples, redactor: this.redactor, maxFieldBytes: this.settings.max_field_bytes },
      run,
      policyFromSettings(this.settings, overrides),
    );
  }

  createVersion(args: { signature: string; by?: string; note?: string; onProgress?: (p: SnapshotProgress) => void }): DatasetVersion & { sameAsParent: boolean } {
    const sig = this.signatures.resolve(args.signature);
    return this.versions.create({ sig, by: args.by ?? 'user', note: args.note, versioningEnabled: this.settings.versioning_enabled, onProgress: args.onProgress });
  }

  /** Two versions of a task compared: counts, and up to `limit` rows of each kind (see VersionRepository.diffRows). */
  versionDiff(task: string, from: string, to: string, limit = 500): ReturnType<VersionRepository['diffRows']> {
    const sig = this.signatures.resolve(task);
    const resolve = (ref: string) => {
      const v = this.versions.resolve(ref, sig.name);
      if (!v || v.task !== sig.name) throw new Error(`no dataset version ${ref} of ${sig.name}`);
      return v.id;
    };
    return this.versions.diffRows(resolve(from), resolve(to), limit);
  }

  /** Quality items of a task's live examples, or of a version's rows. */
  itemsFor(task: string, version?: string): (QualityItem & { runId?: string | null })[] {
    return [...this.streamItems(task, version)];
  }

  /** itemsFor one row at a time, straight from SQLite (memory does not grow with the dataset). */
  streamItems(task: string, version?: string): IterableIterator<QualityItem & { runId?: string | null }> {
    return version ? this.versions.iterateRows(this.versionOf(task, version).id) : this.examples.iterate({ task });
  }

  /** One page of the table (filters, sort and cut in SQL), each row with its quality. */
  page(task: string, query: Omit<PageQuery, 'versionId'> & { version?: string }): Page & { threshold: number } {
    const sig = this.signatures.resolve(task);
    let versionId: string | undefined;
    if (query.version) {
      const v = this.versions.resolve(query.version, sig.name);
      if (!v || v.task !== sig.name) throw new Error(`no dataset version ${query.version} of ${sig.name}`);
      versionId = v.id;
    }
    const threshold = this.settings.quality_threshold;
    return { ...tablePage(this.db, sig.name, sig.spec, { ...query, versionId }, { threshold, halfLifeDays: this.settings.freshness_half_life_days }), threshold };
  }

  /** The bias report alone, one streaming pass (over a uniform sample above `sampling.exactUpTo` rows). */
  bias(signature: string, version?: string, options: { sampling?: SampleOptions } = {}): BiasReport {
    const sig = this.signatures.resolve(signature);
    const src = this.reportSource(sig.name, version, options.sampling, false);
    const acc = new BiasAccumulator(sig.spec, src.population);
    let n = 0;
    for (const it of src.rows) {
      n += 1;
      if (this.settings.bias_detection) acc.add(it);
    }
    return { ...acc.result(this.settings.bias_detection), examples: src.population ?? n };
  }

  /**
   * Quality and bias in one streaming pass over the rows; above `sampling.exactUpTo` rows (default
   * REPORT_SAMPLE) over a uniform sample, the figures then carrying their sample size and 95%
   * intervals. Per-example scores only when asked for.
   */
  quality(signature: string, options: { version?: string; threshold?: number; now?: Date; perExample?: boolean; sampling?: SampleOptions } = {}): DatasetQuality & { bias: BiasReport } {
    const sig = this.signatures.resolve(signature);
    const enabled = this.settings.bias_detection;
    // per-example scores are asked for every example: no sample then
    const src = this.reportSource(sig.name, options.version, options.perExample ? { exactUpTo: Infinity, size: 0 } : options.sampling);
    const biasAcc = new BiasAccumulator(sig.spec, src.population);
    const qualityAcc = new QualityAccumulator(sig.spec, {
      threshold: options.threshold ?? this.settings.quality_threshold,
      now: options.now,
      halfLifeDays: this.settings.freshness_half_life_days,
      perExample: options.perExample,
      population: src.population,
      conflicts: src.conflicts,
    });
    let n = 0;
    for (const it of src.rows) {
      n += 1;
      qualityAcc.add(it);
      if (enabled) biasAcc.add(it);
    }
    const bias = { ...biasAcc.result(enabled), examples: src.population ?? n };
    return { ...qualityAcc.result(bias.biasScore), bias };
  }

  private reportSource(task: string, version: string | undefined, sampling?: SampleOptions, withConflicts = true): ReportRows {
    if (!version) return reportRows(this.db, { task }, sampling, withConflicts);
    const v = this.versionOf(task, version);
    return reportRows(this.db, { versionId: v.id, rowCount: v.rowCount }, sampling, withConflicts);
  }

  /**
   * The rows an optimizer (or an evaluation) reads, by bounded queries, never the whole table: every
   * row of the task (or version) while it holds at most OPTIMIZER_POOL rows; above, only the rows in
   * `labelStates` (default: all but rejected): all of them up to OPTIMIZER_POOL, else a stratified
   * sample of about OPTIMIZER_POOL (each split × label state its share; within a stratum the rows
   * with the lowest content hashes, so the same data gives the same sample). `rejected` is exact.
   */
  optimizerPool(task: string, version?: string, labelStates?: readonly LabelState[]): { items: QualityItem[]; sample: { size: number; of: number } | null; rejected: number } {
    const versionId = version ? this.versionOf(task, version).id : undefined;
    const counts = (
      versionId
        ? this.db.prepare('SELECT label_state AS l, split AS s, SUM(n) AS n FROM version_counts WHERE version_id = ? GROUP BY label_state, split').all(versionId)
        : this.db.prepare('SELECT label_state AS l, split AS s, SUM(n) AS n FROM example_counts WHERE task = ? GROUP BY label_state, split').all(task)
    ) as { l: LabelState; s: string; n: number }[];
    const wanted = (l: LabelState) => (labelStates ? labelStates.includes(l) : l !== 'rejected');
    let rejected = 0;
    let all = 0;
    let of = 0;
    for (const c of counts) {
      all += c.n;
      if (c.l === 'rejected') rejected += c.n;
      if (wanted(c.l)) of += c.n;
    }
    if (all <= OPTIMIZER_POOL) return { items: [...this.streamItems(task, version)].filter((i) => wanted(i.labelState)), sample: null, rejected };
    const states = [...new Set(counts.map((c) => c.l).filter(wanted))];
    const marks = states.map(() => '?').join(', ') || 'NULL';
    if (of <= OPTIMIZER_POOL) {
      const items = versionId
        ? this.db.prepare(`SELECT * FROM version_rows WHERE version_id = ? AND label_state IN (${marks}) ORDER BY example_id`).all(versionId, ...states).map((r) => versionRowOf(r))
        : this.db.prepare<unknown[], Parameters<typeof rowToExample>[0]>(`SELECT * FROM examples WHERE task = ? AND label_state IN (${marks}) ORDER BY rowid`).all(task, ...states).map(rowToExample);
      return { items, sample: null, rejected };
    }
    // each stratum's share, then its lowest content hashes out of a range twice the expected size
    const want = new Map(counts.filter((c) => wanted(c.l)).map((c) => [`${c.l}|${c.s}`, Math.max(1, Math.round((c.n / of) * OPTIMIZER_POOL))]));
    const bound = Math.min(0xffffffff, Math.ceil(((2 * OPTIMIZER_POOL) / of) * 2 ** 32)).toString(16).padStart(8, '0');
    const rows = versionId
      ? this.db.prepare(`SELECT * FROM version_rows WHERE version_id = ? AND content_hash < ? AND label_state IN (${marks})`).all(versionId, bound, ...states).map((r) => versionRowOf(r))
      : this.db.prepare<unknown[], Parameters<typeof rowToExample>[0]>(`SELECT * FROM examples WHERE task = ? AND content_hash < ? AND label_state IN (${marks})`).all(task, bound, ...states).map(rowToExample);
    rows.sort((a, b) => (a.contentHash < b.contentHash ? -1 : a.contentHash > b.contentHash ? 1 : 0));
    const items: QualityItem[] = [];
    for (const r of rows) {
      const key = `${r.labelState}|${r.split}`;
      const left = want.get(key) ?? 0;
      if (left <= 0) continue;
      want.set(key, left - 1);
      items.push(r);
    }
    return { items, sample: { size: items.length, of }, rejected };
  }

  /** The latest live example of a task with exactly these inputs (an index lookup), if any; only one in the version's rows when a version is given. */
  exampleWithInputs(task: string, inputs: JsonObject, version?: string): Example | undefined {
    const rows = this.db
      .prepare<[string, string], Parameters<typeof rowToExample>[0]>('SELECT * FROM examples WHERE task = ? AND input_hash = ? ORDER BY rowid DESC')
      .all(task, inputHashOf(task, inputs));
    if (!version) return rows.length ? rowToExample(rows[0]) : undefined;
    const versionId = this.versionOf(task, version).id;
    const inVersion = this.db.prepare('SELECT 1 FROM version_rows WHERE version_id = ? AND example_id = ?');
    const hit = rows.find((r) => inVersion.get(versionId, r.id));
    return hit ? rowToExample(hit) : undefined;
  }

  private versionOf(task: string, version: string): DatasetVersion {
    const v = this.versions.resolve(version, task);
    if (!v) throw new Error(`no dataset version ${version}`);
    if (v.task !== task) throw new Error(`version ${version} belongs to another dataset (${v.task})`);
    return v;
  }

  /**
   * The examples an optimizer may use: not rejected, quality >= threshold (default
   * training_data.quality_threshold) and fitting the task's current signature, from a version
   * (recommended: stable) or the live set; train and dev by the example's deterministic split;
   * test rows are held out.
   */
  examplesForOptimization(task: string, versionId?: string, threshold?: number, now?: Date): OptimizationSet {
    const sig = this.signatures.resolve(task);
    const version = versionId ? this.versions.resolve(versionId, sig.name) : undefined;
    if (versionId && (!version || version.task !== sig.name)) throw new Error(`no dataset version ${versionId} of ${sig.name}`);
    const pool = this.optimizerPool(sig.name, version?.id);
    const items = pool.items;
    const t = threshold ?? this.settings.quality_threshold;
    const q = scoreQuality(sig.spec, items, { threshold: t, now, halfLifeDays: this.settings.freshness_half_life_days });
    const fits = (i: QualityItem) => misfitReasons(sig.spec, i.inputs, i.outputs).length === 0;
    // a misfit is scored against fields it does not have: it counts as a misfit, not as low quality
    const fit = items.map(fits);
    const usable = new Set(q.perExample.filter((e, i) => e.usable && fit[i]).map((e) => e.id));
    const pick = items.filter((i) => usable.has(i.id));
    return {
      task: sig.name,
      signatureHash: sig.hash,
      versionId: version?.id ?? null,
      threshold: t,
      train: pick.filter((i) => i.split === 'train'),
      dev: pick.filter((i) => i.split === 'dev'),
      testCount: pick.filter((i) => i.split === 'test').length,
      sample: pool.sample,
      excluded: {
        rejected: pool.rejected,
        belowThreshold: q.perExample.filter((e, i) => fit[i] && !e.usable && !e.reasons.includes('rejected')).length,
        misfit: items.filter((it, i) => !fit[i] && it.labelState !== 'rejected').length,
      },
    };
  }
}
