import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import type { Db } from '../storage/database';
import type { AuditLog } from '../audit/audit-log';
import type { QualityItem } from './quality';
import type { SignatureRef } from './store';
import type { LabelState, Source, Split } from './types';

export interface DatasetVersion {
  id: string;
  task: string;
  /** The task's signature version when the snapshot was taken. */
  signatureHash: string;
  number: number;
  parentId: string | null;
  contentHash: string;
  rowCount: number;
  note: string | null;
  createdBy: string;
  createdAt: string;
}

export interface VersionRow extends QualityItem {
  exampleId: string;
  contentHash: string;
  runId: string | null;
  importId: string | null;
  labelEventId: number | null;
}

export interface VersionDiff {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

export interface VersionLineage {
  version: DatasetVersion;
  parent: DatasetVersion | null;
  ancestors: string[];
  diffFromParent: VersionDiff | null;
  bySource: Record<string, number>;
  byLabel: Record<string, number>;
  runs: { count: number; ids: string[] };
  imports: { id: string; fileName: string; format: string; rows: number; createdBy: string; createdAt: string }[];
  labels: { count: number; by: Record<string, number> };
}

export class VersioningDisabledError extends Error {}

/** Rows hashed, or copied, between two progress reports of a snapshot. */
const SNAPSHOT_BATCH = 10_000;

/** A snapshot's progress: each pass (hashing the rows, then copying them) counts its own rows. */
export type SnapshotProgress = { phase: 'hash' | 'copy'; done: number; total: number; share: number };

function toVersion(r: any): DatasetVersion {
  return {
    id: r.id,
    task: r.task,
    signatureHash: r.signature_hash,
    number: r.number,
    parentId: r.parent_id,
    contentHash: r.content_hash,
    rowCount: r.row_count,
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/**
 * Dataset versions: immutable snapshots of a task's examples (rows copied, so later labels,
 * corrections and deletions never change a version), with a content hash, a parent and lineage.
 * content hash = sha256 over "content_hash|label_state|rating|split\n" of every row, ordered by content_hash.
 */
export class VersionRepository {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** onProgress: after every SNAPSHOT_BATCH rows of each pass; an error it throws rolls the snapshot back. */
  create(args: { sig: SignatureRef; by: string; note?: string; parentId?: string | null; versioningEnabled?: boolean; onProgress?: (p: SnapshotProgress) => void }): DatasetVersion & { sameAsParent: boolean } {
    if (args.versioningEnabled === false) throw new VersioningDisabledError('versioning is off (training_data.versioning_enabled: false)');
    return this.db
      .transaction(() => {
        const task = args.sig.name;
        const latest = this.latest(task);
        const parentId = args.parentId === undefined ? (latest?.id ?? null) : args.parentId;
        if (parentId) {
          const parent = this.get(parentId);
          if (!parent) throw new Error(`no dataset version ${parentId}`);
          if (parent.task !== task) throw new Error(`parent version ${parentId} belongs to another dataset`);
        }
        const expected = (this.db.prepare('SELECT COALESCE(SUM(n), 0) FROM example_counts WHERE task = ?').pluck().get(task) as number) || 1;
        const { contentHash, rows } = this.liveContent(task, (done) => args.onProgress?.({ phase: 'hash', done, total: expected, share: Math.min(1, done / expected) }));
        const id = `ver_${randomUUID()}`;
        const number = (latest?.number ?? 0) + 1;
        const now = new Date().toISOString();
        this.db
          .prepare('INSERT INTO dataset_versions (id, task, signature_hash, number, parent_id, content_hash, row_count, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(id, task, args.sig.hash, number, parentId, contentHash, rows, args.note ?? null, args.by, now);
        // INDEXED BY: among equal-cost indexes SQLite takes the latest created, which after a large import is
        // the rebuilt observed_at index (random table order); the task's rowid index reads the table in order
        const copy = this.db.prepare(
          `INSERT INTO version_rows (version_id, example_id, inputs_json, outputs_json, content_hash, source, label_state, rating, split, run_id, import_id, label_event_id, observed_at, input_bands)
           SELECT ?, e.id, e.inputs_json, e.outputs_json, e.content_hash, e.source, e.label_state, e.rating, e.split, e.run_id, e.import_id,
                  (SELECT MAX(le.id) FROM label_events le WHERE le.example_id = e.id), e.observed_at, e.input_bands
           FROM examples e INDEXED BY examples_task_rowid WHERE e.task = ? AND e.rowid > ? AND e.rowid <= ?`,
        );
        // copied in runs of SNAPSHOT_BATCH rows (by rowid) so the copy can report its progress
        const runEnd = this.db
          .prepare('SELECT MAX(rowid) FROM (SELECT rowid FROM examples INDEXED BY examples_task_rowid WHERE task = ? AND rowid > ? ORDER BY rowid LIMIT ?)')
          .pluck();
        let copied = 0;
        for (let from = Number.MIN_SAFE_INTEGER, end: number | null; (end = runEnd.get(task, from, SNAPSHOT_BATCH) as number | null) !== null; from = end) {
          copied += copy.run(id, task, from, end).changes;
          args.onProgress?.({ phase: 'copy', done: copied, total: rows, share: copied / Math.max(1, rows) });
        }
        // the live counts are the version's: its rows were just copied from the same examples
        this.db
          .prepare('INSERT INTO version_counts (version_id, label_state, split, source, n) SELECT ?, label_state, split, source, n FROM example_counts WHERE task = ? AND n > 0')
          .run(id, task);
        const parent = parentId ? this.get(parentId) : undefined;
        this.audit.append({ actor: args.by, action: 'data.version.create', target: id, details: { task, signature_hash: args.sig.hash, number, rows, content_hash: contentHash, parent_id: parentId } });
        return { ...this.get(id)!, sameAsParent: parent?.contentHash === contentHash };
      })
      .immediate();
  }

  get(id: string): DatasetVersion | undefined {
    const r = this.db.prepare('SELECT * FROM dataset_versions WHERE id = ?').get(id);
    return r ? toVersion(r) : undefined;
  }

  /** By id, or "<number>" / "v<number>" within a task. */
  resolve(ref: string, task?: string): DatasetVersion | undefined {
    const direct = this.get(ref);
    if (direct) return direct;
    const m = /^v?(\d+)$/.exec(ref);
    if (m && task) {
      const r = this.db.prepare('SELECT * FROM dataset_versions WHERE task = ? AND number = ?').get(task, Number(m[1]));
      return r ? toVersion(r) : undefined;
    }
    return undefined;
  }

  /** The content hash a snapshot of the live examples would have now. */
  liveContent(task: string, onProgress?: (rowsHashed: number) => void): { contentHash: string; rows: number } {
    const h = createHash('sha256');
    let rows = 0;
    for (const r of this.db
      .prepare<[string], { content_hash: string; label_state: string; rating: number | null; split: string }>(
        // the table read in order (by the task's rowid index), then sorted: not one random table lookup per row
        'SELECT content_hash, label_state, rating, split FROM examples INDEXED BY examples_task_rowid WHERE task = ? ORDER BY content_hash',
      )
      .iterate(task)) {
      h.update(`${r.content_hash}|${r.label_state}|${r.rating ?? ''}|${r.split}\n`);
      rows += 1;
      if (onProgress && rows % SNAPSHOT_BATCH === 0) onProgress(rows);
    }
    return { contentHash: h.digest('hex'), rows };
  }

  latest(task: string): DatasetVersion | undefined {
    const r = this.db.prepare('SELECT * FROM dataset_versions WHERE task = ? ORDER BY number DESC LIMIT 1').get(task);
    return r ? toVersion(r) : undefined;
  }

  list(task?: string): DatasetVersion[] {
    return this.db
      .prepare('SELECT * FROM dataset_versions WHERE (? IS NULL OR task = ?) ORDER BY task, number')
      .all(task ?? null, task ?? null)
      .map(toVersion);
  }

  rows(versionId: string): VersionRow[] {
    return [...this.iterateRows(versionId)];
  }

  /** A version's rows one at a time, in example id order. */
  *iterateRows(versionId: string): IterableIterator<VersionRow> {
    for (const r of this.db.prepare<[string], any>('SELECT * FROM version_rows WHERE version_id = ? ORDER BY example_id').iterate(versionId)) yield versionRowOf(r);
  }

  diff(fromId: string, toId: string): VersionDiff {
    const q = (sql: string) => (this.db.prepare(sql).get({ a: fromId, b: toId }) as { n: number }).n;
    return {
      added: q('SELECT COUNT(*) AS n FROM version_rows b WHERE b.version_id = @b AND NOT EXISTS (SELECT 1 FROM version_rows a WHERE a.version_id = @a AND a.example_id = b.example_id)'),
      removed: q('SELECT COUNT(*) AS n FROM version_rows a WHERE a.version_id = @a AND NOT EXISTS (SELECT 1 FROM version_rows b WHERE b.version_id = @b AND b.example_id = a.example_id)'),
      changed: q(
        `SELECT COUNT(*) AS n FROM version_rows a JOIN version_rows b ON b.version_id = @b AND b.example_id = a.example_id
         WHERE a.version_id = @a AND (a.content_hash <> b.content_hash OR a.label_state <> b.label_state OR COALESCE(a.rating, 0) <> COALESCE(b.rating, 0))`,
      ),
      unchanged: q(
        `SELECT COUNT(*) AS n FROM version_rows a JOIN version_rows b ON b.version_id = @b AND b.example_id = a.example_id
         WHERE a.version_id = @a AND a.content_hash = b.content_hash AND a.label_state = b.label_state AND COALESCE(a.rating, 0) = COALESCE(b.rating, 0)`,
      ),
    };
  }

  /**
   * diff with up to `limit` rows of each kind (added, removed, changed as before and after), each found
   * by SQL on the versions' (version, example) keys, so neither version is loaded whole.
   */
  diffRows(fromId: string, toId: string, limit: number): VersionDiff & { addedRows: VersionRow[]; removedRows: VersionRow[]; changedRows: { before: VersionRow; after: VersionRow }[] } {
    const rows = (sql: string) => this.db.prepare(sql).all({ a: fromId, b: toId, limit }).map(versionRowOf);
    const missing = (from: string, to: string) =>
      rows(`SELECT x.* FROM version_rows x WHERE x.version_id = @${from} AND NOT EXISTS (SELECT 1 FROM version_rows y WHERE y.version_id = @${to} AND y.example_id = x.example_id) ORDER BY x.example_id LIMIT @limit`);
    const changedPairs = this.db
      .prepare(
        `SELECT a.example_id AS id FROM version_rows a JOIN version_rows b ON b.version_id = @b AND b.example_id = a.example_id
         WHERE a.version_id = @a AND (a.content_hash <> b.content_hash OR a.label_state <> b.label_state OR COALESCE(a.rating, 0) <> COALESCE(b.rating, 0))
         ORDER BY a.example_id LIMIT @limit`,
      )
      .pluck()
      .all({ a: fromId, b: toId, limit }) as string[];
    const one = this.db.prepare('SELECT * FROM version_rows WHERE version_id = ? AND example_id = ?');
    return {
      ...this.diff(fromId, toId),
      addedRows: missing('b', 'a'),
      removedRows: missing('a', 'b'),
      changedRows: changedPairs.map((id) => ({ before: versionRowOf(one.get(fromId, id)), after: versionRowOf(one.get(toId, id)) })),
    };
  }

  /** Which runs, imports and labels produced the version's rows, and what changed since its parent. */
  lineage(versionId: string): VersionLineage {
    const version = this.get(versionId);
    if (!version) throw new Error(`no dataset version ${versionId}`);
    const parent = version.parentId ? (this.get(version.parentId) ?? null) : null;
    const ancestors: string[] = [];
    for (let p = parent; p; p = p.parentId ? (this.get(p.parentId) ?? null) : null) ancestors.push(p.id);
    const group = (col: string) =>
      Object.fromEntries(
        (this.db.prepare(`SELECT ${col} AS k, COUNT(*) AS n FROM version_rows WHERE version_id = ? GROUP BY ${col}`).all(versionId) as { k: string; n: number }[]).map((r) => [r.k, r.n]),
      );
    const runIds = (this.db.prepare('SELECT DISTINCT run_id AS id FROM version_rows WHERE version_id = ? AND run_id IS NOT NULL ORDER BY run_id').all(versionId) as { id: string }[]).map((r) => r.id);
    const imports = (
      this.db
        .prepare(
          `SELECT i.id, i.file_name, i.format, i.created_by, i.created_at, COUNT(*) AS rows FROM version_rows v JOIN imports i ON i.id = v.import_id
           WHERE v.version_id = ? GROUP BY i.id ORDER BY i.created_at`,
        )
        .all(versionId) as any[]
    ).map((r) => ({ id: r.id, fileName: r.file_name, format: r.format, rows: r.rows, createdBy: r.created_by, createdAt: r.created_at }));
    const labelBy = Object.fromEntries(
      (
        this.db
          .prepare(
            `SELECT le.by AS k, COUNT(*) AS n FROM version_rows v JOIN label_events le ON le.example_id = v.example_id AND le.id <= v.label_event_id
             WHERE v.version_id = ? GROUP BY le.by`,
          )
          .all(versionId) as { k: string; n: number }[]
      ).map((r) => [r.k, r.n]),
    );
    return {
      version,
      parent,
      ancestors,
      diffFromParent: parent ? this.diff(parent.id, version.id) : null,
      bySource: group('source'),
      byLabel: group('label_state'),
      runs: { count: runIds.length, ids: runIds.slice(0, 100) },
      imports,
      labels: { count: Object.values(labelBy).reduce((a, b) => a + b, 0), by: labelBy },
    };
  }
}

/** A version_rows row as the API's VersionRow. */
export function versionRowOf(r: any): VersionRow {
  return {
    id: r.example_id,
    exampleId: r.example_id,
    inputs: JSON.parse(r.inputs_json),
    outputs: JSON.parse(r.outputs_json),
    contentHash: r.content_hash,
    source: r.source as Source,
    labelState: r.label_state as LabelState,
    rating: r.rating,
    split: r.split as Split,
    runId: r.run_id,
    importId: r.import_id,
    labelEventId: r.label_event_id,
    observedAt: r.observed_at,
  };
}
