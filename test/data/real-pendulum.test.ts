// The real pendulum of Schmidt & Lipson (2009), as CSV and as the original whitespace file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../src/data/read.js';
import { isUniform } from '../../src/data/resample.js';
import { assertSeries } from '../../src/data/series.js';
import { fingerprintText } from '../../src/data/sha256.js';
import { splitSeries } from '../../src/data/split.js';

// The repository's own copy (datasets/real-pendulum/README.md gives its source and citation).
const DIR = fileURLToPath(new URL('../../datasets/real-pendulum', import.meta.url));
const CSV = `${DIR}/real_pendulum.csv`;
const TXT = `${DIR}/real_pend_h_1.txt`;

describe('real_pendulum.csv', () => {
  it('has one trial, time t, channels theta and omega, 556 samples as the README says', async () => {
    const ds = await readDataset(CSV);
    expect(ds.trajectoryColumn).toBe('trial');
    expect(ds.timeColumn).toBe('t');
    expect(ds.trajectories.map((tr) => tr.id)).toEqual(['0']);
    const s = ds.trajectories[0].series;
    assertSeries(s);
    expect(s.names).toEqual(['theta', 'omega']);
    expect(s.t.length).toBe(556);
    expect(s.y[0].length).toBe(556);
    expect([s.t[0], s.t[555]]).toEqual([5, 99.5]);
    expect(Math.min(...s.y[0])).toBeCloseTo(-1.401, 3);
    expect(Math.max(...s.y[0])).toBeCloseTo(1.474, 3);
    expect(Math.min(...s.y[1])).toBeCloseTo(-1.465, 3);
    expect(Math.max(...s.y[1])).toBeCloseTo(1.443, 3);
    expect(ds.warnings).toEqual([]);
  });

  it('is irregular: 545 of 555 steps are 1/6, the gaps are 2 and 3 steps', async () => {
    const { t } = (await readDataset(CSV)).trajectories[0].series;
    expect(isUniform(t)).toBe(false);
    const steps = new Map<number, number>();
    for (let i = 1; i < t.length; i++) {
      const k = Math.round((t[i] - t[i - 1]) * 6);
      expect(Math.abs((t[i] - t[i - 1]) * 6 - k)).toBeLessThan(1e-9);
      steps.set(k, (steps.get(k) ?? 0) + 1);
    }
    expect(Object.fromEntries(steps)).toEqual({ 1: 545, 2: 8, 3: 2 });
  });

  it('fingerprint: node:crypto over the bytes equals the pure SHA-256 over the text', async () => {
    const ds = await readDataset(CSV);
    expect(ds.fingerprint).toBe(fingerprintText(readFileSync(CSV, 'utf8')));
    expect(ds.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('splits like HNN: 80% of the time span for training', async () => {
    const s = (await readDataset(CSV)).trajectories[0].series;
    const { train, test, trainUntil } = splitSeries(s, { trainFraction: 0.8 });
    expect(trainUntil).toBeCloseTo(5 + 0.8 * 94.5, 12);
    expect(train.t.length + test.t.length).toBe(556);
    expect(train.t[train.t.length - 1]).toBeLessThanOrEqual(trainUntil);
    expect(test.t[0]).toBeGreaterThan(trainUntil);
  });
});

describe('real_pend_h_1.txt (the original: CRLF, "%o v" comment, blank-separated, no header)', () => {
  it('gives exactly the numbers of the CSV', async () => {
    const txt = await readDataset(TXT, { time: 'c2', trajectory: 'c1' });
    const csv = (await readDataset(CSV)).trajectories[0].series;
    expect(txt.trajectories.map((tr) => tr.id)).toEqual(['0']);
    const s = txt.trajectories[0].series;
    expect(s.names).toEqual(['c3', 'c4']);
    expect(s.t).toEqual(csv.t);
    expect(s.y[0]).toEqual(csv.y[0]);
    expect(s.y[1]).toEqual(csv.y[1]);
    expect(txt.warnings.join('\n')).toMatch(/no header row/);
  });

  it('its fingerprint is the sha256 the README gives', async () => {
    const txt = await readDataset(TXT, { time: 1, trajectory: 'c1' });
    expect(txt.fingerprint).toBe('sha256:45d92988198b89a5933f5a53e67aa819d06937516f71a462ac09e1307d8b3411');
  });

  it('without options, the first column (trial, all 0) is taken as time and rejected as duplicate', async () => {
    await expect(readDataset(TXT)).rejects.toThrow(/real_pend_h_1\.txt, line 3, column 1: c1: duplicate time 0 .*the first column "c1" was taken: choose one with --time/);
  });
});
