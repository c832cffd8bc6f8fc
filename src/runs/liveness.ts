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

/** Fields of /proc/<pid>/stat after "pid (comm)", from the state (field 3) on; undefined without /proc. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses, so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

let bootId: string | null | undefined;

/**
 * Who process `pid` is, beyond its number: "<boot id>:<start time in clock ticks since
 * boot>" (/proc/sys/kernel/random/boot_id and field 22 of /proc/<pid>/stat), unique for
 * the life of the machine. Undefined where there is no /proc (macOS, Windows) or the
 * process is gone.
 */
export function processStart(pid: number): string | undefined {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = null;
    }
  }
  const start = statFields(pid)?.[22 - 3];
  return bootId !== null && start !== undefined && /^\d+$/.test(start) ? `${bootId}:${start}` : undefined;
}

/**
 * True when process `pid` exists, is not a zombie and, if `start` (a `processStart` value)
 * is given, is the same process that recorded it. Signal 0 checks existence without
 * delivering anything (kill(2)); EPERM means it exists but belongs to another user. A zombie
 * (exited, not yet reaped by its parent) has finished its work, so it counts as dead. A
 * recycled pid (the run died and the OS gave its number to a new process) has another
 * start time, so it counts as dead too. Both checks read /proc and are skipped without it,
 * and for runs recorded without `start`: then the check errs towards alive, never marking
 * a live run stale.
 */
export function pidAlive(pid: number, start?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const fields = statFields(pid);
  if (fields === undefined) return true; // no /proc, or the process just vanished: kill said it exists
  if (fields[0] === 'Z' || fields[0] === 'X') return false;
  if (start === undefined) return true;
  const now = processStart(pid);
  return now === undefined || now === start;
}

/**
 * Alive as far as this host can tell: a run on another host cannot be checked and is
 * reported as `running`.
 */
export function runAlive(pid: number, host: string, start?: string): boolean {
  return host !== thisHost() || pidAlive(pid, start);
}
