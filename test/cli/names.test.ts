// Channel names are data: any name a file can hold reaches the figures as text, or is
// refused by the reader in one line; it never breaks a renderer.
import { Resvg } from '@resvg/resvg-js';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lawful } from './run.js';

function csv(names: string[]): string {
  const rows = [['t', ...names].map((n) => `"${n.replace(/"/g, '""')}"`).join(',')];
  for (let i = 0; i <= 200; i++) {
    const t = i * 0.05;
    rows.push([t, ...names.map((_, c) => Math.cos((1 + 0.3 * c) * t))].join(','));
  }
  return rows.join('\n') + '\n';
}

describe('lawful fit with hostile channel names', () => {
  it('a column named constructor and one named __proto__: figures for both, titled by channel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-names-'));
    writeFileSync(join(dir, 'data.csv'), csv(['constructor', '__proto__']));
    const out = join(dir, 'out');
    const r = lawful(['fit', join(dir, 'data.csv'), '--model', 'fourier', '--train-until', '6', '--out', out]);
    expect(r.stderr).not.toMatch(/Operator not defined|\n\s+at /);
    expect(r.status).toBe(0);
    const files = readdirSync(out);
    expect(files).toEqual(expect.arrayContaining(['figure.svg', 'figure.png', 'figure-__proto__.svg', 'figure-__proto__.png', 'index.html', 'results.json']));
    const first = readFileSync(join(out, 'figure.svg'), 'utf8');
    const second = readFileSync(join(out, 'figure-__proto__.svg'), 'utf8');
    expect(first).toContain('>channel constructor<');
    expect(second).toContain('>channel __proto__<');
    expect(first).toMatch(/>constructor<\/text>/); // the y-axis title
    expect(second).toMatch(/>__proto__<\/text>/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('channel constructor');
    expect(html).toContain('channel __proto__');
  }, 60_000);

  it('a NUL in a channel name gives valid SVG, or a one-line refusal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-nul-'));
    writeFileSync(join(dir, 'data.csv'), csv(['a\u0000b']));
    const out = join(dir, 'out');
    const r = lawful(['fit', join(dir, 'data.csv'), '--model', 'fourier', '--train-until', '6', '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    if (r.status !== 0) {
      expect(r.status).toBe(1);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      return;
    }
    const svg = readFileSync(join(out, 'figure.svg'), 'utf8');
    // eslint-disable-next-line no-control-regex -- XML's forbidden characters
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(svg)).toBe(false);
    expect(() => new Resvg(svg)).not.toThrow(); // a conforming XML parser reads it
    expect(svg.includes('>channel a␀b<')).toBe(true);
  }, 60_000);
});
