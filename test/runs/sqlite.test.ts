// retryWhileBusy: starting over when SQLite answers SQLITE_BUSY without waiting.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, retryWhileBusy } from '../../src/runs/sqlite.js';

function busy(): Error {
  return Object.assign(new Error('database is locked'), { name: 'SqliteError', code: 'SQLITE_BUSY' });
}

describe('retryWhileBusy', () => {
  it('runs the work again after SQLITE_BUSY until it succeeds, pausing between attempts', () => {
    let calls = 0;
    const pauses: number[] = [];
    const value = retryWhileBusy(() => {
      if (++calls < 3) throw busy();
      return 'done';
    }, 10_000, (ms) => pauses.push(ms));
    expect(value).toBe('done');
    expect(calls).toBe(3);
    expect(pauses).toHaveLength(2);
    for (const ms of pauses) expect(ms).toBeGreaterThan(0);
  });

  it('rethrows any other error at once, and SQLITE_BUSY once the time is up', () => {
    let calls = 0;
    expect(() => retryWhileBusy(() => {
      calls++;
      throw Object.assign(new Error('disk I/O error'), { name: 'SqliteError', code: 'SQLITE_IOERR' });
    }, 10_000, () => {})).toThrow(/disk I\/O error/);
    expect(calls).toBe(1);
    calls = 0;
    expect(() => retryWhileBusy(() => {
      calls++;
      throw busy();
    }, 0, () => {})).toThrow(/database is locked/);
    expect(calls).toBe(1);
  });

  it('gets through a real lock held by another connection once that connection commits', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lawful-busy-')), 'lock.db');
    const holder = openDatabase(path);
    holder.exec('CREATE TABLE t (x INTEGER)');
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec('INSERT INTO t VALUES (1)');
    const waiter = openDatabase(path, { timeout: 0 });
    let attempts = 0;
    const n = retryWhileBusy(() => {
      attempts++;
      return (waiter.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    }, 10_000, () => {
      if (holder.inTransaction) holder.exec('COMMIT'); // the other side finishes while we pause
    });
    expect(attempts).toBe(2); // the first read really met the lock
    expect(n).toBe(1);
    waiter.close();
    holder.close();
  });
});
