import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResults } from '../../src/report/results.js';
import { lawfulInProcess } from './in-process.js';
import { lawful } from './run.js';

const REAL = new URL('../../datasets/real-pendulum/real_pendulum.csv', import.meta.url).pathname;

/** Two damped modes, y = e^{-0.02t} cos(1.3t) + 0.6 e^{-0.03t} sin(2.1t), on [0, 20] every 0.05. */
function twoModeCsv(until: number): string {
  const rows = ['time [s],y'];
  for (let i = 0; i * 0.05 <= until + 1e-9; i++) {
    const t = i * 0.05;
    rows.push(`${t},${Math.exp(-0.02 * t) * Math.cos(1.3 * t) + 0.6 * Math.exp(-0.03 * t) * Math.sin(2.1 * t)}`);
  }
  return rows.join('\n') + '\n';
}

describe('lawful fit and forecast', () => {
  it('fits two families, writes the report and saved models, and a reloaded model reproduces the reported forecast error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-fit-'));
    writeFileSync(join(dir, 'all.csv'), twoModeCsv(20));
    writeFileSync(join(dir, 'train.csv'), twoModeCsv(8));
    const out = join(dir, 'out');
    const r = lawful(['fit', join(dir, 'all.csv'), '--model', 'oscillator-bank', '--model', 'fourier', '--train-until', '8', '--config', writeJson(dir, { 'oscillator-bank': { oscillators: 2 } }), '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/oscillator-bank\s+\d+/);
    expect(r.stdout).toMatch(/fourier\s+\d+/);
    for (const f of ['figure.svg', 'figure.png', 'index.html', 'results.json', 'model-oscillator-bank.json', 'model-fourier.json']) expect(existsSync(join(out, f))).toBe(true);
    const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(results.split).toEqual({ trainFrom: 0, trainUntil: 8, until: 20 });
    expect(results.data.truth).toBe('observations');
    const bank = results.models.find((m) => m.family === 'oscillator-bank')!;
    // Two damped modes are exactly a bank of two oscillators: it extrapolates.
    expect(bank.metrics.nrmseOut!).toBeLessThan(1e-3);

    // Reload the saved bank from disk in a new process and forecast (8, 20] from the training data alone.
    const fc = lawful(['forecast', join(out, 'model-oscillator-bank.json'), '--from', join(dir, 'train.csv'), '--until', '20']);
    expect(fc.status).toBe(0);
    const rows = fc.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(240);
    let s = 0;
    for (const [t, y] of rows) s += (y - (Math.exp(-0.02 * t) * Math.cos(1.3 * t) + 0.6 * Math.exp(-0.03 * t) * Math.sin(2.1 * t))) ** 2;
    const rmse = Math.sqrt(s / rows.length);
    expect(Math.abs(rmse - bank.metrics.rmseOut!)).toBeLessThan(1e-9 + 1e-6 * bank.metrics.rmseOut!);
  }, 60_000);

  it('on the real pendulum: asks for resampling, then compares two families in one table and figure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-real-'));
    const irregular = lawful(['fit', REAL, '--model', 'oscillator-bank', '--channels', 'theta', '--out', dir]);
    expect(irregular.status).toBe(1);
    expect(irregular.stderr).toMatch(/--resample: .*sampled irregularly.*--resample 0\.1667/);
    const r = lawful(['fit', REAL, '--model', 'oscillator-bank', '--model', 'fourier', '--channels', 'theta', '--resample', '0.1666666667', '--out', dir]);
    expect(r.status).toBe(0);
    const results = parseResults(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
    expect(results.models.map((m) => m.name)).toEqual(['oscillator-bank', 'fourier']);
    // A damped pendulum is a damped oscillator: the bank forecasts it far better than a fixed sum
    // of sinusoids (0.17 against 0.47 since Fourier polishes its frequencies; 1.06 before) and
    // stays valid to the end of the data.
    const [bank, fourier] = results.models;
    expect(bank.metrics.nrmseOut!).toBeLessThan(0.3);
    expect(bank.metrics.nrmseOut!).toBeLessThan(fourier.metrics.nrmseOut! / 2);
    expect(bank.metrics.validPredictionTime).toBe(results.split.until);
    expect(readFileSync(join(dir, 'figure.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 60_000);

  it('a fit that diverges is reported in one line and its last good state is saved and forecasts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-diverge-'));
    writeFileSync(join(dir, 'all.csv'), twoModeCsv(20));
    const out = join(dir, 'out');
    // Adam steps of 1e200 blow the LSTM up on its second step; the Fourier fit is unaffected.
    const config = writeJson(dir, { lstm: { hidden: 8, window: 20, maxSteps: 50, lr: 1e200 } });
    const r = lawful(['fit', join(dir, 'all.csv'), '--model', 'lstm', '--model', 'fourier', '--train-until', '8', '--config', config, '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    const kept = join(out, 'model-lstm.last-good.json');
    // Infinity in float64; NaN in float32, where θ ≈ 1e200 rounds to ±Infinity before the loss.
    expect(r.stdout).toMatch(/lstm: fit failed — DivergenceError: lstm: training loss became (Infinity|NaN)\b/);
    expect(r.stdout).toContain(`kept its last good state\n  saved to ${kept}`);
    const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(results.models.map((m) => m.name)).toEqual(['fourier']);
    expect(existsSync(join(out, 'model-lstm.json'))).toBe(false);
    const saved = JSON.parse(readFileSync(kept, 'utf8')) as { family: string; params: number[]; training: { until: number } };
    expect(saved.family).toBe('lstm');
    expect(saved.training.until).toBe(8);
    expect(saved.params.every(Number.isFinite)).toBe(true);
    const fc = lawful(['forecast', kept, '--from', join(dir, 'all.csv'), '--until', '22']);
    expect(fc.status).toBe(0);
    const rows = fc.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every(([time, y]) => time > 20 && Number.isFinite(y))).toBe(true);
  }, 60_000);

  it('when every fit fails, --out keeps the earlier run untouched; the last good states go beside it; the run is recorded as failed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-allfail-'));
    writeFileSync(join(dir, 'all.csv'), twoModeCsv(20));
    const out = join(dir, 'out');
    const store = join(dir, 'runs.db');
    const good = lawful(['fit', join(dir, 'all.csv'), '--model', 'fourier', '--train-until', '8', '--out', out, '--store', store]);
    expect(good.status).toBe(0);
    const before = readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]);
    const config = writeJson(dir, { lstm: { hidden: 8, window: 20, maxSteps: 50, lr: 1e200 } });
    const r = lawful(['fit', join(dir, 'all.csv'), '--model', 'lstm', '--train-until', '8', '--config', config, '--out', out, '--store', store]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`lstm: fit failed — DivergenceError`);
    const kept = join(`${out}.last-good`, 'model-lstm.last-good.json');
    expect(r.stdout).toContain(`saved to ${kept}`);
    expect(r.stderr).toBe(`lawful: --model: every fit failed (see above); no report was written to ${out}\n`);
    expect(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])).toEqual(before); // the earlier run's folder, whole
    expect(existsSync(kept)).toBe(true);
    const runs = lawful(['runs', 'list', '--store', store]);
    expect(runs.stdout).toMatch(/failed/);
    expect(runs.stdout).toMatch(/completed/);
  }, 60_000);

  it('rejects a bad invocation with one line naming the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-bad-'));
    const typo = writeJson(dir, { fourier: { term: 3 } });
    const cases: [string[], RegExp][] = [
      [['fit', REAL, '--model', 'fourier', '--config', typo], /--config: fourier has no option "term"; it has terms/],
      [['fit', REAL], /--model: name at least one family/],
      [['fit', REAL, '--model', 'nosuch'], /unknown model family "nosuch"/],
      [['fit', '/nonexistent.csv', '--model', 'fourier'], /nonexistent\.csv/],
      [['fit', REAL, '--model', 'fourier', '--channels', 'nope'], /nope/],
      [['fit', REAL, '--model', 'fourier', '--train-until', '5', '--train-fraction', '0.5'], /not both/],
      // A bad value is refused before the data is read: the file does not even exist.
      [['fit', '/nonexistent.csv', '--model', 'lstm', '--config', writeJson(dir, { lstm: { shares: 100 } })], /^lawful: --config: lstm\.shares: must be at most batch = 64; got 100\n$/],
      [['fit', '/nonexistent.csv', '--model', 'fourier', '--config', writeJson(dir, { fourier: { terms: 0 } })], /^lawful: --config: fourier\.terms: must be a positive integer, got 0\n$/],
      [['fit', REAL, '--model', 'fourier', '--config', join(dir, 'none.json')], /^lawful: --config: cannot read .*none\.json: no such file\n$/],
      // The same one-line errors from forecast and demo.
      [['forecast', join(dir, 'none.json'), '--from', REAL, '--until', '200'], /^lawful: .*none\.json: cannot read the saved model: no such file\n$/],
      [['forecast', REAL, '--from', REAL, '--until', '200'], /^lawful: .*real_pendulum\.csv: is not JSON, so not a saved model \(/],
      [['demo', '--oscillators', '0'], /^lawful: --oscillators: expected a whole number ≥ 1, got "0"\n$/],
      // Library checks name the flag the user typed, not the option field behind it.
      [['fit', REAL, '--model', 'fourier', '--channels', 'theta', '--resample', '0.1667', '--train-fraction', '1.5'], /^lawful: --train-fraction: must lie in \(0, 1\); got 1\.5\n$/],
      [['fit', REAL, '--model', 'fourier', '--channels', 'theta,theta'], /^lawful: --channels: "theta" is listed twice\n$/],
      // --state is --channels under the name a phase-space model's user looks for; its errors name it.
      [['fit', REAL, '--model', 'hnn', '--state', 'theta,theta'], /^lawful: --state: "theta" is listed twice\n$/],
      [['fit', REAL, '--model', 'hnn', '--state', 'theta,omega', '--channels', 'theta'], /^lawful: --state: is the same as --channels: give one of them\n$/],
      [['fit', REAL, '--model', 'fourier', '--channels', 'theta', '--resample', '-1'], /^lawful: --resample: /],
      [['demo', '--train-until', '40', '--models', 'fourier'], /^lawful: --train-until: must lie in \(0, until = 30\), got 40\n$/],
    ];
    // Each is refused before any fit starts, so the CLI runs in this process (no start-up per case).
    for (const [args, pattern] of cases) {
      const r = await lawfulInProcess(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});

let configs = 0;
/** Writes `value` to a new JSON file in `dir` (a new name each call, so earlier paths keep their content). */
function writeJson(dir: string, value: unknown): string {
  const path = join(dir, `config-${++configs}.json`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
