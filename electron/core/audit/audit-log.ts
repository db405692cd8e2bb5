import { z } from 'zod';
import type { Db } from '../storage/database';
import { canonicalJson, sha256Hex } from '../storage/hashing';

export const GENESIS_HASH = '0'.repeat(64);

/** What a caller appends. Actions are dotted names: data.import, data.label, config.change, program.promote ... */
export const AuditEntryInput = z.object({
  actor: z.string().min(1).max(200),
  action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'action must be a dotted lower-case name like data.import'),
  target: z.string().max(500).nullish(),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type AuditEntryInput = z.input<typeof AuditEntryInput>;

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  /** The first row whose link does not hold, and why. */
  firstBroken?: { seq: number; reason: string };
  headHash: string;
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

/** hash = sha256(prev_hash + "\n" + canonical JSON of {seq, at, actor, action, target, details}). */
export function entryHash(prevHash: string, e: { seq: number; at: string; actor: string; action: string; target: string | null; details: unknown }): string {
  return sha256Hex(`${prevHash}\n${canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, target: e.target, details: e.details })}`);
}

/**
 * Append-only, hash-chained audit log in the same database as the data it describes,
 * so an operation and its audit row commit (or roll back) together.
 */
export class AuditLog {
  private readonly lastStmt;
  private readonly insertStmt;

  constructor(private readonly db: Db, private readonly clock: () => Date = () => new Date()) {
    this.lastStmt = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, target, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Appends one entry. Inside a caller's transaction it joins it; otherwise it takes its own write lock. */
  append(input: AuditEntryInput): AuditEntry {
    const parsed = AuditEntryInput.safeParse(input);
    if (!parsed.success) {
      throw new Error(`invalid audit entry: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ')}`);
    }
    const run = () => {
      const last = this.lastStmt.get();
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const entry = {
        seq,
        at: this.clock().toISOString(),
        actor: parsed.data.actor,
        action: parsed.data.action,
        target: parsed.data.target ?? null,
        details: JSON.parse(canonicalJson(parsed.data.details)) as Record<string, unknown>,
      };
      const hash = entryHash(prevHash, entry);
      this.insertStmt.run(seq, entry.at, entry.actor, entry.action, entry.target, canonicalJson(entry.details), prevHash, hash);
      return { ...entry, prevHash, hash };
    };
    return this.db.inTransaction ? run() : this.db.transaction(run).immediate();
  }

  list(options: { limit?: number; afterSeq?: number; action?: string } = {}): AuditEntry[] {
    const rows = this.db
      .prepare<[number, string | null, string | null, number], AuditRow>(
        'SELECT * FROM audit_log WHERE seq > ? AND (? IS NULL OR action = ?) ORDER BY seq LIMIT ?',
      )
      .all(options.afterSeq ?? 0, options.action ?? null, options.action ?? null, options.limit ?? 1000);
    return rows.map(toEntry);
  }

  /** Walks the chain from the first row; reports the first row whose sequence, link or hash is wrong. */
  verify(): AuditVerifyResult {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (const row of this.db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').iterate()) {
      const fail = (reason: string): AuditVerifyResult => ({ ok: false, checked, firstBroken: { seq: row.seq, reason }, headHash: prevHash });
      if (row.seq !== expectedSeq) return fail(`sequence gap: expected entry ${expectedSeq}, found ${row.seq} (entries deleted?)`);
      if (row.prev_hash !== prevHash) return fail(`prev_hash does not match the hash of entry ${row.seq - 1} (entry inserted, deleted or replaced)`);
      let details: unknown;
      try {
        details = JSON.parse(row.details_json);
      } catch {
        return fail('details are not valid JSON');
      }
      const expected = entryHash(prevHash, { seq: row.seq, at: row.at, actor: row.actor, action: row.action, target: row.target, details });
      if (expected !== row.hash) return fail('content does not match its hash (entry modified)');
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    return { ok: true, checked, headHash: prevHash };
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: JSON.parse(row.details_json) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
