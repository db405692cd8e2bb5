import type { Database } from 'better-sqlite3';
import type { SignatureSpec } from '../../../shared/dspy/signature';
import { compileSpec, scoreExample, type ExampleQuality, type QualityItem } from './quality';
import { rowToExample } from './store';
import type { Example, LabelState, Source, Split } from './types';
import { versionRowOf, type VersionRow } from './versions';

export const PAGE_SORTS = ['added', 'newest', 'oldest', 'label', 'rating'] as const;
export type PageSort = (typeof PAGE_SORTS)[number];

export interface PageQuery {
  /** A version's id (resolved); the live examples without. */
  versionId?: string;
  labelState?: LabelState;
  split?: Split;
  source?: Source;
  /**
   * Free text. On the live examples: every word must start a word of the inputs or outputs (SQLite
   * FTS5, case-insensitive); text without letters or digits, and a version's rows, match as a
   * substring of the stored JSON (case-insensitive for ASCII).
   */
  search?: string;
  sort?: PageSort;
  offset?: number;
  limit: number;
}

export interface Page {
  /** Rows of the dataset (or version), unfiltered. */
  total: number;
  /** Rows matching the filters. */
  matching: number;
  /** Rows per label state (without the filters), from the kept counts (no scan). */
  labelCounts: Record<string, number>;
  rows: { item: Example | VersionRow; quality: ExampleQuality }[];
}

/**
 * One page of a dataset's table, filtered, sorted and cut in SQL (indexes on task with label
 * state, split, source, observed_at, and a 12-digit prefix of the input hash); each row's quality comes from its own fields
 * plus two dataset facts read by query (its inputs have other outputs; the rows' timestamps differ).
 */
export function tablePage(db: Database, task: string, spec: SignatureSpec, q: PageQuery, scoring: { threshold: number; halfLifeDays: number; now?: Date }): Page {
  const live = !q.versionId;
  const table = live ? 'examples' : 'version_rows';
  const key = live ? 'task = ?' : 'version_id = ?';
  const base: unknown[] = [live ? task : q.versionId];
  const parts: string[] = [key];
  const params = [...base];
  for (const [col, v] of [['label_state', q.labelState], ['split', q.split], ['source', q.source]] as const) {
    if (v === undefined) continue;
    parts.push(`${col} = ?`);
    params.push(v);
  }
  const match = q.search && live ? ftsQuery(q.search) : undefined;
  if (match) {
    parts.push('rowid IN (SELECT rowid FROM examples_fts WHERE examples_fts MATCH ?)');
    params.push(match);
  } else if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(`(inputs_json LIKE ? ESCAPE '\\' OR outputs_json LIKE ? ESCAPE '\\')`);
    params.push(pattern, pattern);
  }
  const order = ({ added: live ? 'rowid' : 'example_id', newest: 'observed_at DESC', oldest: 'observed_at', label: 'label_state', rating: 'rating DESC NULLS LAST' } as const)[q.sort ?? 'added'];
  const tie = live ? 'rowid' : 'example_id';
  const count = (where: string, args: unknown[]) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get(...args) as { n: number }).n;
  const labelCounts: Record<string, number> = {};
  let total = 0;
  const counts = live ? { table: 'example_counts', key: 'task' } : { table: 'version_counts', key: 'version_id' };
  for (const r of db.prepare(`SELECT label_state AS s, SUM(n) AS n FROM ${counts.table} WHERE ${counts.key} = ? GROUP BY label_state`).all(...base) as { s: string; n: number }[]) {
    if (r.n === 0) continue;
    labelCounts[r.s] = r.n;
    total += r.n;
  }
  const matching = parts.length === 1 ? total : !q.search ? countedMatching(db, counts, base[0], q) : count(parts.join(' AND '), params);
  const raw = db.prepare(`SELECT * FROM ${table} WHERE ${parts.join(' AND ')} ORDER BY ${order}${order === tie ? '' : `, ${tie}`} LIMIT ? OFFSET ?`).all(...params, q.limit, q.offset ?? 0) as any[];
  // MIN and MAX as two queries: each is one index seek (together they would scan)
  const edge = (dir: 'ASC' | 'DESC') => (db.prepare(`SELECT observed_at AS t FROM ${table} WHERE ${key} ORDER BY observed_at ${dir} LIMIT 1`).get(...base) as { t: string } | undefined)?.t;
  const span = { lo: edge('ASC'), hi: edge('DESC') };
  const conflictStmt = live
    ? db.prepare('SELECT 1 FROM examples WHERE substr(input_hash, 1, 12) = substr(@inputs, 1, 12) AND task = @key AND input_hash = @inputs AND content_hash <> @content LIMIT 1')
    : db.prepare('SELECT 1 FROM version_rows WHERE version_id = @key AND inputs_json = @inputs AND content_hash <> @content LIMIT 1');
  const scorer = compileSpec(spec);
  const now = scoring.now ?? new Date();
  const rows = raw.map((r) => {
    const item: Example | VersionRow = live ? rowToExample(r) : versionRowOf(r);
    const conflict = conflictStmt.get({ key: base[0], inputs: live ? r.input_hash : r.inputs_json, content: r.content_hash }) !== undefined;
    const quality = scoreExample(scorer, item as QualityItem, {
      conflict,
      freshnessMeasurable: total < 2 || span.lo !== span.hi,
      diversity: null,
      now,
      halfLifeDays: scoring.halfLifeDays,
      threshold: scoring.threshold,
    });
    return { item, quality };
  });
  return { total, matching, labelCounts, rows };
}

/** Rows matching label state, split and source filters, summed from the kept counts. */
function countedMatching(db: Database, counts: { table: string; key: string }, key: unknown, q: PageQuery): number {
  const r = db
    .prepare(`SELECT COALESCE(SUM(n), 0) AS n FROM ${counts.table} WHERE ${counts.key} = ? AND (? IS NULL OR label_state = ?) AND (? IS NULL OR split = ?) AND (? IS NULL OR source = ?)`)
    .get(key, q.labelState ?? null, q.labelState ?? null, q.split ?? null, q.split ?? null, q.source ?? null, q.source ?? null) as { n: number };
  return r.n;
}

/** The search text as an FTS5 query: each word a quoted prefix, all required; undefined without a word. */
export function ftsQuery(text: string): string | undefined {
  const words = text.match(/[\p{L}\p{N}]+/gu);
  return words ? words.map((w) => `"${w}"*`).join(' AND ') : undefined;
}
