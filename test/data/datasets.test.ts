// The shipped data sets: every registry entry names a file that exists, reads, and has the
// columns the entry lists; a name is accepted wherever a data path is; a file of the same name wins.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { DATASETS, datasetPath, findDataset, resolveDataPath } from '../../src/data/datasets.js';
import { readDataset } from '../../src/data/read.js';
import { lawful } from '../cli/run.js';

describe('the data set registry', () => {
  it.each(DATASETS.map((d) => [d.name, d] as const))('%s: its file exists beside a README that cites it, and holds exactly the listed columns', async (_, d) => {
    const path = datasetPath(d);
    expect(existsSync(path)).toBe(true);
    const readme = readFileSync(join(dirname(path), 'README.md'), 'utf8');
    // The README cites the same work as the entry (first author's surname and year).
    const [, author, year] = /^\S+ (\S+?)\b.*?(\d{4})$/.exec(d.citation) ?? [];
    expect(readme).toContain(author);
    expect(readme).toContain(year);
    expect(readme).toMatch(/## Licence/);
    const ds = await readDataset(path);
    const listed = d.columns.map((c) => c.name);
    expect([ds.trajectoryColumn, ds.timeColumn, ...ds.trajectories[0].series.names].filter((n) => n !== undefined).sort()).toEqual([...listed].sort());
    expect(d.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('the npm package ships every data set file and its README (package.json "files")', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const r = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const packed = new Set((JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
    for (const d of DATASETS) {
      const file = relative(root, datasetPath(d)).split('\\').join('/');
      expect(packed).toContain(file);
      expect(packed).toContain(`${dirname(file)}/README.md`);
    }
  }, 60_000);

  it('names are unique and findDataset finds each', () => {
    expect(new Set(DATASETS.map((d) => d.name)).size).toBe(DATASETS.length);
    for (const d of DATASETS) expect(findDataset(d.name)).toBe(d);
    expect(findDataset('no-such-set')).toBeUndefined();
  });
});

describe('a data set name wherever a data path is', () => {
  it('readDataset("real-pendulum") reads the shipped CSV, with the same fingerprint as the file', async () => {
    const byName = await readDataset('real-pendulum');
    const byPath = await readDataset(datasetPath(findDataset('real-pendulum')!));
    expect(byName.fingerprint).toBe(byPath.fingerprint);
    expect(byName.source).toBe(byPath.source);
    expect(byName.trajectories[0].series.t.length).toBe(556);
  });

  it('an existing file of the same name wins over the data set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-ds-'));
    const own = join(dir, 'real-pendulum');
    writeFileSync(own, 't,x\n0,1\n1,2\n');
    const ds = await readDataset(own);
    expect(ds.trajectories[0].series.names).toEqual(['x']);
    expect(resolveDataPath(own)).toBe(own);
    expect(resolveDataPath('real-pendulum')).toBe(datasetPath(findDataset('real-pendulum')!));
  });

  it('a missing file that is not a name: "no such file", listing the data set names', async () => {
    const err = await readDataset('real-pendulm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe('real-pendulm: cannot read the file: no such file (nor is it the name of a shipped data set: real-pendulum)');
  });

  it('lawful datasets lists name, description, file, columns and citation; lawful fit takes the name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-ds-cli-'));
    const list = lawful(['datasets']);
    expect(list.status).toBe(0);
    const d = findDataset('real-pendulum')!;
    expect(list.stdout).toContain(`real-pendulum — ${d.description}`);
    expect(list.stdout).toContain('real_pendulum.csv');
    for (const c of d.columns) expect(list.stdout).toMatch(new RegExp(`\\b${c.name}\\s+${c.meaning.replace(/[[\]()/.]/g, '\\$&')}`));
    expect(list.stdout).toContain(d.citation);
    const unknown = lawful(['datasets', 'nope']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('lawful: name: no shipped data set "nope"; there are: real-pendulum\n');
    // The repository holds no file called real-pendulum: the name reaches the shipped file: its gaps are reported as usual.
    const fit = lawful(['fit', 'real-pendulum', '--model', 'oscillator-bank', '--channels', 'theta', '--out', join(dir, 'out')]);
    expect(fit.stderr).toMatch(/^lawful: --resample: real-pendulum is sampled irregularly .*--resample 0\.1667/);
    expect(fit.status).toBe(1);
  }, 60_000);
});
