/**
 * The run store: every `demo` and `fit` recorded in an embedded SQLite database
 * (better-sqlite3), so runs can be listed, shown and compared later. Node only.
 *
 * - WAL journal (readers never block the writer, and a crash cannot corrupt the file),
 *   with a busy timeout so several processes can write one store at the same time.
 * - Every write is one transaction taken with BEGIN IMMEDIATE: a run's outcome and its
 *   model rows land together or not at all.
 * - A run is `running` from `begin` until the first of complete / fail / interrupt; the
 *   first outcome wins, later calls change nothing. A `running` row whose process is dead
 *   (SIGKILL, power cut) is reported as `stale`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, DataError, LawfulError } from '../core/errors.js';
import { serializeResults } from '../report/results.js';
import type { Results } from '../report/results.js';
import { processStart, runAlive, thisHost } from './liveness.js';
import { checkStorePath } from './store-path.js';
import { recordFromRow, RUN_STATUSES } from './record.js';
import type { RunRecord, RunRow, RunStatus } from './record.js';
import { migrate, schemaVersion } from './schema.js';
import { isSqliteError, openDatabase, retryWhileBusy } from './sqlite.js';
import type { Database } from './sqlite.js';

/** Where the store lives unless told: `LAWFUL_STORE`, else ./.lawful/runs.db (relative to the working directory). */
export const DEFAULT_STORE_PATH = '.lawful/runs.db';

/** The store path for `path` (e.g. `--store`), else `LAWFUL_STORE`, else `DEFAULT_STORE_PATH`; absolute. */
export function storePath(path?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(path ?? (env.LAWFUL_STORE || DEFAULT_STORE_PATH));
}

/** Options of `RunStore.open`. */
export interface OpenOptions {
  /**
   * Create the store (and its folder) when missing. Default true. Readers (`lawful runs …`)
   * pass false and get a `DataError` naming the path instead of an empty new store.
   */
  create?: boolean;
  /** How long a write waits for another process's transaction, in ms. Default 10000. */
  busyTimeoutMs?: number;
}

/** What `begin` records about a run before it starts working. */
export interface RunInfo {
  /** The command, e.g. "demo" or "fit". */
  command: string;
  /** Everything needed to rerun (plain JSON). */
  config: unknown;
  /** The command line without node and the script, e.g. process.argv.slice(2). */
  argv: string[];
  /** "simulated:<system>" or a file path. */
  dataSource?: string;
  /** "sha256:…" of the data. */
  fingerprint?: string;
}

/** What a completed run produced. `files` maps a name to a path (figure, results.json, saved model). */
export interface RunOutcome<F extends Record<keyof F, string> = Record<string, string>> {
  results: Results;
  files: F;
}

/**
 * The open run returned by `begin`. Each method records an outcome and returns true, or
 * returns false and changes nothing when the run already has one (or was deleted).
 */
export interface RunHandle {
  readonly id: string;
  /**
   * Marks the run completed with its results (validated against the results.json schema
   * first: a `DataError` if invalid, and the run stays running) and files. A data source or
   * fingerprint not given to `begin` (the data had not been read yet) is taken from
   * `results.data`.
   */
  complete<F extends Record<keyof F, string>>(outcome: RunOutcome<F>): boolean;
  /** Marks the run failed; the error's message is kept (with its name when it is not a LawfulError). */
  fail(err: unknown): boolean;
  /**
   * Marks the run interrupted (Ctrl-C, a cancelled request); `reason` is kept as its error,
   * default "interrupted". `partial`, when given, keeps what the run finished before it was
   * stopped (the results of its finished models and the files written for them).
   */
  interrupt<F extends Record<keyof F, string>>(reason?: string, partial?: RunOutcome<F>): boolean;
}

/** Filters of `RunStore.list`; all given ones must hold. */
export interface RunFilter {
  /** Only this command, e.g. "fit". */
  command?: string;
  /** Only this status; `running` and `stale` are told apart by the liveness check. */
  status?: RunStatus;
  /** Only runs started at or after this time (anything `Date` parses, e.g. "2026-11-26" or an ISO time). */
  since?: string;
  /** Only runs whose id, command, data source, command line, config, error or model names/families contain this text (case-insensitive for ASCII). */
  text?: string;
  /** At most this many runs, newest first. Default: all. */
  limit?: number;
}

const SELECT_RUN = 'SELECT * FROM runs';

