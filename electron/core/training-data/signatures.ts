import { signatureHash, signatureSpecSchema, type SignatureSpec } from '../../../shared/dspy/signature';
import type { Db } from '../storage/database';
import { canonicalJson } from '../storage/hashing';

export interface StoredSignature {
  hash: string;
  name: string;
  spec: SignatureSpec;
  createdAt: string;
}

export class SignatureNotFoundError extends Error {}

/** Signatures by content hash: each change of a signature is a new row (a new version). */
export class SignatureRepository {
  private readonly cache = new Map<string, StoredSignature>();

  constructor(private readonly db: Db) {}

  /** Validates and stores a signature spec under a name; returns it with its hash (idempotent). */
  register(name: string, spec: unknown): StoredSignature {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,199}$/.test(name)) throw new Error(`signature name ${JSON.stringify(name)} must be an identifier (letters, digits, _ . -)`);
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
    this.db.prepare('INSERT OR IGNORE INTO signatures (hash, name, spec_json, created_at) VALUES (?, ?, ?, ?)').run(hash, name, canonicalJson(parsed.data), now);
    return this.get(hash);
  }

  get(hash: string): StoredSignature {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    const row = this.db.prepare<[string], { hash: string; name: string; spec_json: string; created_at: string }>('SELECT * FROM signatures WHERE hash = ?').get(hash);
    if (!row) throw new SignatureNotFoundError(`no signature with hash ${hash}`);
    const sig = { hash: row.hash, name: row.name, spec: JSON.parse(row.spec_json) as SignatureSpec, createdAt: row.created_at };
    this.cache.set(hash, sig);
    return sig;
  }

  /** A full hash, a unique hash prefix (>= 6 chars), or a name (its most recently registered version). */
  resolve(nameOrHash: string): StoredSignature {
    const byName = this.db
      .prepare<[string], { hash: string }>('SELECT hash FROM signatures WHERE name = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get(nameOrHash);
    if (byName) return this.get(byName.hash);
    if (/^[0-9a-f]{6,64}$/.test(nameOrHash)) {
      const rows = this.db.prepare<[string], { hash: string }>("SELECT hash FROM signatures WHERE hash LIKE ? || '%' LIMIT 2").all(nameOrHash);
      if (rows.length === 1) return this.get(rows[0].hash);
      if (rows.length > 1) throw new SignatureNotFoundError(`signature hash prefix ${nameOrHash} is ambiguous`);
    }
    throw new SignatureNotFoundError(`no signature named or hashed ${JSON.stringify(nameOrHash)} (register it with \`data signature add\`)`);
  }

  list(): (StoredSignature & { examples: number })[] {
    const rows = this.db
      .prepare<[], { hash: string; n: number }>('SELECT s.hash, (SELECT COUNT(*) FROM examples e WHERE e.signature_hash = s.hash) AS n FROM signatures s ORDER BY s.name, s.created_at')
      .all();
    return rows.map((r) => ({ ...this.get(r.hash), examples: r.n }));
  }
}
