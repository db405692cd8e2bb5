import type Database from 'better-sqlite3';

/**
 * A forward-only schema step. `version` is the value PRAGMA user_version holds after it ran.
 * Modules add their tables by appending to `migrations` (never edit or reorder a released entry).
 */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database.Database) => void);
}

export class MigrationError extends Error {}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'training data: signatures, runs, imports, examples, label events',
    up: `
      CREATE TABLE signatures (
        hash        TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        spec_json   TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE INDEX signatures_name ON signatures(name, created_at);

      CREATE TABLE runs (
        id              TEXT PRIMARY KEY,
        signature_hash  TEXT REFERENCES signatures(hash),
        workflow        TEXT,
        step            TEXT,
        inputs_json     TEXT NOT NULL,
        outputs_json    TEXT,
        mode            TEXT NOT NULL CHECK (mode IN ('baseline','optimized','fallback','traditional')),
        latency_ms      REAL,
        tokens_in       INTEGER,
        tokens_out      INTEGER,
        cost            REAL,
        error           TEXT,
        created_at      TEXT NOT NULL
      );
      CREATE INDEX runs_signature ON runs(signature_hash, created_at);

      CREATE TABLE imports (
        id              TEXT PRIMARY KEY,
        signature_hash  TEXT NOT NULL REFERENCES signatures(hash),
        file_name       TEXT NOT NULL,
        file_sha256     TEXT NOT NULL,
        format          TEXT NOT NULL,
        row_count       INTEGER NOT NULL,
        created_by      TEXT NOT NULL,
        created_at      TEXT NOT NULL
      );

      CREATE TABLE examples (
        id              TEXT PRIMARY KEY,
        signature_hash  TEXT NOT NULL REFERENCES signatures(hash),
        inputs_json     TEXT NOT NULL,
        outputs_json    TEXT NOT NULL,
        input_hash      TEXT NOT NULL,
        content_hash    TEXT NOT NULL,
        source          TEXT NOT NULL CHECK (source IN ('execution_history','user_feedback','synthetic_generation')),
        label_state     TEXT NOT NULL DEFAULT 'unlabeled' CHECK (label_state IN ('unlabeled','accepted','rejected','corrected')),
        labeled_by      TEXT,
        labeled_at      TEXT,
        rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
        split           TEXT NOT NULL CHECK (split IN ('train','dev','test')),
        run_id          TEXT REFERENCES runs(id) ON DELETE SET NULL,
        import_id       TEXT REFERENCES imports(id),
        redactions      INTEGER NOT NULL DEFAULT 0,
        metadata_json   TEXT,
        observed_at     TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
      );
      CREATE UNIQUE INDEX examples_content ON examples(signature_hash, content_hash);
      CREATE INDEX examples_signature ON examples(signature_hash, label_state);

      CREATE TABLE label_events (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        example_id      TEXT NOT NULL,
        action          TEXT NOT NULL CHECK (action IN ('accept','reject','correct','rate')),
        label_state     TEXT NOT NULL,
        rating          INTEGER,
        previous_outputs_json TEXT,
        outputs_json    TEXT,
        by              TEXT NOT NULL,
        at              TEXT NOT NULL
      );
      CREATE INDEX label_events_example ON label_events(example_id, id);
    `,
  },
  {
    version: 2,
    name: 'dataset versions (immutable snapshots) and their rows',
    up: `
      CREATE TABLE dataset_versions (
        id              TEXT PRIMARY KEY,
        signature_hash  TEXT NOT NULL REFERENCES signatures(hash),
        number          INTEGER NOT NULL,
        parent_id       TEXT REFERENCES dataset_versions(id),
        content_hash    TEXT NOT NULL,
        row_count       INTEGER NOT NULL,
        note            TEXT,
        created_by      TEXT NOT NULL,
        created_at      TEXT NOT NULL
      );
      CREATE UNIQUE INDEX dataset_versions_number ON dataset_versions(signature_hash, number);

      CREATE TABLE version_rows (
        version_id      TEXT NOT NULL REFERENCES dataset_versions(id),
        example_id      TEXT NOT NULL,
        inputs_json     TEXT NOT NULL,
        outputs_json    TEXT NOT NULL,
        content_hash    TEXT NOT NULL,
        source          TEXT NOT NULL,
        label_state     TEXT NOT NULL,
        rating          INTEGER,
        split           TEXT NOT NULL,
        run_id          TEXT,
        import_id       TEXT,
        label_event_id  INTEGER,
        observed_at     TEXT NOT NULL,
        PRIMARY KEY (version_id, example_id)
      ) WITHOUT ROWID;

      CREATE TRIGGER dataset_versions_immutable_u BEFORE UPDATE ON dataset_versions
        BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;
      CREATE TRIGGER dataset_versions_immutable_d BEFORE DELETE ON dataset_versions
        BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;
      CREATE TRIGGER version_rows_immutable_u BEFORE UPDATE ON version_rows
        BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;
      CREATE TRIGGER version_rows_immutable_d BEFORE DELETE ON version_rows
        BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;
    `,
  },
  {
    version: 3,
    name: 'hash-chained audit log and settings',
    up: `
      CREATE TABLE audit_log (
        seq           INTEGER PRIMARY KEY,
        at            TEXT NOT NULL,
        actor         TEXT NOT NULL,
        action        TEXT NOT NULL,
        target        TEXT,
        details_json  TEXT NOT NULL,
        prev_hash     TEXT NOT NULL,
        hash          TEXT NOT NULL
      );
      CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TABLE settings (
        key         TEXT PRIMARY KEY,
        value_json  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'optimization engine: jobs, program versions, result cache, execution metrics, experiments',
    up: `
      CREATE TABLE optimization_jobs (
        id               TEXT PRIMARY KEY,
        signature_hash   TEXT NOT NULL,
        signature_name   TEXT,
        dataset_version  TEXT,
        strategy         TEXT NOT NULL,
        params_json      TEXT NOT NULL,
        model            TEXT NOT NULL,
        cache_key        TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled')),
        progress_json    TEXT,
        estimate_json    TEXT,
        result_json      TEXT,
        error            TEXT,
        requested_by     TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        started_at       TEXT,
        finished_at      TEXT
      );
      CREATE INDEX optimization_jobs_signature ON optimization_jobs(signature_hash, created_at);
      CREATE INDEX optimization_jobs_status ON optimization_jobs(status);

      CREATE TABLE program_versions (
        id                  TEXT PRIMARY KEY,
        signature_hash      TEXT NOT NULL,
        job_id              TEXT REFERENCES optimization_jobs(id),
        strategy            TEXT NOT NULL,
        model               TEXT NOT NULL,
        dataset_version     TEXT,
        baseline_score      REAL NOT NULL,
        optimized_score     REAL NOT NULL,
        status              TEXT NOT NULL CHECK (status IN ('candidate','promoted','superseded','rolled_back','rejected')),
        decision_json       TEXT NOT NULL,
        program_spec_json   TEXT NOT NULL,
        program_state_json  TEXT NOT NULL,
        source              TEXT NOT NULL,
        created_at          TEXT NOT NULL,
        promoted_at         TEXT
      );
      CREATE INDEX program_versions_signature ON program_versions(signature_hash, created_at);

      CREATE TABLE optimization_cache (
        key              TEXT PRIMARY KEY,
        parts_json       TEXT NOT NULL,
        value_json       TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        expires_at       INTEGER NOT NULL,
        last_used_at     INTEGER NOT NULL,
        hits             INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE execution_metrics (
        run_id           TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        workflow         TEXT,
        step             TEXT,
        signature_hash   TEXT,
        mode             TEXT NOT NULL,
        ok               INTEGER NOT NULL,
        latency_ms       REAL NOT NULL,
        cache_hit        INTEGER NOT NULL,
        fallback_ms      REAL,
        tokens           INTEGER NOT NULL DEFAULT 0,
        cost             REAL NOT NULL DEFAULT 0,
        program_version  TEXT,
        experiment_id    TEXT,
        arm              TEXT,
        at               INTEGER NOT NULL
      );
      CREATE INDEX execution_metrics_at ON execution_metrics(at);

      CREATE TABLE experiments (
        id           TEXT PRIMARY KEY,
        state_json   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      );
      CREATE TABLE experiment_outcomes (
        seq            INTEGER PRIMARY KEY,
        experiment_id  TEXT NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        outcome_json   TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'datasets belong to a task (the signature name) across its signature versions; who promoted a program',
    up: (db) => {
      db.exec(`
        CREATE TABLE tasks (
          name          TEXT PRIMARY KEY,
          head_hash     TEXT NOT NULL REFERENCES signatures(hash),
          stale_choice  TEXT CHECK (stale_choice IN ('keep','baseline')),
          created_at    TEXT NOT NULL,
          updated_at    TEXT NOT NULL
        );
        CREATE TABLE signature_versions (
          task          TEXT NOT NULL REFERENCES tasks(name),
          hash          TEXT NOT NULL REFERENCES signatures(hash),
          registered_at TEXT NOT NULL,
          PRIMARY KEY (task, hash)
        ) WITHOUT ROWID;
        INSERT INTO tasks (name, head_hash, created_at, updated_at)
          SELECT s.name,
                 (SELECT s2.hash FROM signatures s2 WHERE s2.name = s.name ORDER BY s2.created_at DESC, s2.rowid DESC LIMIT 1),
                 MIN(s.created_at), MAX(s.created_at)
            FROM signatures s GROUP BY s.name;
        INSERT INTO signature_versions (task, hash, registered_at) SELECT name, hash, created_at FROM signatures;

        DROP TRIGGER dataset_versions_immutable_u;
        DROP INDEX dataset_versions_number;
        DROP INDEX examples_content;
      `);
      for (const table of ['examples', 'runs', 'imports', 'dataset_versions', 'optimization_jobs', 'program_versions']) {
        db.exec(`ALTER TABLE ${table} ADD COLUMN task TEXT;
                 UPDATE ${table} SET task = (SELECT name FROM signatures WHERE hash = ${table}.signature_hash);`);
      }
      // Two versions of one signature could hold the same example (same content): the one labelled last stays.
      db.exec(`
        DELETE FROM examples WHERE rowid IN (
          SELECT e.rowid FROM examples e
           WHERE EXISTS (SELECT 1 FROM examples o WHERE o.task = e.task AND o.content_hash = e.content_hash
                           AND (o.updated_at > e.updated_at OR (o.updated_at = e.updated_at AND o.rowid > e.rowid))));
        UPDATE dataset_versions SET number = (
          SELECT COUNT(*) FROM dataset_versions o WHERE o.task = dataset_versions.task
             AND (o.created_at < dataset_versions.created_at OR (o.created_at = dataset_versions.created_at AND o.rowid <= dataset_versions.rowid)));
        CREATE UNIQUE INDEX examples_task_content ON examples(task, content_hash);
        CREATE INDEX examples_task ON examples(task, label_state);
        CREATE INDEX examples_run ON examples(run_id);
        CREATE INDEX runs_task ON runs(task, created_at);
        CREATE UNIQUE INDEX dataset_versions_task_number ON dataset_versions(task, number);
        CREATE INDEX optimization_jobs_task ON optimization_jobs(task, created_at);
        CREATE INDEX program_versions_task ON program_versions(task, created_at);
        CREATE TRIGGER dataset_versions_immutable_u BEFORE UPDATE ON dataset_versions
          BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;
        ALTER TABLE program_versions ADD COLUMN promoted_by TEXT;
      `);
    },
  },
  {
    version: 6,
    name: 'workflow runs started from the app: one row per run with its inputs and trace',
    up: `
      CREATE TABLE workflow_runs (
        id           TEXT PRIMARY KEY,
        workflow     TEXT NOT NULL,
        path         TEXT,
        status       TEXT NOT NULL CHECK (status IN ('running','ok','failed','cancelled','interrupted')),
        model        TEXT NOT NULL,
        inputs_json  TEXT NOT NULL,
        trace_json   TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        finished_at  TEXT
      );
      CREATE INDEX workflow_runs_workflow ON workflow_runs(workflow, started_at);
    `,
  },
  {
    version: 7,
    name: "a labeler's one-line note with a correction or rejection",
    up: 'ALTER TABLE label_events ADD COLUMN note TEXT;',
  },
  {
    version: 8,
    name: 'indexes for the Data table over large datasets: filters, sort by time, conflicting inputs',
    up: `
      CREATE INDEX examples_task_split ON examples(task, split);
      CREATE INDEX examples_task_source ON examples(task, source);
      CREATE INDEX examples_task_observed ON examples(task, observed_at);
      CREATE INDEX examples_task_input ON examples(task, input_hash, content_hash);
    `,
  },
  {
    version: 9,
    name: 'a shorter index for conflicting inputs: 12 hex digits of the input hash instead of the full key (less index to maintain on large imports)',
    up: `
      DROP INDEX examples_task_input;
      CREATE INDEX examples_input_prefix ON examples(substr(input_hash, 1, 12));
    `,
  },
  {
    version: 10,
    name: 'undoable labels: each label event keeps the state it replaced, and an undo is a label event of its own',
    // SQLite cannot change a CHECK constraint in place: the table is rebuilt with the same ids.
    up: `
      CREATE TABLE label_events_new (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        example_id      TEXT NOT NULL,
        action          TEXT NOT NULL CHECK (action IN ('accept','reject','correct','rate','undo')),
        label_state     TEXT NOT NULL,
        rating          INTEGER,
        previous_outputs_json TEXT,
        outputs_json    TEXT,
        by              TEXT NOT NULL,
        at              TEXT NOT NULL,
        note            TEXT,
        previous_label_state TEXT,
        previous_rating INTEGER,
        previous_labeled_by TEXT,
        previous_labeled_at TEXT,
        undoes          INTEGER
      );
      INSERT INTO label_events_new (id, example_id, action, label_state, rating, previous_outputs_json, outputs_json, by, at, note)
        SELECT id, example_id, action, label_state, rating, previous_outputs_json, outputs_json, by, at, note FROM label_events;
      DELETE FROM sqlite_sequence WHERE name = 'label_events_new';
      INSERT INTO sqlite_sequence (name, seq) SELECT 'label_events_new', seq FROM sqlite_sequence WHERE name = 'label_events';
      DROP TABLE label_events;
      ALTER TABLE label_events_new RENAME TO label_events;
      CREATE INDEX label_events_example ON label_events(example_id, id);
    `,
  },
  {
    version: 11,
    name: "a task's examples in insertion order (an index on task alone ends in the rowid), so whole-task reads walk the table in order instead of sorting it",
    up: 'CREATE INDEX examples_task_rowid ON examples(task);',
  },
  {
    version: 12,
    name: 'row counts per task (kept by triggers) and per version (written with it), by label state, split and source: the Data table counts without scanning; full-text search of the examples (FTS5)',
    up: `
      CREATE TABLE example_counts (
        task         TEXT NOT NULL,
        label_state  TEXT NOT NULL,
        split        TEXT NOT NULL,
        source       TEXT NOT NULL,
        n            INTEGER NOT NULL,
        PRIMARY KEY (task, label_state, split, source)
      ) WITHOUT ROWID;
      INSERT INTO example_counts (task, label_state, split, source, n)
        SELECT task, label_state, split, source, COUNT(*) FROM examples GROUP BY task, label_state, split, source;
      CREATE TRIGGER example_counts_ai AFTER INSERT ON examples WHEN new.task IS NOT NULL BEGIN
        INSERT INTO example_counts (task, label_state, split, source, n) VALUES (new.task, new.label_state, new.split, new.source, 1)
          ON CONFLICT (task, label_state, split, source) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER example_counts_ad AFTER DELETE ON examples WHEN old.task IS NOT NULL BEGIN
        UPDATE example_counts SET n = n - 1 WHERE task = old.task AND label_state = old.label_state AND split = old.split AND source = old.source;
      END;
      CREATE TRIGGER example_counts_au AFTER UPDATE OF task, label_state, split, source ON examples BEGIN
        UPDATE example_counts SET n = n - 1 WHERE task = old.task AND label_state = old.label_state AND split = old.split AND source = old.source;
        INSERT INTO example_counts (task, label_state, split, source, n) SELECT new.task, new.label_state, new.split, new.source, 1 WHERE new.task IS NOT NULL
          ON CONFLICT (task, label_state, split, source) DO UPDATE SET n = n + 1;
      END;

      CREATE TABLE version_counts (
        version_id   TEXT NOT NULL REFERENCES dataset_versions(id),
        label_state  TEXT NOT NULL,
        split        TEXT NOT NULL,
        source       TEXT NOT NULL,
        n            INTEGER NOT NULL,
        PRIMARY KEY (version_id, label_state, split, source)
      ) WITHOUT ROWID;
      INSERT INTO version_counts (version_id, label_state, split, source, n)
        SELECT version_id, label_state, split, source, COUNT(*) FROM version_rows GROUP BY version_id, label_state, split, source;
      CREATE TRIGGER version_counts_immutable_u BEFORE UPDATE ON version_counts
        BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;
      CREATE TRIGGER version_counts_immutable_d BEFORE DELETE ON version_counts
        BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;

      CREATE VIRTUAL TABLE examples_fts USING fts5(inputs_json, outputs_json, content = 'examples', content_rowid = 'rowid', detail = none);
      INSERT INTO examples_fts (examples_fts) VALUES ('rebuild');
      CREATE TRIGGER examples_fts_ai AFTER INSERT ON examples BEGIN
        INSERT INTO examples_fts (rowid, inputs_json, outputs_json) VALUES (new.rowid, new.inputs_json, new.outputs_json);
      END;
      CREATE TRIGGER examples_fts_ad AFTER DELETE ON examples BEGIN
        INSERT INTO examples_fts (examples_fts, rowid, inputs_json, outputs_json) VALUES ('delete', old.rowid, old.inputs_json, old.outputs_json);
      END;
      CREATE TRIGGER examples_fts_au AFTER UPDATE OF inputs_json, outputs_json ON examples BEGIN
        INSERT INTO examples_fts (examples_fts, rowid, inputs_json, outputs_json) VALUES ('delete', old.rowid, old.inputs_json, old.outputs_json);
        INSERT INTO examples_fts (rowid, inputs_json, outputs_json) VALUES (new.rowid, new.inputs_json, new.outputs_json);
      END;
    `,
  },
  {
    version: 13,
    name: "each example's near-duplicate LSH band keys, written with it (rows from before stay NULL: the report computes theirs)",
    up: `
      ALTER TABLE examples ADD COLUMN input_bands BLOB;
      ALTER TABLE version_rows ADD COLUMN input_bands BLOB;
    `,
  },
  {
    version: 14,
    name: "the full-text index gathers 16 MiB of terms in memory before it writes a segment (1 MiB by default): a large import's one transaction writes and merges 16 times fewer segments",
    up: "INSERT INTO examples_fts (examples_fts, rank) VALUES ('hashsize', 16777216);",
  },
  {
    version: 15,
    name: "each DSPy step execution's model, structured-output mode and LM call stats (adapter calls, parse failures, fallbacks, retries by cause) in execution_metrics",
    up: `
      ALTER TABLE execution_metrics ADD COLUMN model TEXT;
      ALTER TABLE execution_metrics ADD COLUMN structured_output TEXT;
      ALTER TABLE execution_metrics ADD COLUMN lm_stats_json TEXT;
      CREATE INDEX execution_metrics_model ON execution_metrics(model, at) WHERE lm_stats_json IS NOT NULL;
    `,
  },
];

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration newer than the file's user_version, each in its own
 * IMMEDIATE transaction together with the user_version bump, so a crash leaves the file at
 * the last completed version. Refuses a file newer than the code (forward-only).
 */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations, target?: number): number {
  checkOrder(list);
  const latest = list.length ? list[list.length - 1].version : 0;
  const goal = target ?? latest;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new MigrationError(`database schema version ${current} is newer than this app knows (${latest}); upgrade Pipeline Studio`);
  }
  if (goal < current) throw new MigrationError(`migrations are forward-only: cannot go from ${current} back to ${goal}`);
  for (const m of list) {
    if (m.version <= current || m.version > goal) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}

function checkOrder(list: readonly Migration[]): void {
  let prev = 0;
  for (const m of list) {
    if (!Number.isInteger(m.version) || m.version !== prev + 1) {
      throw new MigrationError(`migration list out of order: expected version ${prev + 1}, found ${m.version} (${m.name})`);
    }
    prev = m.version;
  }
}