/** `%`, `_` and `\` taken literally in a LIKE pattern with ESCAPE '\'. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function errorText(err: unknown): string {
  if (err instanceof LawfulError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new ConfigError(`cannot be stored as JSON: ${(err as Error).message}`, what);
  }
  if (text === undefined) throw new ConfigError('cannot be stored as JSON (undefined or a function)', what);
  return text;
}

/** results.json text (validated; non-finite metrics become null), the parsed results, and the files as JSON. */
function checkedOutcome(outcome: RunOutcome): { text: string; results: Results; files: string } {
  const text = serializeResults(outcome.results);
  const files: Record<string, string> = {};
  for (const [name, path] of Object.entries(outcome.files as Record<string, unknown>)) {
    if (typeof path !== 'string') throw new ConfigError(`files.${name} must be a path, got ${typeof path}`, 'files');
    files[name] = path;
  }
  return { text, results: JSON.parse(text) as Results, files: JSON.stringify(files) };
}

/** The run store. Open with `RunStore.open`, close when done. */
export class RunStore {
  private readonly statements: {
    insert: ReturnType<Database['prepare']>;
    finish: ReturnType<Database['prepare']>;
    complete: ReturnType<Database['prepare']>;
    model: ReturnType<Database['prepare']>;
  };

  private constructor(
    private readonly db: Database,
    /** Absolute path of the database file. */
    readonly path: string,
  ) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO runs (id, command, status, started_at, config, argv, data_source, fingerprint, pid, host, process_start)
         VALUES (@id, @command, 'running', @startedAt, @config, @argv, @dataSource, @fingerprint, @pid, @host, @processStart)`,
      ),
      finish: db.prepare(
        `UPDATE runs SET status = @status, finished_at = @finishedAt, duration_seconds = @duration, error = @error,
           results = @results, files = @files
         WHERE id = @id AND status = 'running'`,
      ),
      complete: db.prepare(
        `UPDATE runs SET status = 'completed', finished_at = @finishedAt, duration_seconds = @duration, results = @results, files = @files,
           data_source = COALESCE(data_source, @dataSource), fingerprint = COALESCE(fingerprint, @fingerprint)
         WHERE id = @id AND status = 'running'`,
      ),
      model: db.prepare(
        `INSERT INTO run_models (run_id, position, name, family, parameters, nrmse_in, nrmse_out, valid_prediction_time, fit_seconds)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /**
   * Opens the store at `path` (default: `storePath()`), creating its folder and file
   * unless `create` is false, switching it to WAL and migrating its schema. Throws a
   * `DataError` naming the file when it is not a run store or was written by a newer
   * lawful, a `ConfigError` naming --store when it cannot be created or opened.
   */
  static open(path?: string, options: OpenOptions = {}): RunStore {
    const file = storePath(path);
    if (options.create === false && !existsSync(file)) {
      throw new DataError('no run store here yet (the first `lawful demo` or `lawful fit` creates it; choose another with --store or LAWFUL_STORE)', { file });
    }
    if (options.create !== false) checkStorePath(file);
    const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    let db: Database;
    try {
      mkdirSync(dirname(file), { recursive: true });
      db = openDatabase(file, { timeout: busyTimeoutMs });
    } catch (err) {
      throw new ConfigError(`cannot open the run store ${file}: ${(err as Error).message}`, '--store');
    }
    try {
      retryWhileBusy(() => {
        db.pragma('journal_mode = WAL');
        db.pragma('foreign_keys = ON');
        if (schemaVersion(db) === 0) {
          const other = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1").get() as { name: string } | undefined;
          if (other) throw new DataError(`is an SQLite database but not a lawful run store (it has a table "${other.name}")`, { file });
        }
        migrate(db, file);
      }, busyTimeoutMs);
      return new RunStore(db, file);
    } catch (err) {
      db.close();
      if (isSqliteError(err) && err.code.startsWith('SQLITE_NOTADB')) {
        throw new DataError('is not a lawful run store (not an SQLite database)', { file });
      }
      throw err;
    }
  }

  /** Records a new `running` run of this process on this host and returns its handle. */
  begin(info: RunInfo): RunHandle {
    const started = Date.now();
    const clock = performance.now();
    const row = {
      // 64 random bits: a collision needs about 4 billion runs in one store.
      id: randomBytes(8).toString('hex'),
      command: info.command,
      startedAt: new Date(started).toISOString(),
      config: toJson(info.config ?? null, 'config'),
      argv: toJson(info.argv, 'argv'),
      dataSource: info.dataSource ?? null,
      fingerprint: info.fingerprint ?? null,
      pid: process.pid,
      host: thisHost(),
      processStart: processStart(process.pid) ?? null,
    };
    this.db.transaction(() => this.statements.insert.run(row)).immediate();
    const finished = (): { finishedAt: string; duration: number } => ({
      finishedAt: new Date().toISOString(),
      duration: (performance.now() - clock) / 1000,
    });
    const insertModels = (results: Results) =>
      results.models.forEach((m, i) => {
        const x = m.metrics;
        this.statements.model.run(row.id, i, m.name, m.family, m.parameters, x.nrmseIn, x.nrmseOut, x.validPredictionTime, x.fitSeconds);
      });
    const finish = (status: 'failed' | 'interrupted', error: string, partial?: RunOutcome): boolean => {
      const kept = partial ? checkedOutcome(partial) : undefined;
      return this.db
        .transaction(() => {
          const done = this.statements.finish.run({ id: row.id, status, error, results: kept?.text ?? null, files: kept?.files ?? null, ...finished() }).changes > 0;
          if (done && kept) insertModels(kept.results);
          return done;
        })
        .immediate();
    };
    return {
      id: row.id,
      complete: (outcome) => {
        const { text, results, files } = checkedOutcome(outcome as RunOutcome);
        return this.db
          .transaction(() => {
            const done = this.statements.complete.run({
              id: row.id,
              results: text,
              files,
              dataSource: results.data.source,
              fingerprint: results.data.fingerprint,
              ...finished(),
            });
            if (done.changes === 0) return false;
            insertModels(results);
            return true;
          })
          .immediate();
      },
      fail: (err) => finish('failed', errorText(err)),
      interrupt: (reason = 'interrupted', partial) => finish('interrupted', reason, partial as RunOutcome | undefined),
    };
  }

