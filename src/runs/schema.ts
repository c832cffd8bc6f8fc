/**
 * The run store's tables and their migrations. Each migration is applied once, in order,
 * inside one write transaction that also records it in `schema_migrations`, so a store is
 * always at exactly one version, and two processes opening a fresh store at the same time
 * cannot both migrate it (the second waits for the write lock, then sees the new version).
 *
 * A store written by a newer lawful (a version above `STORE_SCHEMA_VERSION`) is refused
 * rather than read with a schema this code does not know.
 */
import { DataError } from '../core/errors.js';
import { LAWFUL_VERSION } from '../core/version.js';
import type { Database } from './sqlite.js';

/** One step of the schema: `version` is what the store is at after `sql` ran. */
export interface Migration {
  version: number;
  /** What it changes, stored with the version. */
  description: string;
  sql: string;
}

/** The migrations, in order. Never edit a released one: add the next. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs and their models',
    sql: `
      CREATE TABLE runs (
        id               TEXT PRIMARY KEY,
        command          TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        started_at       TEXT NOT NULL,            -- ISO 8601, UTC, milliseconds
        finished_at      TEXT,
        duration_seconds REAL,
        config           TEXT NOT NULL,            -- JSON
        argv             TEXT NOT NULL,            -- JSON array of strings
        data_source      TEXT,
        fingerprint      TEXT,
        results          TEXT,                     -- results.json text (report/results.ts)
        files            TEXT,                     -- JSON object: name -> path
        error            TEXT,
        pid              INTEGER NOT NULL,
        host             TEXT NOT NULL
      );
      CREATE INDEX runs_started_at ON runs (started_at);
      CREATE INDEX runs_command ON runs (command, started_at);
      -- One row per fitted model of a completed run, so queries across runs need no JSON.
      CREATE TABLE run_models (
        run_id                TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position              INTEGER NOT NULL,
        name                  TEXT NOT NULL,
        family                TEXT NOT NULL,
        parameters            INTEGER NOT NULL,
        nrmse_in              REAL,
        nrmse_out             REAL,
        valid_prediction_time REAL,
        fit_seconds           REAL,
        PRIMARY KEY (run_id, position)
      );
      CREATE INDEX run_models_family ON run_models (family);
    `,
  },
  {
    version: 2,
    description: 'process identity of a run, so a recycled pid is not taken for the run',
    sql: `
      -- "<boot id>:<start time in clock ticks>" from /proc on Linux; NULL elsewhere and for
      -- runs recorded before version 2 (those fall back to the pid alone).
      ALTER TABLE runs ADD COLUMN process_start TEXT;
    `,
  },
];

/** The schema version this lawful writes and reads. */
export const STORE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Current version of the store: 0 for an empty database. */
export function schemaVersion(db: Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function refuseNewer(version: number, path: string): never {
  throw new DataError(
    `the run store has schema version ${version}, written by a newer lawful; lawful ${LAWFUL_VERSION} reads up to version ` +
      `${STORE_SCHEMA_VERSION}. Upgrade lawful, or use another store (--store PATH or LAWFUL_STORE)`,
    { file: path },
  );
}

/**
 * Brings the store at `path` (open as `db`) up to `STORE_SCHEMA_VERSION`, or throws a
 * `DataError` naming the file if it is newer. Idempotent.
 */
export function migrate(db: Database, path: string): void {
  // Fast path without the write lock: most opens find the store current.
  const seen = schemaVersion(db);
  if (seen > STORE_SCHEMA_VERSION) refuseNewer(seen, path);
  if (seen === STORE_SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     INTEGER PRIMARY KEY,
      description TEXT NOT NULL,
      applied_at  TEXT NOT NULL,
      lawful      TEXT NOT NULL
    )`);
    const current = schemaVersion(db); // re-read under the lock: another process may have migrated
    if (current > STORE_SCHEMA_VERSION) refuseNewer(current, path);
    const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_at, lawful) VALUES (?, ?, ?, ?)');
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.description, new Date().toISOString(), LAWFUL_VERSION);
    }
  }).immediate();
}
