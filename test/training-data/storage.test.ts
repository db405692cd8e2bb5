import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, migrations, openDatabase, schemaVersion, MigrationError, databasePath } from '../../electron/core/storage';
import { tmpDir } from './helpers';

const latest = migrations[migrations.length - 1].version;

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','trigger','index') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('storage: open and migrate', () => {
  it('opens with WAL, foreign keys on and a busy timeout, migrated to the latest version', () => {
    const db = openDatabase(databasePath(tmpDir()));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersion(db)).toBe(latest);
    expect(() => db.prepare("INSERT INTO examples (id, signature_hash, inputs_json, outputs_json, input_hash, content_hash, source, split, observed_at, created_at, updated_at) VALUES ('x','nope','{}','{}','h','c','user_feedback','train','t','t','t')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('migrates from every earlier version to the same schema as from an empty file', () => {
    const fromEmpty = openDatabase(path.join(tmpDir(), 'a.db'));
    const want = tables(fromEmpty);
    fromEmpty.close();
    for (let v = 0; v < latest; v++) {
      const file = path.join(tmpDir(), `v${v}.db`);
      const db = openDatabase(file, { migrate: false });
      expect(migrate(db, migrations, v)).toBe(v);
      db.close();
      const again = openDatabase(file);
      expect(schemaVersion(again)).toBe(latest);
      expect(tables(again)).toEqual(want);
      again.close();
    }
  });

  it('is forward-only: refuses a newer file, a backward target and an out-of-order list', () => {
    const file = path.join(tmpDir(), 'n.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${latest + 1}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer than this app knows/);
    const db = openDatabase(path.join(tmpDir(), 'b.db'));
    expect(() => migrate(db, migrations, 1)).toThrow(MigrationError);
    expect(() => migrate(db, [migrations[1]])).toThrow(/out of order/);
    db.close();
  });

  it('a failing migration leaves the file at the last completed version', () => {
    const file = path.join(tmpDir(), 'f.db');
    const db = openDatabase(file, { migrate: false });
    const broken = [...migrations, { version: latest + 1, name: 'broken', up: 'CREATE TABLE ok_table (x); CREATE TABLE examples (x);' }];
    expect(() => migrate(db, broken)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(latest);
    expect(tables(db)).not.toContain('ok_table');
    db.close();
  });
});