  /** Runs matching `filter`, newest first. */
  list(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.command !== undefined) {
      where.push('command = @command');
      params.command = filter.command;
    }
    const status = filter.status;
    if (status !== undefined) {
      if (!RUN_STATUSES.includes(status)) throw new ConfigError(`unknown status "${status}" (known: ${RUN_STATUSES.join(', ')})`, 'status');
      where.push('status = @status');
      params.status = status === 'stale' ? 'running' : status;
    }
    if (filter.since !== undefined) {
      const t = new Date(filter.since);
      if (Number.isNaN(t.getTime())) throw new ConfigError(`expected a date or time, got "${filter.since}"`, 'since');
      where.push('started_at >= @since');
      params.since = t.toISOString();
    }
    if (filter.text !== undefined && filter.text !== '') {
      const cols = ['id', 'command', 'data_source', 'argv', 'config', 'error'].map((c) => `${c} LIKE @text ESCAPE '\\'`);
      cols.push(`EXISTS (SELECT 1 FROM run_models m WHERE m.run_id = runs.id AND (m.name LIKE @text ESCAPE '\\' OR m.family LIKE @text ESCAPE '\\'))`);
      where.push(`(${cols.join(' OR ')})`);
      params.text = `%${likeEscape(filter.text)}%`;
    }
    const limit = filter.limit;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new ConfigError(`expected a whole number ≥ 0, got ${limit}`, 'limit');
    // running vs stale is decided after the query, so the limit is applied after it too.
    const limitInSql = limit !== undefined && (status === undefined || (status !== 'running' && status !== 'stale'));
    const sql = `${SELECT_RUN}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, rowid DESC${limitInSql ? ` LIMIT ${limit}` : ''}`;
    let records = (this.db.prepare(sql).all(params) as RunRow[]).map((r) => recordFromRow(r, runAlive));
    if (status === 'running' || status === 'stale') records = records.filter((r) => r.status === status);
    return limit !== undefined ? records.slice(0, limit) : records;
  }

  /**
   * The full id of the run named by `id` or by a unique prefix of it (like git). Throws a
   * `ConfigError` naming `id` when it is not hex, matches no run, or matches several
   * (listing them).
   */
  resolveId(id: string): string {
    const prefix = id.trim().toLowerCase();
    if (!/^[0-9a-f]+$/.test(prefix)) throw new ConfigError(`run id "${id}" is not an id (hex digits, as \`lawful runs list\` shows)`);
    const rows = this.db.prepare("SELECT id FROM runs WHERE id LIKE ? || '%' ORDER BY id LIMIT 6").all(prefix) as { id: string }[];
    if (rows.length === 0) throw new ConfigError(`no run "${id}" in ${this.path} (see \`lawful runs list\`)`);
    if (rows.length > 1) {
      const shown = rows.slice(0, 5).map((r) => r.id);
      throw new ConfigError(`run id "${id}" is ambiguous: it starts ${shown.join(', ')}${rows.length > 5 ? ', …' : ''}; give more digits`);
    }
    return rows[0].id;
  }

  /** The run named by `id` or a unique prefix of it (see `resolveId`). */
  get(id: string): RunRecord {
    const row = this.db.prepare(`${SELECT_RUN} WHERE id = ?`).get(this.resolveId(id)) as RunRow;
    return recordFromRow(row, runAlive);
  }

  /** Deletes the run named by `id` (or a unique prefix) and its model rows, in one transaction. The files it wrote stay. */
  delete(id: string): void {
    const full = this.resolveId(id);
    this.db.transaction(() => this.db.prepare('DELETE FROM runs WHERE id = ?').run(full)).immediate();
  }

  /** Closes the connection; handles of this store cannot record after it. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
