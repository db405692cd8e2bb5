import path from 'node:path';
import type { Db } from '../storage/database';
import { openDataDir, openDatabase, type OpenOptions } from '../storage/database';
import { AuditLog } from '../audit/audit-log';
import { detectBias, type BiasReport } from './bias';
import { collectExecution, policyFromSettings, type CollectionPolicy, type CollectResult } from './collection';
import { validateImport, newImportId, readImportFile, serialize, type ExportFormat, type ImportFormat, type FieldMapping, type RowError } from './import-export';
import { applyLabel, labelHistory, type LabelInput } from './labeling';
import { scoreQuality, type DatasetQuality, type QualityItem } from './quality';
import { Redactor } from './redaction';
import { RunRepository, type RunRecordInput } from './runs';
import { loadSettings, saveSettings, type TrainingDataSettings, type TrainingDataSettingsInput } from './settings';
import { SignatureRepository, type StoredSignature } from './signatures';
import { ExampleRepository, finishExample, validateExample, type InsertResult, type PreparedExample } from './store';
import type { Example, NewExample, Source } from './types';
import { VersionRepository, type DatasetVersion } from './versions';

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
  onProgress?: (p: { phase: 'parsed' | 'insert' | 'done'; done: number; total: number }) => void;
}

export interface OptimizationSet {
  signatureHash: string;
  versionId: string | null;
  threshold: number;
  train: QualityItem[];
  dev: QualityItem[];
  /** Held-out test rows (never given to an optimizer). */
  testCount: number;
  excluded: { rejected: number; belowThreshold: number };
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

  constructor(readonly db: Db) {
    this.audit = new AuditLog(db);
    this.signatures = new SignatureRepository(db);
    this.examples = new ExampleRepository(db, this.audit);
    this.runs = new RunRepository(db);
    this.versions = new VersionRepository(db, this.audit);
  }

