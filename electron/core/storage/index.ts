export { openDatabase, openDataDir, databasePath, DATABASE_FILE, type Db, type OpenOptions } from './database';
export { migrations, migrate, schemaVersion, MigrationError, type Migration } from './migrations';
export { canonicalJson, sha256Hex, newId } from './hashing';
