import { signatureHash, signatureSpecSchema, type SignatureSpec } from '../../../shared/dspy/signature';
import { fieldChanges, type FieldChanges } from '../../../shared/dspy/signature-history';
import type { Db } from '../storage/database';
import { canonicalJson } from '../storage/hashing';

/** One version of a task's signature; `name` is the task (the dataset), `hash` the version. */
export interface StoredSignature {
  hash: string;
  name: string;
  spec: SignatureSpec;
  createdAt: string;
}

export interface SignatureVersionInfo extends StoredSignature {
  head: boolean;
}

export type StaleChoice = 'keep' | 'baseline';

export interface Task {
  name: string;
  head: StoredSignature;
  staleChoice: StaleChoice | null;
  createdAt: string;
  updatedAt: string;
}

export class SignatureNotFoundError extends Error {}

export const TASK_NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,199}$/;

/**
 * Tasks and their signature versions. A task (a DSPy step's name) owns the dataset, runs and
 * programs; each distinct signature text registered under it is a version (content hash), and the
 * task's head is the one registered last, so editing instructions never detaches any data.
 */
export class SignatureRepository {
  private readonly cache = new Map<string, StoredSignature>();

  constructor(private readonly db: Db) {}

  /**
   * Validates a spec and makes it the head of the task `name` (idempotent). `changes` compares
   * its fields with the previous head's: a non-empty change is a schema change.
   */
  register(name: string, spec: unknown): StoredSignature & { changes: FieldChanges | null; headMoved: boolean } {
    if (!TASK_NAME_RE.test(name)) throw new Error(`signature name ${JSON.stringify(name)} must be an identifier (letters, digits, _ . -)`);
    const parsed = signatureSpecSchema.safeParse(spec);
    if (!parsed.success) {
      throw new Error(`invalid signature spec: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(spec)'}: ${i.message}`).join('; ')}`);
    }
    if (parsed.data.input_fields.length === 0) throw new Error('invalid signature spec: input_fields: needs at least one field');
    const names = [...parsed.data.input_fields, ...parsed.data.output_fields].map((f) => f.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`invalid signature spec: field ${dup} is declared twice`);
    const hash = signatureHash(parsed.data);
    const now = new Date().toISOString();
    const before = this.task(name);
    this.db.prepare('INSERT OR IGNORE INTO signatures (hash, name, spec_json, created_at) VALUES (?, ?, ?, ?)').run(hash, name, canonicalJson(parsed.data), now);
    const headMoved = before?.head.hash !== hash;
    if (!before) this.db.prepare('INSERT INTO tasks (name, head_hash, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name, hash, now, now);
    else if (headMoved) this.db.prepare('UPDATE tasks SET head_hash = ?, updated_at = ? WHERE name = ?').run(hash, now, name);
    this.db.prepare('INSERT OR IGNORE INTO signature_versions (task, hash, registered_at) VALUES (?, ?, ?)').run(name, hash, now);
    const stored = this.version(name, hash);
    return { ...stored, changes: before && headMoved ? fieldChanges(before.head.spec, stored.spec) : null, headMoved };
  }

  /** A signature version by hash, named for the first task that registered it. */
  get(hash: string): StoredSignature {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    const row = this.db.prepare<[string], { hash: string; name: string; spec_json: string; created_at: string }>('SELECT * FROM signatures WHERE hash = ?').get(hash);
    if (!row) throw new SignatureNotFoundError(`no signature with hash ${hash}`);
    const sig = { hash: row.hash, name: row.name, spec: JSON.parse(row.spec_json) as SignatureSpec, createdAt: row.created_at };
    this.cache.set(hash, sig);
    return sig;
  }

  /** A signature version as a version of `task` (two tasks may share a signature text). */
  version(task: string, hash: string): StoredSignature {
    const s = this.get(hash);
    return s.name === task ? s : { ...s, name: task };
  }

  task(name: string): Task | undefined {
    const row = this.db
      .prepare<[string], { name: string; head_hash: string; stale_choice: StaleChoice | null; created_at: string; updated_at: string }>('SELECT * FROM tasks WHERE name = ?')
      .get(name);
    return row ? { name: row.name, head: this.version(row.name, row.head_hash), staleChoice: row.stale_choice, createdAt: row.created_at, updatedAt: row.updated_at } : undefined;
  }

  setStaleChoice(name: string, choice: StaleChoice | null): void {
    this.db.prepare('UPDATE tasks SET stale_choice = ?, updated_at = ? WHERE name = ?').run(choice, new Date().toISOString(), name);
  }

  /** A task name (its head version), or a full hash or unique hash prefix (>= 6 chars) of a version. */
  resolve(nameOrHash: string): StoredSignature {
    const task = this.task(nameOrHash);
    if (task) return task.head;
    if (/^[0-9a-f]{6,64}$/.test(nameOrHash)) {
      const rows = this.db.prepare<[string], { hash: string }>("SELECT hash FROM signatures WHERE hash LIKE ? || '%' LIMIT 2").all(nameOrHash);
      if (rows.length > 1) throw new SignatureNotFoundError(`signature hash prefix ${nameOrHash} is ambiguous`);
      if (rows.length === 1) {
        const owner = this.db.prepare<[string], { task: string }>('SELECT task FROM signature_versions WHERE hash = ? ORDER BY registered_at LIMIT 1').get(rows[0].hash);
        return this.version(owner?.task ?? this.get(rows[0].hash).name, rows[0].hash);
      }
    }
    throw new SignatureNotFoundError(`no signature named or hashed ${JSON.stringify(nameOrHash)} (register it with \`data signature add\`, or import with --workflow and --step)`);
  }

  /** Every version of a task, newest first, the head marked. */
  versions(name: string): SignatureVersionInfo[] {
    const head = this.task(name)?.head.hash;
    return this.db
      .prepare<[string], { hash: string; registered_at: string }>('SELECT hash, registered_at FROM signature_versions WHERE task = ? ORDER BY registered_at DESC, hash')
      .all(name)
      .map((r) => ({ ...this.version(name, r.hash), createdAt: r.registered_at, head: r.hash === head }));
  }

  /** One entry per task: its head version, the number of versions and the task's example count. */
  list(): (StoredSignature & { examples: number; versions: number })[] {
    const rows = this.db
      .prepare<[], { name: string; head_hash: string; n: number; v: number }>(
        `SELECT t.name, t.head_hash, (SELECT COUNT(*) FROM examples e WHERE e.task = t.name) AS n, (SELECT COUNT(*) FROM signature_versions s WHERE s.task = t.name) AS v
           FROM tasks t ORDER BY t.name`,
      )
      .all();
    return rows.map((r) => ({ ...this.version(r.name, r.head_hash), examples: r.n, versions: r.v }));
  }
}
