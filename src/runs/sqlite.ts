/**
 * The slice of better-sqlite3 (12.x) the run store uses, typed here because the package
 * ships no types and @types/better-sqlite3 is not installed. Loaded with `createRequire`:
 * better-sqlite3 is a CommonJS native addon. Node only.
 */
import { createRequire } from 'node:module';

/** Result of a write statement. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** A prepared statement; parameters are positional (`?`) or named (`@name` with an object). */
export interface Statement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** A function wrapped by `Database.transaction`; `.immediate` takes the write lock at BEGIN. */
export interface Transaction<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}

/** An open connection. */
export interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): Database;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R>;
  close(): Database;
  readonly open: boolean;
  readonly inTransaction: boolean;
  readonly name: string;
}

/** Options of the constructor. */
export interface DatabaseOptions {
  /** Fail instead of creating the file. Default false. */
  fileMustExist?: boolean;
  /** Open read-only. Default false. */
  readonly?: boolean;
  /** How long a statement waits on a lock held by another connection before SQLITE_BUSY, in ms (sets busy_timeout). Default 5000. */
  timeout?: number;
}

type DatabaseConstructor = new (path: string, options?: DatabaseOptions) => Database;

/** An error raised by SQLite, with its extended result code, e.g. "SQLITE_BUSY" or "SQLITE_NOTADB". */
export interface SqliteError extends Error {
  code: string;
}

let constructor: DatabaseConstructor | undefined;

/** Opens (or creates) the SQLite database at `path` with better-sqlite3. */
export function openDatabase(path: string, options: DatabaseOptions = {}): Database {
  constructor ??= createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
  return new constructor(path, options);
}

/** True for an error thrown by SQLite (as opposed to one thrown by our own code inside a transaction). */
export function isSqliteError(err: unknown): err is SqliteError {
  return err instanceof Error && err.name === 'SqliteError' && typeof (err as SqliteError).code === 'string';
}

/** Blocks the thread for `ms` milliseconds (Node only: Atomics.wait on the main thread). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn`, running it again while SQLite answers SQLITE_BUSY, for up to `timeoutMs`.
 *
 * The busy timeout covers waiting for a lock, but SQLite returns SQLITE_BUSY at once,
 * without waiting, where waiting could deadlock: two connections that both read a fresh
 * file and then ask for the exclusive lock to switch it to WAL. One of them must give up
 * its read and start over, which is what this does (after a short random pause, so the
 * two do not collide again in step). `fn` must be safe to repeat from the start.
 */
export function retryWhileBusy<T>(fn: () => T, timeoutMs: number, sleep: (ms: number) => void = sleepSync): T {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isSqliteError(err) || !err.code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw err;
      sleep(Math.min(100, 5 * attempt) * (0.5 + Math.random()));
    }
  }
}
