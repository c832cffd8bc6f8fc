// `lawful forecast` never silently lies: a damaged saved model is refused in one line naming
// the field (exit 1, no file written); times are t₀ + i·dt on the data's own clock and column.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SavedModel } from '../../src/models/base.js';
import { getFamily } from '../../src/models/index.js';
import type { Series } from '../../src/data/series.js';
import { lawfulInProcess as lawful } from './in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'lawful-forecast-'));
/** y = e^{-0.02t} cos(1.3t) + 0.6 e^{-0.03t} sin(2.1t) every `dt` on [t0, t1], time column `name`. */
function csv(file: string, t0: number, t1: number, dt: number, name = 'time'): string {
  const rows = [`${name},y`];
  const n = Math.round((t1 - t0) / dt);
  for (let i = 0; i <= n; i++) {
    const t = Number((t0 + i * dt).toFixed(10));
    const s = t - t0;
    rows.push(`${t},${Math.exp(-0.02 * s) * Math.cos(1.3 * s) + 0.6 * Math.exp(-0.03 * s) * Math.sin(2.1 * s)}`);
  }
  writeFileSync(join(dir, file), rows.join('\n') + '\n');
  return join(dir, file);
}
function series(t0: number, t1: number, dt: number): Series {
  const n = Math.round((t1 - t0) / dt);
  const t = Float64Array.from({ length: n + 1 }, (_, i) => Number((t0 + i * dt).toFixed(10)));
  return { t, y: [Float64Array.from(t, (x) => Math.exp(-0.02 * (x - t0)) * Math.cos(1.3 * (x - t0)) + 0.6 * Math.exp(-0.03 * (x - t0)) * Math.sin(2.1 * (x - t0)))], names: ['y'] };
}

let bank: SavedModel, lstm: SavedModel, fourier: SavedModel;
beforeAll(async () => {
  const train = series(0, 20, 0.05);
  bank = (await getFamily('oscillator-bank').fit({ family: 'oscillator-bank', config: { oscillators: 2, restarts: 1 } }, train, { seed: 0 })).toJSON();
  fourier = (await getFamily('fourier').fit({ family: 'fourier', config: { terms: 2 } }, train, { seed: 0 })).toJSON();
  lstm = (await getFamily('lstm').fit({ family: 'lstm', config: getFamily('lstm').quick }, train, { seed: 0 })).toJSON();
}, 60_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into any field of the JSON
type Json = Record<string, any>;

/** A copy of `m` with `edit` applied, written to a file. */
function damaged(m: SavedModel, name: string, edit: (j: Json) => void): string {
  const j = JSON.parse(JSON.stringify(m));
  edit(j);
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(j));
  return p;
}

