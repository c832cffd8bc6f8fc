import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lawfulInProcess } from './in-process.js';
import { lawful } from './run.js';

function parseCsv(text: string): { header: string[]; rows: number[][] } {
  const [head, ...lines] = text.trim().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

describe('lawful simulate', () => {
  it('writes a single undamped pendulum in the small-angle form as x0·cos(w t), to solver precision', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-sim-'));
    const out = join(dir, 'one.csv');
    const r = lawful(['simulate', 'coupled-pendulums', '--param', 'N=1', '--param', 'w=2', '--param', 'g=0', '--param', 'x0=0.5', '--param', 'v0=0', '--until', '5', '--dt', '0.05', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/101 samples × 1 channel \(y\)/);
    const { header, rows } = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual(['t', 'y']);
    expect(rows).toHaveLength(101);
    for (const [t, y] of rows) expect(Math.abs(y - 0.5 * Math.cos(2 * t))).toBeLessThan(1e-12);
    // the atomic write leaves only the file itself
    expect(readdirSync(dir)).toEqual(['one.csv']);
  }, 30_000);

  it('adds reproducible noise: same seed, same file; other seed, other noise', () => {
    const args = ['simulate', 'lorenz', '--until', '1', '--dt', '0.1', '--noise', '0.5'];
    const a = lawful([...args, '--seed', '3']).stdout;
    const b = lawful([...args, '--seed', '3']).stdout;
    const c = lawful([...args, '--seed', '4']).stdout;
    const clean = parseCsv(lawful(args.slice(0, -2)).stdout).rows;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const noisy = parseCsv(a).rows;
    let s = 0;
    for (let i = 0; i < noisy.length; i++) for (let j = 1; j < 4; j++) s += (noisy[i][j] - clean[i][j]) ** 2;
    const sd = Math.sqrt(s / (noisy.length * 3));
    expect(sd).toBeGreaterThan(0.3);
    expect(sd).toBeLessThan(0.7);
  }, 90_000); // four CLI processes: slow on a loaded 2-core machine

  it('lists the systems and explains every option', () => {
    const list = lawful(['simulate', '--list']);
    expect(list.status).toBe(0);
    for (const s of ['coupled-pendulums', 'lorenz', 'two-body', 'kuramoto', 'fitzhugh-nagumo']) expect(list.stdout).toContain(s);
    const help = lawful(['simulate', '--help']);
    for (const o of ['--param', '--until', '--dt', '--noise', '--seed', '--out', '--list']) expect(help.stdout).toContain(o);
  }, 30_000);

  it('names the mistake in one line and exits 1, without a stack trace', async () => {
    for (const [args, pattern] of [
      [['simulate', 'nosuch'], /unknown system "nosuch" \(known: coupled-pendulums/],
      [['simulate', 'lorenz', '--param', 'rho=abc'], /--param rho: expected a number/],
      [['simulate', 'coupled-pendulums', '--param', 'w=1,2'], /w/],
      [['simulate', 'lorenz', '--dt', '-1'], /--dt: must be positive/],
    ] as [string[], RegExp][]) {
      const r = await lawfulInProcess(args); // refused before any work: no process start-up per case
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 30_000);
});
