/**
 * Atomic file writes: the data goes to a temporary file in the same directory, is flushed
 * to disk, then renamed over the target. A rename within one file system is atomic
 * (POSIX rename(2)), so a reader sees the old file or the new one, never half of it, and
 * an interrupted run leaves at most a stray `.<name>.*.tmp` file, never a truncated target.
 *
 * Synchronous on purpose: the files are small (reports, CSV), and a caller cannot forget
 * to await it.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** Temporary name next to `path`, unique per process and call (pid, counter, clock). */
function temporaryPath(path: string): string {
  const stamp = process.hrtime.bigint().toString(36);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${(counter++).toString(36)}.${stamp}.tmp`);
}

/**
 * Writes `data` to `path` atomically (see the file comment). On any failure the temporary
 * file is removed and the error is rethrown; the target is then unchanged.
 *
 * @param path target file; its directory must exist.
 * @param data text (written as UTF-8) or bytes.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = temporaryPath(path);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created (e.g. the directory is missing)
    }
    throw err;
  }
  syncDirectory(dirname(path));
}

/** Flushes the directory entry of the rename (durability across a power cut); best effort. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a directory; the rename itself is already atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
