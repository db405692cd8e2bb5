import type { Db } from '../storage/database';
import type { QualityItem } from './quality';
import { rowToExample } from './store';
import type { Example } from './types';
import { versionRowOf } from './versions';

/** Up to exactUpTo rows, quality and bias read every row; above, a uniform sample of about `size` rows. */
export const REPORT_SAMPLE: SampleOptions = { exactUpTo: 200_000, size: 100_000 };

export interface SampleOptions {
  exactUpTo: number;
  size: number;
}

export interface ReportRows {
  rows: Iterable<QualityItem>;
  /** The dataset's size when `rows` is a sample of it. */
  population?: number;
  /** Conflicts counted on the whole dataset (a sample cannot see the other half of a conflict); not for bias alone. */
  conflicts?: { of: (it: QualityItem) => boolean; count: number };
}

/**
 * The rows a report reads: all of them, or, above `exactUpTo`, the rows whose content hash (sha256,
 * so uniform and independent of the split, which comes from the input hash) falls below size/N of
 * its range (about size rows): a deterministic uniform sample, the same on every run for the same data.
 */
export function reportRows(db: Db, source: { task: string } | { versionId: string; rowCount: number }, sampling: SampleOptions = REPORT_SAMPLE, withConflicts = true): ReportRows {
  const live = 'task' in source;
  const key = live ? source.task : source.versionId;
  // each row with its stored LSH band keys, so the near-duplicate search does not hash it again
  const item = (r: { input_bands: Uint8Array | null }): QualityItem => ({ ...(live ? rowToExample(r as never) : versionRowOf(r)), inputBands: r.input_bands });
  const total = live ? (db.prepare('SELECT COALESCE(SUM(n), 0) AS n FROM example_counts WHERE task = ?').get(source.task) as { n: number }).n : source.rowCount;
  if (total <= sampling.exactUpTo) {
    const every = live ? db.prepare('SELECT * FROM examples WHERE task = ? ORDER BY rowid') : db.prepare('SELECT * FROM version_rows WHERE version_id = ? ORDER BY example_id');
    return {
      rows: (function* () {
        for (const r of every.iterate(key)) yield item(r as never);
      })(),
    };
  }
  const bound = Math.min(0xffffffff, Math.floor((sampling.size / total) * 2 ** 32))
    .toString(16)
    .padStart(8, '0');
  // read in table order through the task's rowid index, then grouped (see VersionRepository.create on INDEXED BY)
  const conflictRows = !withConflicts
    ? []
    : ((live
      ? db.prepare('SELECT input_hash AS k, COUNT(*) AS n FROM examples INDEXED BY examples_task_rowid WHERE task = ? GROUP BY input_hash HAVING COUNT(DISTINCT content_hash) > 1')
      : db.prepare('SELECT inputs_json AS k, COUNT(*) AS n FROM version_rows WHERE version_id = ? GROUP BY inputs_json HAVING COUNT(DISTINCT content_hash) > 1')
      ).all(key) as { k: string; n: number }[]);
  const conflicting = new Set(conflictRows.map((r) => r.k));
  let count = 0;
  for (const r of conflictRows) count += r.n;
  const stmt = live
    ? db.prepare('SELECT * FROM examples WHERE task = ? AND content_hash < ?') // a range of the (task, content_hash) index
    : db.prepare('SELECT * FROM version_rows WHERE version_id = ? AND content_hash < ?');
  function* rows(): IterableIterator<QualityItem> {
    for (const r of stmt.iterate(key, bound)) yield item(r as never);
  }
  return {
    rows: rows(),
    population: total,
    conflicts: !withConflicts ? undefined : { of: live ? (it) => conflicting.has((it as Example).inputHash) : (it) => conflicting.has(JSON.stringify(it.inputs)), count },
  };
}
