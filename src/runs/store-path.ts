/**
 * Whether a path can hold a run store, decided before anything is created there: SQLite
 * writes its journal beside the file, so `--store /dev/null` used to leave
 * `/dev/null-journal` behind and a read-only folder failed only after the fit. Node only.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, DataError } from '../core/errors.js';

/**
 * Refuses, before anything is created, a store path SQLite could not write: an existing path
 * that is not a regular file (`/dev/null`, a folder), a file or folder the user cannot write
 * (SQLite writes its journal beside the file), or a missing file whose nearest existing
 * folder cannot be written (`/proc/…`). One ConfigError naming --store.
 */
export function checkStorePath(file: string): void {
  const refuse = (why: string) => new ConfigError(`cannot use ${file} as a run store: ${why}`, '--store');
  if (existsSync(file)) {
    const st = statSync(file);
    if (!st.isFile()) throw refuse('it is not a regular file (a run store is an SQLite file)');
    const problem = writeProblem(() => closeSync(openSync(file, 'r+')));
    if (problem) throw refuse(`it cannot be written (${problem})`);
    // SQLite writes its journal beside the file: that folder must take new files too.
    const beside = probeFolder(dirname(file));
    if (beside) throw refuse(`its folder ${dirname(file)} cannot be written (${beside})`);
    if (st.size > 0 && !isSqliteFile(file)) throw new DataError('is not a lawful run store (not an SQLite database)', { file });
    return;
  }
  let dir = dirname(file);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw refuse(`${dir} is not a folder`);
  const problem = probeFolder(dir);
  if (problem) throw refuse(`${dir} cannot be written (${problem})`);
}

/** Why `write` failed ("read-only", "permission denied", the code), or undefined if it worked. */
function writeProblem(write: () => void): string | undefined {
  try {
    write();
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const words: Record<string, string> = { EROFS: 'read-only file system', EACCES: 'permission denied', EPERM: 'permission denied', ENOENT: 'it takes no new files', ENOTDIR: 'not a folder' };
    return (code && words[code]) ?? code ?? (err as Error).message;
  }
}

/**
 * Whether a new file can be made in `dir`: tried for real with a probe file, removed at once
 * (access(2) says yes to root even on /proc).
 */
function probeFolder(dir: string): string | undefined {
  const probe = join(dir, `.lawful-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  return writeProblem(() => {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  });
}

/** The file starts with SQLite's magic header. */
function isSqliteFile(file: string): boolean {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString('latin1') === 'SQLite format 3\0';
}
