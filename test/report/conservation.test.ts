// Conservation in figures (report/conservation.ts, issue 11): an invariant written as an
// expression of the channels, evaluated along the truth and the predictions; the phase
// portrait (truth whole, models beyond the window, none for one channel) and the invariant
// over time (one panel per model that forecasts this truth), rendered; and `lawful fit
// --invariant` writing both as PNG and SVG, or refusing a bad expression in one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { Series } from '../../src/data/series.js';
import { invariantOf } from '../../src/eval/fit-experiment.js';
import { invariantAlong, invariantFigureSpec, phasePortraitSpec } from '../../src/report/conservation.js';
import { formatMetric } from '../../src/report/format.js';
import { renderSvg } from '../../src/report/render.js';
import { lawfulInProcess } from '../cli/in-process.js';

const n = 601;
const t = Float64Array.from({ length: n }, (_, i) => i * 0.05);
const truth: Series = { t, y: [Float64Array.from(t, Math.cos), Float64Array.from(t, (s) => -Math.sin(s))], names: ['q', 'p'] };
const split = { trainFrom: 0, trainUntil: 10, until: 30 };
/** A model whose orbit grows by 1% per time unit, and one scored elsewhere (nothing on this truth). */
const spiral = { name: 'spiral', prediction: truth.y.map((y) => y.map((v, i) => v * Math.exp(0.01 * t[i]))) };
const elsewhere = { name: 'elsewhere', prediction: truth.y.map(() => new Float64Array(n).fill(NaN)) };

describe('conservation figures', () => {
  it('compiles an invariant of the channels, named or not, and names a mistake', () => {
    const e = invariantOf('E = p^2 + q^2', ['q', 'p']);
    expect(e.name).toBe('E');
    expect(e.value(Float64Array.of(1, 2))).toBe(5);
    expect(invariantOf('q*p', ['q', 'p']).value(Float64Array.of(3, 2))).toBe(6);
    expect(() => invariantOf('E = x^2', ['q', 'p'])).toThrow(ConfigError);
    expect(() => invariantOf('E = x^2', ['q', 'p'])).toThrow(/unknown name "x" at column 5 — variables are q, p/);
    const along = invariantAlong(e, [Float64Array.of(1, NaN), Float64Array.of(0, 1)]);
    expect(along[0]).toBe(1);
    expect(Number.isNaN(along[1])).toBe(true);
  });

  it('the invariant over time: the truth’s (constant here) and one panel per model forecasting this truth, the spiral’s growing as e^{0.02 t}', async () => {
    const e = invariantOf('E = q^2 + p^2', ['q', 'p']);
    const spec = invariantFigureSpec(e, truth, split, [spiral, elsewhere]) as unknown as { vconcat: { title: string }[]; datasets: Record<string, { t: number; y: number }[]> };
    expect(spec.vconcat).toHaveLength(1);
    expect(spec.vconcat[0].title).toBe(`spiral — largest relative departure of E from the truth beyond the window ${formatMetric(Math.exp(0.6) - 1)}`);
    for (const r of spec.datasets.truth) expect(r.y).toBeCloseTo(1, 12);
    const rows = spec.datasets.model0.filter((r) => Number.isFinite(r.y));
    expect(rows.length).toBeGreaterThan(100);
    // Decimated by min/max per bucket: the extremes of the spiral's E are those of e^{0.02 t} on [0, 30].
    expect(Math.max(...rows.map((r) => r.y))).toBeCloseTo(Math.exp(0.6), 12);
    expect(Math.min(...rows.map((r) => r.y))).toBeCloseTo(1, 12);
    const warnings: string[] = [];
    await renderSvg(spec as never, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
  });

  it('the phase portrait: the truth over the whole span, each model beyond the window only, none for one channel', async () => {
    expect(phasePortraitSpec({ ...truth, y: truth.y.slice(0, 1), names: ['q'] }, split, [spiral])).toBeUndefined();
    const spec = phasePortraitSpec(truth, split, [spiral, elsewhere])!;
    const rows = (spec as unknown as { datasets: { rows: { x: number; y: number; i: number; k: string }[] } }).datasets.rows;
    const byLabel = (k: string) => rows.filter((r) => r.k === k);
    expect(byLabel('truth')).toHaveLength(n);
    const model = byLabel('spiral (forecast)');
    expect(model).toHaveLength(n - 201); // t > 10
    expect(Math.min(...model.map((r) => t[r.i]))).toBeGreaterThan(10);
    expect(byLabel('elsewhere (forecast)')).toHaveLength(0);
    const warnings: string[] = [];
    const svg = await renderSvg(spec, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(svg.match(/aria-roledescription="line mark"/g) ?? []).toHaveLength(2);
  });

  it('lawful fit --invariant writes the phase portrait and the invariant over time; a bad expression is one line naming --invariant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawful-conservation-'));
    const csv = join(dir, 'oscillator.csv');
    writeFileSync(csv, 't,q,p\n' + Array.from(t, (s, i) => `${s},${truth.y[0][i]},${truth.y[1][i]}`).join('\n') + '\n');
    const out = join(dir, 'out');
    const args = ['fit', csv, '--models', 'fourier,persistence', '--train-until', '10', '--out', out, '--store', join(dir, 'runs.db')];
    const r = await lawfulInProcess([...args, '--invariant', 'E = q^2 + p^2']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('phase.png (phase portrait), invariant.png (the invariant over time)');
    for (const name of ['phase', 'invariant']) {
      expect(readFileSync(join(out, `${name}.png`)).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      expect(readFileSync(join(out, `${name}.svg`), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    }
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).config.invariant).toBe('E = q^2 + p^2');
    const bad = await lawfulInProcess([...args, '--invariant', 'E = q^2 + v^2']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--invariant');
    expect(bad.stderr).toContain('unknown name "v"');
  }, 120_000);
});
