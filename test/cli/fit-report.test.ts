// What `lawful fit` and `lawful demo` say and write: a data file no fit can use refused in
// one line, 10,000 channels in under a minute with figures capped, the split, valid
// prediction time and run id in words, every channel's figure named, both forms of
// --model/--models and of --config, and no source paths in `simulate --list`.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTime } from '../../src/cli/experiment-command.js';
import { lawful } from './run.js';

/** Two channels on [0, 20] every 0.05: a = cos(1.3t), b = sin(2.1t). */
function twoChannelCsv(): string {
  const rows = ['t,a,b'];
  for (let i = 0; i <= 400; i++) rows.push(`${i * 0.05},${Math.cos(1.3 * i * 0.05)},${Math.sin(2.1 * i * 0.05)}`);
  return rows.join('\n') + '\n';
}

describe('lawful fit: failures said so, and the terminal report', () => {
  it('one cell of 1e308 is refused before fitting, in one line naming file, channel, time and value; exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-1e308-'));
    const rows = ['t,y'];
    for (let i = 0; i <= 400; i++) rows.push(`${i * 0.05},${i === 50 ? '1e308' : Math.cos(1.3 * i * 0.05)}`);
    writeFileSync(join(dir, 'big.csv'), rows.join('\n') + '\n');
    const r = lawful(['fit', join(dir, 'big.csv'), '--model', 'oscillator-bank', '--model', 'fourier', '--out', join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`lawful: ${join(dir, 'big.csv')}, column y: channel "y" at t = 2.5 holds 1e+308: its square overflows float64, so no fit or error could be computed; rescale the channel (e.g. to other units)\n`);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  }, 60_000);

  it('10,000 channels: figures for the first 12 only (and it says so), every channel scored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-wide-'));
    const C = 10_000;
    const rows = ['t,' + Array.from({ length: C }, (_, c) => `c${c}`).join(',')];
    for (let i = 0; i < 100; i++) rows.push(`${(i * 0.1).toFixed(1)},` + Array.from({ length: C }, (_, c) => Math.sin((1 + (c % 7) / 10) * i * 0.1 + c).toFixed(4)).join(','));
    writeFileSync(join(dir, 'wide.csv'), rows.join('\n') + '\n');
    const out = join(dir, 'out');
    const r = lawful(['fit', join(dir, 'wide.csv'), '--model', 'persistence', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = readdirSync(out);
    expect(files.filter((f) => f.startsWith('figure') && f.endsWith('.png'))).toHaveLength(12);
    expect(files.filter((f) => f.startsWith('figure') && f.endsWith('.svg'))).toHaveLength(12);
    expect(r.stdout).toContain('Figures show the first 12 of 10000 channels; the table and results.json cover them all.');
    const saved = JSON.parse(readFileSync(join(out, 'model-persistence.json'), 'utf8')) as { training: { channels: string[] } };
    expect(saved.training.channels).toHaveLength(C);
  }, 300_000);

  it('states the split with sensible digits, what valid prediction time means, the run id, and names every channel\'s figure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-words-'));
    writeFileSync(join(dir, 'two.csv'), twoChannelCsv());
    const out = join(dir, 'out');
    const store = join(dir, 'runs.db');
    // --models a,b in fit, and --config given inline.
    const r = lawful(['fit', join(dir, 'two.csv'), '--models', 'fourier,persistence', '--config', '{"fourier": {"terms": 3}}', '--train-until', '5.46699', '--out', out, '--store', store]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Trained on 0 ≤ t ≤ 5.467, forecast (5.467, 20].\n');
    expect(r.stdout).toContain('Valid prediction time: the time t at which the forecast first strays beyond 0.2 NRMSE of the data (the window ends at t = 5.467); "never" = within it to the end (t = 20).\n');
    expect(r.stdout).toContain(`Wrote to ${out}: figure.png (a), figure-b.png (b), reliability.png (calibration of the intervals), adversarial.png (the forecast the adversarial probe hurt most, clean and attacked), vpt.png (predicted against measured valid prediction time), index.html, results.json and 2 saved models (model-fourier.json, model-persistence.json)`);
    const id = /Run ([0-9a-f]{8}) recorded in .*runs\.db \(lawful runs show \1\)\./.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { run: string; config: { configs: unknown } };
    expect(results.run.startsWith(id!)).toBe(true);
    expect(results.config.configs).toEqual({ fourier: { terms: 3 } });
    for (const f of ['model-fourier.json', 'model-persistence.json']) expect(JSON.parse(readFileSync(join(out, f), 'utf8')).run).toBe(results.run);
    const show = lawful(['runs', 'show', id!, '--store', store]);
    expect(show.stdout).toContain(`Output folder ${out}: holds this run's files (3 checked against its id).`);
  }, 60_000);

  it('demo takes --model repeated as fit does; simulate --list shows no source file paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-demo-forms-'));
    const r = lawful(['demo', '--model', 'fourier', '--model', 'persistence', '--train-until', '5', '--until', '12', '--out', join(dir, 'out'), '--store', join(dir, 'runs.db')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as { models: { name: string }[] };
    expect(results.models.map((m) => m.name)).toEqual(['fourier', 'persistence']);
    expect(r.stdout).toContain('Trained on 0 ≤ t ≤ 5, forecast (5, 12].');
    const list = lawful(['simulate', '--list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/coupled-pendulums — /);
    expect(list.stdout).not.toMatch(/\b[\w.-]+\/[\w./-]*\.(py|ts|mjs|js|md)\b/);
  }, 60_000);
});

describe('formatTime', () => {
  it('gives times on the data\'s clock four significant digits, never trailing zeros', () => {
    expect(formatTime(5.46699)).toBe('5.467');
    expect(formatTime(10)).toBe('10');
    expect(formatTime(12345.678)).toBe('12346');
    expect(formatTime(0.012345)).toBe('0.01235');
    expect(formatTime(-2.5)).toBe('-2.5');
    expect(formatTime(0)).toBe('0');
  });
});
