/**
 * What the run store keeps about one run, and how a table row becomes that record.
 */
import type { Results } from '../report/results.js';

/** Stored statuses. */
export type StoredStatus = 'running' | 'completed' | 'failed' | 'interrupted';

/**
 * Status as reported. `stale` is never stored: it is a `running` row whose process is no
 * longer alive on this host (killed with SIGKILL, out of memory, a power cut).
 */
export type RunStatus = StoredStatus | 'stale';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'interrupted', 'stale'];

/** One run of a command (`demo`, `fit`, …), as `RunStore.list` and `RunStore.get` return it. */
export interface RunRecord {
  /** 16 lowercase hex digits; any unique prefix names the run (like git). */
  id: string;
  /** The command that ran, e.g. "demo" or "fit". */
  command: string;
  status: RunStatus;
  /** ISO 8601 UTC with milliseconds, e.g. "2026-11-26T13:42:03.120Z". */
  startedAt: string;
  /** When it completed, failed or was interrupted; absent while running (and when stale). */
  finishedAt?: string;
  /** finishedAt − startedAt, in seconds. */
  durationSeconds?: number;
  /** Everything needed to rerun, as the command resolved it (plain JSON). */
  config: unknown;
  /** The command line, e.g. ["demo", "--bank", "4,2"] (without node and the script). */
  argv: string[];
  /** "simulated:<system>" or a file path. */
  dataSource?: string;
  /** "sha256:…" of the data as read. */
  fingerprint?: string;
  /** results.json of a completed run. */
  results?: Results;
  /** Files the run wrote, by name: figure paths, results.json, saved models. */
  files?: Record<string, string>;
  /** Why it failed or was interrupted. */
  error?: string;
  /** Process that ran it, and the host it ran on (for the stale check). */
  pid: number;
  host: string;
}

/** A row of the `runs` table as better-sqlite3 returns it. */
export interface RunRow {
  id: string;
  command: string;
  status: StoredStatus;
  started_at: string;
  finished_at: string | null;
  duration_seconds: number | null;
  config: string;
  argv: string;
  data_source: string | null;
  fingerprint: string | null;
  results: string | null;
  files: string | null;
  error: string | null;
  pid: number;
  host: string;
  /** processStart of the recording process (schema version 2); null before, or without /proc. */
  process_start: string | null;
}

/**
 * The record of `row`; `alive(pid, host, start)` decides whether a `running` row is really
 * running or `stale`. `results` was validated against the results.json schema when it
 * was written (RunHandle.complete), so it is parsed, not validated again.
 */
export function recordFromRow(row: RunRow, alive: (pid: number, host: string, start?: string) => boolean): RunRecord {
  const record: RunRecord = {
    id: row.id,
    command: row.command,
    status: row.status === 'running' && !alive(row.pid, row.host, row.process_start ?? undefined) ? 'stale' : row.status,
    startedAt: row.started_at,
    config: JSON.parse(row.config) as unknown,
    argv: JSON.parse(row.argv) as string[],
    pid: row.pid,
    host: row.host,
  };
  if (row.finished_at !== null) record.finishedAt = row.finished_at;
  if (row.duration_seconds !== null) record.durationSeconds = row.duration_seconds;
  if (row.data_source !== null) record.dataSource = row.data_source;
  if (row.fingerprint !== null) record.fingerprint = row.fingerprint;
  if (row.results !== null) record.results = JSON.parse(row.results) as Results;
  if (row.files !== null) record.files = JSON.parse(row.files) as Record<string, string>;
  if (row.error !== null) record.error = row.error;
  return record;
}