  /** Opens `<dataDir>/studio.db` (migrated). */
  static open(dataDir: string, options: OpenOptions = {}): TrainingData {
    return new TrainingData(openDataDir(dataDir, options));
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

  /** Registers a signature spec under a name (idempotent); a new hash is audited as data.signature.register. */
  registerSignature(name: string, spec: unknown, by = 'user'): StoredSignature & { created: boolean } {
    return this.db
      .transaction(() => {
        const count = () => (this.db.prepare('SELECT COUNT(*) AS n FROM signatures').get() as { n: number }).n;
        const before = count();
        const s = this.signatures.register(name, spec);
        const created = count() > before;
        if (created) this.audit.append({ actor: by, action: 'data.signature.register', target: s.hash, details: { name } });
        return { ...s, created };
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
        const res = this.examples.insertEach(sig.hash, valid.length, (k) => finishExample(sig, valid[k], prep), { by, now });
        this.audit.append({ actor: by, action: 'data.add', target: sig.hash, details: { inserted: res.inserted, duplicates: res.duplicates } });
        return res;
      })
      .immediate();
  }

  /** Parses and validates the whole file first; imports in one transaction only when every row is valid. */
  importFile(args: ImportArgs): ImportReport {
    const started = performance.now();
    const sig = this.signatures.resolve(args.signature);
    const fileName = args.fileName ?? args.file ?? '(data)';
    const buf = args.data ?? readImportFile(args.file!);
    const prep = { redactor: this.redactor, now: new Date().toISOString(), maxFieldBytes: this.settings.max_field_bytes };
    const parsed = validateImport(buf, fileName, sig, prep, {
      format: args.format,
      mapping: args.mapping,
      defaultSource: args.source,
      allowedSources: this.settings.sources,
    });
    const report: ImportReport = {
      ok: false,
      file: fileName,
      format: parsed.format,
      signature: { name: sig.name, hash: sig.hash },
      rows: parsed.valid.length + parsed.errors.length,
      inserted: 0,
      duplicates: 0,
      redactions: 0,
      errors: parsed.errors,
      warnings: parsed.warnings,
      durationMs: 0,
    };
    if (parsed.errors.length === 0 && parsed.valid.length === 0) report.errors = [{ line: 0, message: 'the file holds no examples' }];
    args.onProgress?.({ phase: 'parsed', done: 0, total: parsed.valid.length });
    if (report.errors.length || args.dryRun) {
      // nothing is written: finish the valid rows only to count what redaction would replace
      for (const e of parsed.valid) report.redactions += finishExample(sig, e, prep).redactions;
      report.ok = report.errors.length === 0;
      report.durationMs = performance.now() - started;
      return report;
    }
    const by = args.by ?? 'user';
    const importId = newImportId();
    const now = new Date().toISOString();
    const total = parsed.valid.length;
    this.db
      .transaction(() => {
        this.db
          .prepare('INSERT INTO imports (id, signature_hash, file_name, file_sha256, format, row_count, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(importId, sig.hash, path.basename(fileName), parsed.fileSha256, parsed.format, total, by, now);
        const chunk = 5000;
        // rows are redacted, serialized and hashed as they are inserted (not all held at once)
        const finish = (e: NewExample): PreparedExample => {
          const p = finishExample(sig, e, prep);
          report.redactions += p.redactions;
          return p;
        };
        for (let i = 0; i < total; i += chunk) {
          const n = Math.min(chunk, total - i);
          const r = this.examples.insertEach(sig.hash, n, (k) => finish(parsed.valid[i + k]), { by, importId, now });
          report.inserted += r.inserted;
          report.duplicates += r.duplicates;
          args.onProgress?.({ phase: 'insert', done: i + n, total });
        }
        this.audit.append({
          actor: by,
          action: 'data.import',
          target: importId,
          details: { signature_hash: sig.hash, file: path.basename(fileName), file_sha256: parsed.fileSha256, format: parsed.format, inserted: report.inserted, duplicates: report.duplicates, redactions: report.redactions },
        });
      })
      .immediate();
    args.onProgress?.({ phase: 'done', done: total, total });
    report.ok = true;
    report.importId = importId;
    report.durationMs = performance.now() - started;
    return report;
  }

  /** Serializes a signature's examples (or a version's rows) as stored: redacted values stay redacted. */
  exportData(args: { signature: string; format: ExportFormat; version?: string; labelStates?: string[]; by?: string }): string {
    const sig = this.signatures.resolve(args.signature);
    const rows = this.itemsFor(sig.hash, args.version).filter((r) => !args.labelStates || args.labelStates.includes(r.labelState));
    return serialize(rows, sig, args.format);
  }

  label(exampleId: string, input: LabelInput): Example {
    return applyLabel({ db: this.db, audit: this.audit, signatures: this.signatures, examples: this.examples, redactor: this.redactor }, exampleId, input);
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

  createVersion(args: { signature: string; by?: string; note?: string }): DatasetVersion & { sameAsParent: boolean } {
    const sig = this.signatures.resolve(args.signature);
    return this.versions.create({ signatureHash: sig.hash, by: args.by ?? 'user', note: args.note, versioningEnabled: this.settings.versioning_enabled });
  }

  /** Quality items of a signature's live examples, or of a version's rows. */
  itemsFor(signatureHash: string, version?: string): (QualityItem & { runId?: string | null })[] {
    if (version) {
      const v = this.versions.resolve(version, signatureHash);
      if (!v) throw new Error(`no dataset version ${version}`);
      if (v.signatureHash !== signatureHash) throw new Error(`version ${version} belongs to another signature`);
      return this.versions.rows(v.id);
    }
    return [...this.examples.iterate({ signatureHash })];
  }

  bias(signature: string, version?: string): BiasReport {
    const sig = this.signatures.resolve(signature);
    return detectBias(sig.spec, this.itemsFor(sig.hash, version), this.settings.bias_detection);
  }

  quality(signature: string, options: { version?: string; threshold?: number; now?: Date } = {}): DatasetQuality & { bias: BiasReport } {
    const sig = this.signatures.resolve(signature);
    const items = this.itemsFor(sig.hash, options.version);
    const bias = detectBias(sig.spec, items, this.settings.bias_detection);
    const q = scoreQuality(sig.spec, items, {
      threshold: options.threshold ?? this.settings.quality_threshold,
      now: options.now,
      halfLifeDays: this.settings.freshness_half_life_days,
      biasScore: bias.biasScore,
    });
    return { ...q, bias };
  }

  /**
   * The examples an optimizer may use: not rejected and quality >= threshold (default
   * training_data.quality_threshold), from a version (recommended: stable) or the live set;
   * train and dev by the example's deterministic split; test rows are held out.
   */
  examplesForOptimization(signatureHash: string, versionId?: string, threshold?: number, now?: Date): OptimizationSet {
    const sig = this.signatures.resolve(signatureHash);
    const items = this.itemsFor(sig.hash, versionId);
    const t = threshold ?? this.settings.quality_threshold;
    const q = scoreQuality(sig.spec, items, { threshold: t, now, halfLifeDays: this.settings.freshness_half_life_days });
    const usable = new Set(q.perExample.filter((e) => e.usable).map((e) => e.id));
    const pick = items.filter((i) => usable.has(i.id));
    return {
      signatureHash: sig.hash,
      versionId: versionId ? (this.versions.resolve(versionId, sig.hash)?.id ?? null) : null,
      threshold: t,
      train: pick.filter((i) => i.split === 'train'),
      dev: pick.filter((i) => i.split === 'dev'),
      testCount: pick.filter((i) => i.split === 'test').length,
      excluded: { rejected: q.rejected, belowThreshold: q.perExample.filter((e) => !e.usable && !e.reasons.includes('rejected')).length },
    };
  }
}
