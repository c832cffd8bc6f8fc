/**
 * Is the process that recorded a `running` row still alive? Decides `running` vs `stale`.
 * Node only.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** This machine's name, as stored in `RunRecord.host`. */
export function thisHost(): string {
  return hostname();
}

/**
 * True when process `pid` exists and is not a zombie. Signal 0 checks existence without
 * delivering anything (kill(2)); EPERM means it exists but belongs to another user. A zombie
 * (exited, not yet reaped by its parent) has finished its work, so it counts as dead; on
 * Linux that is read from /proc/<pid>/stat, elsewhere it is skipped.
 *
 * A recycled pid (the run died and the OS gave its number to a new process) reads as
 * alive: the check errs towards `running`, never marks a live run stale.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": comm may hold spaces and parentheses, so read after the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (macOS) or the process just vanished: kill said it exists
  }
}

/**
 * Alive as far as this host can tell: a run on another host cannot be checked and is
 * reported as `running`.
 */
export function runAlive(pid: number, host: string): boolean {
  return host !== thisHost() || pidAlive(pid);
}
