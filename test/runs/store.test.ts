import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { RunStore } from '../../src/runs/store.js';
import { processStart } from '../../src/runs/liveness.js';
import { MIGRATIONS, STORE_SCHEMA_VERSION } from '../../src/runs/schema.js';
import { openDatabase } from '../../src/runs/sqlite.js';
import { model, results, tempStore } from './fixtures.js';

const open: RunStore[] = [];
function store(path = tempStore()): RunStore {
  const s = RunStore.open(path);
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

const bank = model('oscillator-bank K=4', 'oscillator-bank', 1.25e-6, 2.5e-5, 30);
const lstm = model('lstm', 'lstm', 0.0125, 1.75, 11.25);

describe('RunStore', () => {
  it('round-trips a completed run exactly, in WAL mode, and creates the folder', () => {
    const path = tempStore();
    expect(existsSync(dirname(path))).toBe(false);
    const s = store(path);
    const config = { oscillators: 4, bank: [4, 2], nested: { noise: 0.05, name: 'ünïcode "quoted"' } };
    const argv = ['demo', '--bank', '4,2', '--out', 'dir with spaces'];
    const h = s.begin({ command: 'demo', config, argv, dataSource: 'simulated:coupled-pendulums' });
    expect(h.id).toMatch(/^[0-9a-f]{16}$/);
    const running = s.get(h.id);
    expect(running.status).toBe('running');
    expect(running.pid).toBe(process.pid);
    expect(running.host).toBe(hostname());
    expect(running.finishedAt).toBeUndefined();
    const res = results('demo', [bank, lstm]);
    const files = { png: '/tmp/a/figure.png', results: '/tmp/a/results.json', 'model:lstm': '/tmp/a/lstm.json' };
    expect(h.complete({ results: res, files })).toBe(true);

    const got = s.get(h.id);
    expect(got).toMatchObject({ id: h.id, command: 'demo', status: 'completed', config, argv, dataSource: 'simulated:coupled-pendulums', files });
    expect(got.results).toEqual(res); // every double survives the JSON text exactly
    expect(got.fingerprint).toBe(res.data.fingerprint); // taken from results.data since begin did not know it
    expect(got.error).toBeUndefined();
    expect(Date.parse(got.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(got.startedAt));
    expect(got.durationSeconds).toBeGreaterThanOrEqual(0);
    // a second connection reads the same record from the file
    expect(RunStore.open(path).get(h.id)).toEqual(got);
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const models = db.prepare('SELECT name, nrmse_out, valid_prediction_time FROM run_models WHERE run_id = ? ORDER BY position').all(h.id);
    expect(models).toEqual([
      { name: 'oscillator-bank K=4', nrmse_out: 2.5e-5, valid_prediction_time: 30 },
      { name: 'lstm', nrmse_out: 1.75, valid_prediction_time: 11.25 },
    ]);
    db.close();
  });

  it('stores a non-finite metric as null (results.json has no NaN) and keeps the first outcome', () => {
    const s = store();
    const h = s.begin({ command: 'fit', config: {}, argv: ['fit', 'x.csv'] });
    const diverged = model('lstm', 'lstm', 0.1, Number.NaN, 10.5);
    expect(h.complete({ results: results('fit', [diverged]), files: {} })).toBe(true);
    expect(s.get(h.id).results!.models[0].metrics.nrmseOut).toBeNull();
    // a late Ctrl-C or failure cannot overwrite a recorded outcome
    expect(h.interrupt()).toBe(false);
    expect(h.fail(new Error('late'))).toBe(false);
    expect(s.get(h.id).status).toBe('completed');
  });

  it('records failures with the error message and interruptions with their reason', () => {
    const s = store();
    const a = s.begin({ command: 'fit', config: {}, argv: [] });
    a.fail(new DataError('ragged row', { file: 'x.csv', line: 3, column: 2 }));
    const b = s.begin({ command: 'fit', config: {}, argv: [] });
    b.fail(new TypeError('cannot read x'));
    const c = s.begin({ command: 'demo', config: {}, argv: [] });
    c.interrupt('interrupted (SIGINT)');
    expect(s.get(a.id)).toMatchObject({ status: 'failed', error: 'x.csv, line 3, column 2: ragged row' });
    expect(s.get(b.id)).toMatchObject({ status: 'failed', error: 'TypeError: cannot read x' });
    expect(s.get(c.id)).toMatchObject({ status: 'interrupted', error: 'interrupted (SIGINT)' });
    expect(s.get(c.id).results).toBeUndefined();
  });

  it('refuses invalid results before writing anything: the run stays running', () => {
    const s = store();
    const h = s.begin({ command: 'demo', config: {}, argv: [] });
    const bad = results('demo', [bank]);
    (bad.split as { until: number }).until = 5; // trainUntil 10 > until 5
    expect(() => h.complete({ results: bad, files: {} })).toThrow(/split: needs trainFrom < trainUntil <= until/);
    expect(s.get(h.id).status).toBe('running');
  });

  it('filters by command, status, time, text and limit, newest first', () => {
    const s = store();
    const ids: string[] = [];
    const specs = [
      ['demo', 'completed', 'simulated:coupled-pendulums', [bank, lstm]],
      ['fit', 'completed', '/data/real_pendulum.csv', [lstm]],
      ['fit', 'failed', '/data/broken_100%.csv', []],
      ['demo', 'interrupted', 'simulated:coupled-pendulums', []],
    ] as const;
    for (const [command, status, dataSource, models] of specs) {
      const h = s.begin({ command, config: { tag: `${command}-${status}` }, argv: [command], dataSource });
      if (status === 'completed') h.complete({ results: results(command, [...models], dataSource), files: {} });
      if (status === 'failed') h.fail(new Error('column "theta" not found'));
      if (status === 'interrupted') h.interrupt();
      ids.push(h.id);
    }
    const listed = (f: Parameters<RunStore['list']>[0]) => s.list(f).map((r) => ids.indexOf(r.id));
    expect(listed({})).toEqual([3, 2, 1, 0]);
    expect(listed({ command: 'fit' })).toEqual([2, 1]);
    expect(listed({ status: 'completed' })).toEqual([1, 0]);
    expect(listed({ command: 'demo', status: 'interrupted' })).toEqual([3]);
    expect(listed({ text: 'REAL_pendulum' })).toEqual([1]); // data source, case-insensitive
    expect(listed({ text: 'oscillator-bank' })).toEqual([0]); // a model name
    expect(listed({ text: 'theta' })).toEqual([2]); // the error
    expect(listed({ text: '100%' })).toEqual([2]); // % taken literally, not as a wildcard
    expect(listed({ text: '0%' })).toEqual([2]);
    expect(listed({ text: 'demo-interrupted' })).toEqual([3]); // the config
    expect(listed({ text: ids[2].slice(0, 10) })).toEqual([2]); // the id
    expect(listed({ limit: 2 })).toEqual([3, 2]);
    expect(listed({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(listed({ since: '2000-01-01' })).toEqual([3, 2, 1, 0]);
    expect(() => s.list({ since: 'yesterday-ish' })).toThrow(/since: expected a date or time, got "yesterday-ish"/);
    expect(() => s.list({ status: 'done' as never })).toThrow(/unknown status "done" \(known: running, completed/);
  });

  it('names an unknown id, accepts a unique prefix like git, and lists the runs an ambiguous prefix matches', () => {
    const path = tempStore();
    const s = store(path);
    const ids = Array.from({ length: 17 }, () => s.begin({ command: 'demo', config: {}, argv: [] }).id);
    // 17 ids over 16 hex digits: at least two share their first digit (pigeonhole).
    const first = ids.map((id) => id[0]);
    const shared = first.find((d, i) => first.indexOf(d) !== i)!;
    const matching = ids.filter((id) => id.startsWith(shared)).sort();
    let err: unknown;
    try {
      s.get(shared);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`run id "${shared}" is ambiguous`);
    for (const id of matching.slice(0, 5)) expect((err as Error).message).toContain(id);
    for (const id of ids) {
      expect(s.get(id.slice(0, 12)).id).toBe(id);
      expect(s.get(id.toUpperCase()).id).toBe(id);
    }
    const unknown = ids[0][0] === 'f' ? 'e0e0e0e0' : 'f0f0f0f0f0f0f0f0f0';
    expect(() => s.get(unknown)).toThrow(new ConfigError(`no run "${unknown}" in ${path} (see \`lawful runs list\`)`));
    expect(() => s.get('not-an-id')).toThrow(/run id "not-an-id" is not an id/);
    expect(() => s.get('%')).toThrow(/is not an id/);
  });

  it('deletes a run and its model rows in one go', () => {
    const path = tempStore();
    const s = store(path);
    const a = s.begin({ command: 'demo', config: {}, argv: [] });
    a.complete({ results: results('demo', [bank, lstm]), files: {} });
    const b = s.begin({ command: 'demo', config: {}, argv: [] });
    b.complete({ results: results('demo', [bank]), files: {} });
    s.delete(a.id.slice(0, 6));
    expect(s.list().map((r) => r.id)).toEqual([b.id]);
    expect(() => s.get(a.id)).toThrow(/no run/);
    const db = openDatabase(path);
    expect(db.prepare('SELECT run_id, COUNT(*) AS n FROM run_models GROUP BY run_id').all()).toEqual([{ run_id: b.id, n: 1 }]);
    db.close();
    expect(a.complete({ results: results('demo', [bank]), files: {} })).toBe(false); // deleted: nothing to update
  });
});

describe('RunStore transactions', () => {
  it('a write that fails half-way leaves the previous state intact', () => {
    const path = tempStore();
    const s = store(path);
    const h = s.begin({ command: 'demo', config: {}, argv: [] });
    // Make the second model row fail (as a full disk or a crash would), after the runs row
    // was updated and the first model row inserted inside the same transaction.
    const db = openDatabase(path);
    db.exec(`CREATE TRIGGER fail_second BEFORE INSERT ON run_models WHEN NEW.position = 1
             BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`);
    expect(() => h.complete({ results: results('demo', [bank, lstm]), files: { png: 'x.png' } })).toThrow(/simulated write failure/);
    const after = s.get(h.id);
    expect(after.status).toBe('running');
    expect(after.results).toBeUndefined();
    expect(after.files).toBeUndefined();
    expect(after.finishedAt).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) AS n FROM run_models').get()).toEqual({ n: 0 });
    // once the cause is gone the same handle records the outcome
    db.exec('DROP TRIGGER fail_second');
    db.close();
    expect(h.complete({ results: results('demo', [bank, lstm]), files: { png: 'x.png' } })).toBe(true);
    expect(s.get(h.id).results!.models).toHaveLength(2);
  });
});

describe('RunStore schema', () => {
  it('migrates a new store once and records the version', () => {
    const path = tempStore();
    store(path).close();
    store(path); // second open: already current, no second migration
    const db = openDatabase(path);
    const versions = db.prepare('SELECT version, lawful FROM schema_migrations ORDER BY version').all();
    db.close();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version, lawful: '0.1.0' })));
    expect(MIGRATIONS.at(-1)!.version).toBe(STORE_SCHEMA_VERSION);
  });

  it('migrates a version-1 store in place: its runs stay, and are judged by pid alone', () => {
    const path = tempStore();
    mkdirSync(dirname(path), { recursive: true });
    const db = openDatabase(path);
    db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL, lawful TEXT NOT NULL)`);
    db.exec(MIGRATIONS[0].sql);
    db.prepare("INSERT INTO schema_migrations VALUES (1, ?, '2026-11-01', '0.1.0')").run(MIGRATIONS[0].description);
    const insert = db.prepare("INSERT INTO runs (id, command, status, started_at, config, argv, pid, host) VALUES (?, 'fit', 'running', ?, '{}', '[]', ?, ?)");
    insert.run('00000000000000a1', '2026-11-01T10:00:00.000Z', process.pid, hostname()); // alive: this process
    insert.run('00000000000000a2', '2026-11-01T09:00:00.000Z', 2 ** 22 + 1, hostname()); // above Linux's pid_max: dead
    db.close();
    const s = store(path);
    expect(s.list().map((r) => [r.id, r.status])).toEqual([
      ['00000000000000a1', 'running'],
      ['00000000000000a2', 'stale'],
    ]);
    const raw = openDatabase(path);
    expect(raw.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: STORE_SCHEMA_VERSION });
    expect(raw.prepare("SELECT process_start FROM runs WHERE id = '00000000000000a1'").get()).toEqual({ process_start: null });
    raw.close();
  });

  it.skipIf(processStart(process.pid) === undefined)('a running row whose pid now belongs to another process (a recycled pid) is stale', () => {
    const path = tempStore();
    const s = store(path);
    const h = s.begin({ command: 'fit', config: {}, argv: [] });
    expect(s.get(h.id).status).toBe('running');
    const db = openDatabase(path);
    const [boot, ticks] = (db.prepare('SELECT process_start AS p FROM runs WHERE id = ?').get(h.id) as { p: string }).p.split(':');
    expect(`${boot}:${ticks}`).toBe(processStart(process.pid));
    // The same pid, started at another time: the process that recorded the run is gone.
    db.prepare('UPDATE runs SET process_start = ? WHERE id = ?').run(`${boot}:${Number(ticks) - 1}`, h.id);
    db.close();
    expect(s.get(h.id).status).toBe('stale');
  });

  it('refuses a store written by a newer lawful, naming the file and both versions', () => {
    const path = tempStore();
    const s = store(path);
    const h = s.begin({ command: 'demo', config: {}, argv: [] });
    s.close();
    const db = openDatabase(path);
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01', '9.0.0')").run(STORE_SCHEMA_VERSION + 1);
    db.close();
    expect(() => RunStore.open(path)).toThrow(
      new DataError(
        `the run store has schema version ${STORE_SCHEMA_VERSION + 1}, written by a newer lawful; lawful 0.1.0 reads up to version ${STORE_SCHEMA_VERSION}. ` +
          'Upgrade lawful, or use another store (--store PATH or LAWFUL_STORE)',
        { file: path },
      ),
    );
    // nothing was changed: the run is still there for the newer lawful
    const raw = openDatabase(path);
    expect(raw.prepare('SELECT id FROM runs').all()).toEqual([{ id: h.id }]);
    raw.close();
  });

  it('refuses files that are not run stores, and a missing store when asked not to create one', () => {
    const dir = dirname(dirname(tempStore())); // the temporary folder itself (tempStore's 'nested' does not exist)
    const text = join(dir, 'notes.db');
    writeFileSync(text, 'these are not the runs you are looking for\n'.repeat(100));
    expect(() => RunStore.open(text)).toThrow(new DataError('is not a lawful run store (not an SQLite database)', { file: text }));
    const other = join(dir, 'other.db');
    const db = openDatabase(other);
    db.exec('CREATE TABLE customers (id INTEGER)');
    db.close();
    expect(() => RunStore.open(other)).toThrow(/other\.db: is an SQLite database but not a lawful run store \(it has a table "customers"\)/);
    const missing = join(dir, 'missing.db');
    expect(() => RunStore.open(missing, { create: false })).toThrow(/missing\.db: no run store here yet/);
    expect(existsSync(missing)).toBe(false);
  });

  it('takes its path from --store, else LAWFUL_STORE, else ./.lawful/runs.db', async () => {
    const { storePath } = await import('../../src/runs/store.js');
    expect(storePath('/x/a.db', { LAWFUL_STORE: '/y/b.db' })).toBe('/x/a.db');
    expect(storePath(undefined, { LAWFUL_STORE: '/y/b.db' })).toBe('/y/b.db');
    expect(storePath(undefined, {})).toBe(join(process.cwd(), '.lawful', 'runs.db'));
  });
});