describe('lawful forecast refuses a damaged saved model by the field', () => {
  const cases: [string, () => SavedModel, (j: Json) => void, RegExp][] = [
    ['parameters of 1e308', () => bank, (j) => (j.params[3] = 1e308), /params\[3\]/],
    ['a non-finite parameter (1e999 reads as Infinity)', () => fourier, (j) => (j.params[1] = 'x'), /params\[1\]/],
    ['a layout of the wrong shape', () => bank, (j) => (j.layout[4].shape = [1, 3]), /layout\[4\]\.shape/],
    ['a bank relabelled as fourier', () => bank, (j) => (j.family = 'fourier'), /config: Unrecognized keys: "oscillators"/],
    ['config.oscillators given as the string "4"', () => bank, (j) => (j.config.oscillators = '4'), /config\.oscillators/],
    ['extra.dt 0', () => bank, (j) => (j.extra.dt = 0), /extra\.dt/],
    ['extra.dt negative', () => bank, (j) => (j.extra.dt = -0.05), /extra\.dt/],
    ['extra.dt that does not fit the window', () => bank, (j) => (j.extra.dt = 0.0123), /extra\.dt/],
    ['substeps 0', () => bank, (j) => (j.config.substeps = 0), /config\.substeps/],
    ['substeps 1e9', () => bank, (j) => (j.config.substeps = 1e9), /config\.substeps/],
    ['an unknown observation kind', () => bank, (j) => (j.config.observation = 'psychic'), /config\.observation/],
    ['a missing extra block', () => bank, (j) => delete j.extra, /extra/],
    ['a missing training block', () => fourier, (j) => delete j.training, /training/],
    ['a missing layout block', () => bank, (j) => j.layout.pop(), /layout/],
    ['an LSTM with a negative standard deviation', () => lstm, (j) => (j.extra.std[0] = -1), /extra\.std\[0\]/],
    ['an LSTM whose hidden size disagrees with its parameters', () => lstm, (j) => (j.config.hidden = 5), /layout|params/],
    ['an unknown family', () => fourier, (j) => (j.family = 'crystal-ball'), /family.*crystal-ball/],
  ];
  for (const [title, model, edit, field] of cases) {
    it(title, async () => {
      const path = damaged(model(), title.replace(/\W+/g, '-'), edit);
      const out = join(dir, `${title.replace(/\W+/g, '-')}.csv`);
      const r = await lawful(['forecast', path, '--from', csv('data.csv', 0, 20, 0.05), '--until', '25', '--out', out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^lawful: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      expect(r.stderr).toMatch(field);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('a forecast that comes out non-finite is an error naming the model and the first bad time, not a file', async () => {
    // Every field in range, but ω = e^40 rad/s: the matrix exponential of the step leaves float64.
    const path = damaged(bank, 'overflow', (j) => (j.params[0] = 40));
    const out = join(dir, 'overflow.csv');
    const r = await lawful(['forecast', path, '--from', csv('data.csv', 0, 20, 0.05), '--until', '25', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the oscillator-bank model forecasts (-?Infinity|NaN) for y at t = 20\.05;/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('lawful forecast times', () => {
  it('are t₀ + i·dt, printed as the grid is written, under the data\'s own time column name', async () => {
    const path = damaged(bank, 'bank-ok', () => {});
    const r = await lawful(['forecast', path, '--from', csv('clock.csv', 0, 20, 0.01, 'time [s]'), '--until', '40']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('time [s],y');
    const t = lines.slice(1).map((l) => l.split(',')[0]);
    expect(t).toHaveLength(2000);
    expect(t[1]).toBe('20.02');
    expect(t[1001]).toBe('30.02');
    expect(t.at(-1)).toBe('40');
    expect(t.every((s) => /^\d+(\.\d{1,2})?$/.test(s))).toBe(true);
  });

  it('--dt beyond --until is refused in one line instead of an empty CSV', async () => {
    const out = join(dir, 'overshoot.csv');
    const r = await lawful(['forecast', damaged(bank, 'bank-ok', () => {}), '--from', csv('data.csv', 0, 20, 0.05), '--dt', '5', '--until', '21', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("lawful: --until: 21 is less than one step (--dt 5) after the data's last time 20: nothing to forecast; ask for --until ≥ 25\n");
    expect(existsSync(out)).toBe(false);
    const one = await lawful(['forecast', damaged(bank, 'bank-ok', () => {}), '--from', csv('data.csv', 0, 20, 0.05), '--dt', '5', '--until', '25']);
    expect(one.status).toBe(0);
    expect(one.stdout).toMatch(/^time,y\n25,[-\d.e]+\n$/);
  });

  it('times are on the data\'s clock whatever its sign', async () => {
    // The same signal fitted and observed on a clock that runs from −30 to −15.1.
    const train = series(-30, -15.1, 0.1);
    const saved = (await getFamily('oscillator-bank').fit({ family: 'oscillator-bank', config: { oscillators: 2, restarts: 1 } }, train, { seed: 0 })).toJSON();
    const path = damaged(saved, 'negative-clock', () => {});
    const r = await lawful(['forecast', path, '--from', csv('negative.csv', -30, -15.1, 0.1), '--until', '-5']);
    expect(r.stderr).toBe(`oscillator-bank: 101 steps from t = -15.1 to -5\n`);
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(rows[0][0]).toBe(-15);
    // The bank of two modes extrapolates the two-mode signal.
    const truth = series(-30, -5, 0.1);
    for (const [t, y] of rows) expect(Math.abs(y - truth.y[0][Math.round((t + 30) / 0.1)])).toBeLessThan(1e-4);
    const before = await lawful(['forecast', path, '--from', csv('negative.csv', -30, -15.1, 0.1), '--until', '-20']);
    expect(before.status).toBe(1);
    expect(before.stderr).toMatch(/^lawful: --until: must be after the data's last time -15\.1, got -20\n$/);
  }, 30_000);

  it('a sound model forecasts as the library does, written atomically to --out', async () => {
    const out = join(dir, 'good.csv');
    const r = await lawful(['forecast', damaged(fourier, 'fourier-ok', () => {}), '--from', csv('data.csv', 0, 20, 0.05), '--until', '21', '--out', out]);
    expect(r.status).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('time,y');
    const model = getFamily('fourier').load(fourier);
    const t = Float64Array.from({ length: 20 }, (_, i) => Number((20.05 + 0.05 * i).toFixed(2)));
    const expected = model.forecast(t, series(0, 20, 0.05)).mean[0];
    rows.slice(1).forEach((l, i) => expect(l).toBe(`${t[i]},${expected[i]}`));
  });

  it('every family forecasts finite numbers through the CLI', async () => {
    for (const [name, model] of [['bank', bank], ['fourier', fourier], ['lstm', lstm]] as const) {
      const r = await lawful(['forecast', damaged(model, `${name}-sound`, () => {}), '--from', csv('data.csv', 0, 20, 0.05), '--until', '22']);
      expect(r.status, r.stderr).toBe(0);
      const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
      expect(rows).toHaveLength(40);
      expect(rows.flat().every(Number.isFinite)).toBe(true);
      expect(r.stderr).toBe(`${model.family}: 40 steps from t = 20 to 22\n`);
    }
  });
});
