import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, migrations as defaultMigrations, type Migration } from './migrations';

export type Db = Database.Database;

/** The single SQLite file in the app's data directory. */
export const DATABASE_FILE = 'studio.db';

export function databasePath(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}

export interface OpenOptions {
  /** Milliseconds a connection waits on a lock held by another connection before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Run the migrations (default true). */
  migrate?: boolean;
  /** Migration list to apply (default: the app's list). */
  migrations?: readonly Migration[];
  readonly?: boolean;
  /** Page cache per connection in KiB (default 64 MiB; bulk imports touch random B-tree pages). */
  cacheKiB?: number;
  /** better-sqlite3 `nativeBinding` (the Electron shell passes an Electron-ABI build). */
  nativeBinding?: string;
}

/**
 * Opens (creating when needed) the database file with the app's pragmas:
 * WAL journal, foreign keys on, a busy timeout, synchronous=NORMAL (safe with WAL:
 * a crash loses at most the last commits, never consistency), then migrates forward.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma(`cache_size = -${Math.max(2048, Math.trunc(options.cacheKiB ?? 65536))}`);
    db.pragma('foreign_keys = ON');
    if (options.migrate !== false && !options.readonly) migrate(db, options.migrations ?? defaultMigrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Opens `<dataDir>/studio.db`. */
export function openDataDir(dataDir: string, options: OpenOptions = {}): Db {
  return openDatabase(databasePath(dataDir), options);
}
