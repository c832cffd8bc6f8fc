/**
 * An output folder (`--out`) always holds one run's files, never half one run and half
 * another. Node only.
 *
 * - `checkOutputFolder` refuses, before any fitting, a path that is a file, a folder that
 *   cannot be written, or a folder holding files lawful did not write (it is replaced whole).
 * - `lockOutputFolder` takes `.<name>.lock` beside the folder: a second writer is refused
 *   with one line naming the run that holds it; a lock whose process is gone is taken over.
 * - `stagedFolder` builds the whole output in `.<name>.staging-…` beside the target and moves
 *   it into place at the end with rename(2); the previous contents stay until that moment,
 *   so a kill at any point leaves the old run's folder or the new one.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';

/**
 * Files lawful writes into an output folder (and the temporary files of atomic writes);
 * `discovered[-<model>].eq` are the files a model writes beside its saved form (`Fitted.files`).
 */
const OURS = /^(results\.json|index\.html|table\.txt|(figure(-.+)?|reliability|adversarial|vpt|phase(-.+)?|invariant(-.+)?)\.(svg|png)|model-.+\.json|discovered(-.+)?\.eq|\..+\.tmp)$/;

/** Whether `name` is one of the files lawful writes into an output folder. */
export function isOwnFile(name: string): boolean {
  return OURS.test(name);
}

/** The nearest existing ancestor of `path` (itself if it exists). */
function existingAncestor(path: string): string {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

let probes = 0;

/** Whether a new file can be made in `dir`: tried for real with a probe file, removed at once (access(2) says yes to root everywhere). */
function writable(dir: string): boolean {
  const probe = join(dir, `.lawful-probe-${process.pid}-${probes++}`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses an output folder that cannot be written as a whole, naming `flag`: an existing
 * file, a folder (or the folder it would be created in) the user cannot write, or a folder
 * holding files lawful did not write (replacing it whole would delete them). Creates nothing.
 */
export function checkOutputFolder(dir: string, flag = '--out'): void {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new ConfigError(`${target} is a file, not a folder; name a folder (new or from an earlier run)`, flag);
    if (!writable(target)) throw new ConfigError(`cannot write into ${target} (permission denied)`, flag);
    const foreign = readdirSync(target).filter((f) => !OURS.test(f));
    if (foreign.length) {
      const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, … (${foreign.length} in all)` : '');
      throw new ConfigError(`${target} holds files lawful did not write (${shown}); lawful replaces its output folder whole, so name a new folder or one of an earlier run`, flag);
    }
  }
  const parent = existingAncestor(dirname(target));
  if (!statSync(parent).isDirectory() || !writable(parent)) throw new ConfigError(`cannot create ${target}: ${parent} is not writable`, flag);
}

/** Who holds a lock, as written into the lock file. */
export interface LockOwner {
  /** The run's id in the run store. */
  run: string;
  pid: number;
  host: string;
}

export interface FolderLock {
  readonly path: string;
  release(): void;
}

function alive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot tell on another machine: assume it runs
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of output folder `dir` for `run` (a file `.<name>.lock` beside the folder,
 * created exclusively). Throws a ConfigError naming `flag` and the other run when another
 * live process holds it. The lock is released by `release()` or when the process exits.
 */
export function lockOutputFolder(dir: string, run: string, flag = '--out'): FolderLock {
  const target = resolve(dir);
  const path = join(dirname(target), `.${basename(target)}.lock`);
  mkdirSync(dirname(target), { recursive: true });
  const me: LockOwner = { run, pid: process.pid, host: hostname() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, JSON.stringify(me) + '\n');
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`cannot lock ${target}: ${(err as Error).message}`, flag);
      let owner: LockOwner | undefined;
      try {
        owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
      } catch {
        owner = undefined; // being written this very moment, or garbage: look again
      }
      if (owner && alive(owner)) {
        throw new ConfigError(`${target} is being written by run ${owner.run.slice(0, 8)} (pid ${owner.pid}); wait for it to finish or choose another folder`, flag);
      }
      if (attempt >= 20) throw new ConfigError(`cannot lock ${target}: ${path} stays in the way; remove it if no lawful runs`, flag);
      if (owner) rmSync(path, { force: true }); // its process is gone: the lock is stale
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  sweepLeftovers(target);
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
      if (owner.pid === me.pid && owner.run === me.run) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return { path, release };
}

/** Removes staging and set-aside folders of `target` left by processes that were killed (their pid is gone). */
function sweepLeftovers(target: string): void {
  const prefix = `.${basename(target)}.`;
  for (const name of readdirSync(dirname(target))) {
    const m = /^(?:staging|old)-(\d+)-/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : '');
    if (m && Number(m[1]) !== process.pid && !alive({ run: '', pid: Number(m[1]), host: hostname() })) {
      rmSync(join(dirname(target), name), { recursive: true, force: true });
    }
  }
}

export interface StagedFolder {
  /** Where to write: a fresh folder beside the target. */
  readonly path: string;
  /** Moves the staged folder into place (the previous folder, if any, is removed after). */
  commit(): void;
  /** Removes the staged folder (nothing reaches the target). */
  discard(): void;
}

let counter = 0;

/** A fresh folder beside `target`, to be moved into place whole by `commit()` (see the file comment). */
export function stagedFolder(target: string): StagedFolder {
  const full = resolve(target);
  const parent = dirname(full);
  const unique = `${process.pid}-${(counter++).toString(36)}-${process.hrtime.bigint().toString(36)}`;
  const path = join(parent, `.${basename(full)}.staging-${unique}`);
  mkdirSync(path, { recursive: true });
  const discard = () => {
    process.off('exit', discard);
    rmSync(path, { recursive: true, force: true });
  };
  process.on('exit', discard); // a second Ctrl-C exits at once: leave no staging folder behind
  return {
    path,
    discard,
    commit() {
      const old: string[] = [];
      for (let i = 0; ; i++) {
        try {
          renameSync(path, full); // atomic; succeeds onto a missing or empty folder
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || i > 20) throw err;
          const aside = join(parent, `.${basename(full)}.old-${unique}-${i}`);
          try {
            renameSync(full, aside);
            old.push(aside);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          }
        }
      }
      process.off('exit', discard);
      for (const p of old) rmSync(p, { recursive: true, force: true });
    },
  };
}
