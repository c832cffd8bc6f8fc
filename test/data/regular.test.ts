// Regular clocks written with few digits (issue 7 §2): a 30 Hz log printed to 3 decimals is a
// uniform grid seen through rounding, and is read as that grid with a one-line note; true
// irregularity (a missing frame, a change of rate, the real pendulum's gaps) is still refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { parseCsv } from '../../src/data/csv.js';
import type { Dataset } from '../../src/data/dataset.js';
import { parseJson } from '../../src/data/json.js';
import { parseParquet } from '../../src/data/parquet.js';
import { readDataset } from '../../src/data/read.js';
import { cellResolution, fitRegularGrid } from '../../src/data/regular.js';
import { isUniform } from '../../src/data/resample.js';
import { lawful } from '../cli/run.js';

/** Frame times of a log at `hz`, from `t0`, printed with `decimals` decimals (as text, trailing zeros kept). */
function printedClock(n: number, hz: number, decimals: number, t0 = 0, skip: number[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < n + skip.length; i++) if (!skip.includes(i)) out.push((t0 + i / hz).toFixed(decimals));
  return out;
}
const signal = (t: number) => Math.sin(1.3 * t) * Math.exp(-0.05 * t);

describe('cellResolution: one unit of the last printed digit', () => {
  it.each([
    ['0.033', 1e-3], ['0.100', 1e-3], ['12', 1], ['-7.25', 1e-2], ['3.30e-2', 1e-4], ['1.2e3', 100],
    ['5.0000000000000000e+000', 1e-16], ['.5', 0.1], ['2024-05-01T10:00:00.250Z', 1e-3], ['2024-05-01 10:00:07', 1], ['2024-05-01T10:00', 60], ['2024-05-01', 86400],
  ])('%s → %s', (text, res) => {
    expect(cellResolution(text)).toBeCloseTo(res, 20);
    expect(cellResolution(text)! / res).toBeCloseTo(1, 12);
  });
  it('decimal commas only where the file uses them; numbers without text through their shortest form; text is no time', () => {
    expect(cellResolution('0,033', true)).toBeCloseTo(1e-3, 18);
    expect(cellResolution('0,033', false)).toBeUndefined();
    expect(cellResolution(0.033)).toBeCloseTo(1e-3, 18);
    expect(cellResolution(1 / 30)).toBeLessThan(1e-15);
    expect(cellResolution(7n)).toBe(1);
    expect(cellResolution('abc')).toBeUndefined();
    expect(cellResolution(null)).toBeUndefined();
  });
});

describe('fitRegularGrid', () => {
  it('a 30 Hz clock printed to 3 decimals (steps 0.033 and 0.034) is a grid of step 1/30', () => {
    const t = Float64Array.from(printedClock(3000, 30, 3), Number);
    expect(isUniform(t)).toBe(false);
    const g = fitRegularGrid(t, 1e-3)!;
    expect(g.step).toBeCloseTo(1 / 30, 9);
    expect(Math.abs(g.t0)).toBeLessThan(2e-4);
    for (let i = 0; i < t.length; i++) expect(Math.abs(t[i] - (g.t0 + i * g.step))).toBeLessThanOrEqual(5e-4 + 1e-4);
  });

  it('accepts long clocks whose rounding fills the whole ±½ unit, where the least-squares line alone over-reaches it', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 5; trial++) {
      const h = 0.01 + 0.01 * Math.SQRT2 * rng.uniform(); // an irrational step: every rounding error occurs
      const t0 = 100 * rng.uniform();
      const t = Float64Array.from({ length: 20_000 }, (_, i) => Number((t0 + i * h).toFixed(4)));
      const g = fitRegularGrid(t, 1e-4);
      expect(g, `trial ${trial}`).toBeDefined();
      expect(Math.abs(g!.step - h)).toBeLessThan(1e-8);
    }
    // The check is not the least-squares residual: here that residual exceeds half a unit.
    const h = 0.0123456789;
    const t = Float64Array.from({ length: 20_000 }, (_, i) => Number((i * h).toFixed(4)));
    const g = fitRegularGrid(t, 1e-4)!;
    let worst = 0;
    for (let i = 0; i < t.length; i++) worst = Math.max(worst, Math.abs(t[i] - (g.t0 + i * g.step)));
    expect(worst).toBeGreaterThan(0.5e-4);
  });

  it('refuses a missing frame anywhere, a change of rate, a step of two printed units or less, and the real pendulum', async () => {
    for (const at of [1, 700, 1500, 2998]) expect(fitRegularGrid(Float64Array.from(printedClock(3000, 30, 3, 0, [at]), Number), 1e-3), `gap at ${at}`).toBeUndefined();
    const changing = Float64Array.from([...printedClock(1500, 30, 3), ...printedClock(1500, 29.9, 3, 1500 / 30)], Number);
    expect(fitRegularGrid(changing, 1e-3)).toBeUndefined();
    // A step of 2 units cannot tell a missing sample from rounding: 500 Hz printed to 3 decimals.
    expect(fitRegularGrid(Float64Array.from({ length: 100 }, (_, i) => i * 0.002), 1e-3)).toBeUndefined();
    expect(fitRegularGrid(Float64Array.from({ length: 100 }, (_, i) => Number((i / 400).toFixed(3))), 1e-3)).toBeDefined();
    const pendulum = (await readDataset('real-pendulum')).trajectories[0].series.t;
    expect(fitRegularGrid(pendulum, 1e-15)).toBeUndefined();
    expect(fitRegularGrid(pendulum, 1e-2)).toBeUndefined(); // its gaps are whole frames, not rounding
  });
});

const NOTE = 'timestamps printed to 3 decimals; using the fitted step 0.0333333 s';

/** The dataset's clock is the fitted grid: uniform, within half a unit of every printed time, values untouched. */
function expectGrid(ds: Dataset, printed: string[]): void {
  const s = ds.trajectories[0].series;
  expect(isUniform(s.t)).toBe(true);
  expect(s.t[1] - s.t[0]).toBeCloseTo(1 / 30, 6);
  printed.forEach((p, i) => expect(Math.abs(s.t[i] - Number(p))).toBeLessThan(0.5e-3 + 1e-9));
  printed.forEach((p, i) => expect(s.y[0][i]).toBe(Number(signal(Number(p)).toFixed(6))));
  expect(ds.timeResolution).toBeCloseTo(1e-3, 18);
}

describe('the readers use the fitted grid and say so in one line', () => {
  const clock = printedClock(300, 30, 3);
  const gappy = printedClock(300, 30, 3, 0, [150]);
  const csv = (times: string[]) => `t [s],y\n${times.map((t) => `${t},${signal(Number(t)).toFixed(6)}`).join('\n')}\n`;
  const json = (times: string[]) => `{"t [s]": [${times.join(', ')}], "y": [${times.map((t) => signal(Number(t)).toFixed(6)).join(', ')}]}`;

  it('CSV', () => {
    expect(clock.slice(0, 4)).toEqual(['0.000', '0.033', '0.067', '0.100']);
    const ds = parseCsv(csv(clock));
    expect(ds.warnings).toEqual([NOTE]);
    expectGrid(ds, clock);
  });

  it('JSON, where 0.100 keeps its three decimals (JSON.parse would give 0.1)', () => {
    const ds = parseJson(json(clock));
    expect(ds.warnings).toEqual([NOTE]);
    expectGrid(ds, clock);
    // JSON Lines records, one per line: the same.
    const lines = clock.map((t) => `{"t [s]": ${t}, "y": ${signal(Number(t)).toFixed(6)}}`).join('\n');
    expect(parseJson(lines).warnings).toEqual([NOTE]);
  });

  it('Parquet: doubles rounded to 3 decimals, and millisecond timestamps since 1970', async () => {
    const times = clock.map(Number);
    const doubles = new Uint8Array(parquetWriteBuffer({ columnData: [
      { name: 't [s]', data: Float64Array.from(times), type: 'DOUBLE' },
      { name: 'y', data: Float64Array.from(times, (t) => Number(signal(t).toFixed(6))), type: 'DOUBLE' },
    ] }));
    const ds = await parseParquet(doubles);
    expect(ds.warnings).toEqual(['timestamps stored to 3 decimals; using the fitted step 0.0333333 s']);
    expectGrid(ds, clock);

    const epochMs = 1_700_000_000_000;
    const stamps = new Uint8Array(parquetWriteBuffer({ columnData: [
      { name: 'time', data: times.map((t) => new Date(epochMs + Math.round(t * 1000))), type: 'TIMESTAMP' },
      { name: 'y', data: Float64Array.from(times, (t) => Number(signal(t).toFixed(6))), type: 'DOUBLE' },
    ] }));
    const st = await parseParquet(stamps);
    expect(st.warnings).toContain('timestamps stored to 3 decimals; using the fitted step 0.0333333 s');
    expect(st.timeResolution).toBe(1e-3);
    const t = st.trajectories[0].series.t;
    expect(isUniform(t)).toBe(true);
    expect(t[0] - epochMs / 1000).toBeCloseTo(0, 3);
  });

  it('a missing frame: the clock is left as printed, without a note, in every format', async () => {
    const gapped = [parseCsv(csv(gappy)), parseJson(json(gappy)), await parseParquet(new Uint8Array(parquetWriteBuffer({ columnData: [
      { name: 't', data: Float64Array.from(gappy, Number), type: 'DOUBLE' },
      { name: 'y', data: Float64Array.from(gappy, (t) => signal(Number(t))), type: 'DOUBLE' },
    ] })))];
    for (const ds of gapped) {
      expect(ds.warnings).toEqual([]);
      expect([...ds.trajectories[0].series.t]).toEqual(gappy.map(Number));
      expect(isUniform(ds.trajectories[0].series.t)).toBe(false);
    }
  });

  it('lawful fit goes on with the note on a 30 Hz log, and refuses the same log with a missing frame as before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-regular-'));
    writeFileSync(join(dir, 'log.csv'), csv(printedClock(600, 30, 3)));
    writeFileSync(join(dir, 'gap.csv'), csv(printedClock(600, 30, 3, 0, [300])));
    const ok = lawful(['fit', join(dir, 'log.csv'), '--model', 'fourier', '--out', join(dir, 'out')]);
    expect(ok.stderr).toContain(`note: ${NOTE}\n`);
    expect(ok.status).toBe(0);
    const gap = lawful(['fit', join(dir, 'gap.csv'), '--model', 'fourier', '--out', join(dir, 'out2')]);
    expect(gap.status).toBe(1);
    expect(gap.stderr).toMatch(/^lawful: --resample: .*gap\.csv is sampled irregularly \(steps from 0\.03\d* to 0\.06\d*\); .*--resample 0\.03\d*/);
  }, 60_000);
});
