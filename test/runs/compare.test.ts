import { describe, expect, it } from 'vitest';
import { renderPng, renderSvg } from '../../src/report/render.js';
import { comparable, commonUntil, compareFigureSpec, compareRows, compareWarnings } from '../../src/runs/compare.js';
import { formatTable } from '../../src/report/table.js';
import { bestModel, formatRunList } from '../../src/runs/format.js';
import type { RunRecord } from '../../src/runs/record.js';
import { model, results } from './fixtures.js';

function run(id: string, command: string, models: ReturnType<typeof model>[], until = 30): RunRecord {
  const r = results(command, models);
  r.split.until = until;
  return { id, command, status: 'completed', startedAt: '2026-11-26T13:42:03.120Z', durationSeconds: 6.5, config: {}, argv: [command], pid: 1, host: 'h', results: r, dataSource: r.data.source };
}

const a = run('aaaa1111bbbb2222', 'demo', [model('oscillator-bank K=4', 'oscillator-bank', 1e-6, 3e-5, 30), model('lstm', 'lstm', 0.01, null, 10.4)]);
const b = run('cccc3333dddd4444', 'fit', [model('oscillator-bank K=4', 'oscillator-bank', 2e-3, 0.05, 24), model('fourier', 'fourier', 0.2, 0.4, 12)]);

interface Datum { run: string; model: string; nrmseIn: number; nrmseOut: number; outDiverged: boolean; vpt: number; never: boolean }

describe('runs compare', () => {
  it('puts every model of every run in one table, named by run', () => {
    const rows = compareRows(comparable([a, b]));
    expect(rows.map((r) => r.name)).toEqual(['aaaa1111 oscillator-bank K=4', 'aaaa1111 lstm', 'cccc3333 oscillator-bank K=4', 'cccc3333 fourier']);
    expect(rows[2].metrics.nrmseOut).toBe(0.05);
    expect(commonUntil(comparable([a, b]))).toBe(30);
    expect(commonUntil(comparable([a, run('eeee', 'fit', [], 20)]))).toBeUndefined();
    expect(() => comparable([a, { ...b, status: 'failed', results: undefined }])).toThrow(/run cccc3333 has no results to compare \(it is failed\)/);
  });

  it('plots one point per model and run on a log scale spanning every finite error, diverged ones at its edge', () => {
    const spec = compareFigureSpec(comparable([a, b])) as unknown as { data: { values: Datum[] }; hconcat: { encoding: { x: { scale: { domain: number[] } } } }[] };
    const values = spec.data.values;
    expect(values).toHaveLength(4);
    const [lo, hi] = spec.hconcat[0].encoding.x.scale.domain;
    expect(lo).toBeCloseTo(1e-6 / 2, 20); // half the smallest finite error
    expect(hi).toBeCloseTo(0.4 * 2, 12); // twice the largest
    const lstm = values.find((v) => v.model === 'lstm')!;
    expect(lstm).toMatchObject({ run: 'aaaa1111 demo', nrmseOut: hi, outDiverged: true, vpt: 10.4, never: false });
    expect(values.find((v) => v.run === 'aaaa1111 demo' && v.model === 'oscillator-bank K=4')!.never).toBe(true);
    expect(values.find((v) => v.run === 'cccc3333 fit' && v.model === 'fourier')).toMatchObject({ nrmseIn: 0.2, nrmseOut: 0.4, vpt: 12 });
  });

  it('renders to SVG and PNG', async () => {
    const svg = await renderSvg(compareFigureSpec(comparable([a, b])));
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['aaaa1111 demo', 'cccc3333 fit', 'fourier', 'beyond-window NRMSE (+ diverged)', 'valid prediction time']) expect(svg).toContain(text);
    const png = renderPng(svg, { scale: 1 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  }, 20_000);

  it('lists runs with their best model by beyond-window NRMSE', () => {
    expect(bestModel(a.results!.models)!.name).toBe('oscillator-bank K=4');
    expect(bestModel([model('x', 'lstm', 1, null, 10)])).toBeUndefined();
    const text = formatRunList([a, b, { ...b, id: 'ffff000011112222', status: 'stale', results: undefined, durationSeconds: undefined }]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^aaaa1111 {2}demo +completed .* 6\.5 s {2}simulated:coupled-pendulums +oscillator-bank K=4 +3e-5$/);
    expect(lines[3]).toMatch(/^cccc3333 .* oscillator-bank K=4 +0\.05$/);
    expect(lines[4]).toMatch(/^ffff0000 {2}fit +stale .*—$/);
  });
});

describe('runs compare across runs that differ', () => {
  /** Width and height of a PNG (IHDR, bytes 16–23). */
  const pngSize = (png: Uint8Array): [number, number] => {
    const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
    return [v.getUint32(16), v.getUint32(20)];
  };
  const short = run('eeee5555ffff6666', 'fit', [model('oscillator-bank K=4', 'oscillator-bank', 1e-4, 2e-4, 20), model('lstm', 'lstm', 0.01, 0.9, 10)], 20);

  it('a forecast that never broke down reads "never" in every run, whatever its horizon', () => {
    const rows = compareRows(comparable([a, short]));
    expect(commonUntil(comparable([a, short]))).toBeUndefined();
    const lines = formatTable(rows).trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('aaaa1111 oscillator-bank K=4'))).toMatch(/\bnever\b/);
    expect(lines.find((l) => l.startsWith('eeee5555 oscillator-bank K=4'))).toMatch(/\bnever\b/);
    expect(lines.find((l) => l.startsWith('eeee5555 lstm'))).toMatch(/ 10 /);
    expect(lines.join('\n')).not.toMatch(/ (20|30) /);
  });

  it('warns when the runs were on different data or split differently, in words and in the figure', async () => {
    expect(compareWarnings(comparable([a, b]))).toEqual([]);
    const other = run('9999aaaa0000bbbb', 'fit', [model('fourier', 'fourier', 0.2, 0.4, 12)]);
    other.results!.data = { source: 'pendulum.csv', fingerprint: `sha256:${'cd'.repeat(32)}`, truth: 'observations' };
    const warnings = compareWarnings(comparable([a, other, short]));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^the runs were on different data — aaaa1111 simulated:coupled-pendulums \(sha256:abab.*9999aaaa pendulum\.csv \(sha256:cdcd.*not comparable$/);
    expect(warnings[1]).toMatch(/split differently — .*eeee5555 trained on \[0, 10\], forecast to 20/);
    const svg = await renderSvg(compareFigureSpec(comparable([a, other])));
    expect(svg).toContain('⚠ the runs were on different data');
  }, 20_000);

  it('draws a visible mark for a forecast that broke down at the end of training', () => {
    const spec = compareFigureSpec(comparable([a, short])) as unknown as {
      data: { values: Datum[] };
      hconcat: { layer?: { mark: { type: string }; transform?: { filter: string }[]; encoding: { x: { scale: { domain: number[] } } } }[] }[];
    };
    const lstm = spec.data.values.find((v) => v.run === 'eeee5555 fit' && v.model === 'lstm')!;
    expect(lstm.vpt).toBe(10); // a bar from 10 to 10 has no length
    const [bars, ticks] = spec.hconcat[2].layer!;
    expect([bars.mark.type, ticks.mark.type]).toEqual(['bar', 'tick']);
    expect(ticks.transform).toEqual([{ filter: '!datum.never' }]);
    // The time axis starts before the end of training, so the tick at t = 10 is clear of it.
    expect(ticks.encoding.x.scale.domain[0]).toBeLessThan(10);
  });

  it('stays compact: 4 runs of 6 models fit in under 1000 px of height (was 3386 px)', async () => {
    const names = ['oscillator-bank K=4', 'oscillator-bank K=2', 'lstm', 'fourier', 'persistence', 'oscillator-bank K=3'];
    const runs = Array.from({ length: 4 }, (_, k) => run(`${k}aaa1111bbbb2222`, 'demo', names.map((n, j) => model(n, 'x', 10 ** -j * (k + 1), 10 ** -(j % 4) * (k + 2), 10 + j + k))));
    const [width, height] = pngSize(renderPng(await renderSvg(compareFigureSpec(comparable(runs)))));
    expect(height).toBeLessThan(1000);
    expect(width).toBeLessThan(1800);
    // 24 points per panel in 6 rows: at least 6 px per point at the PNG's scale of 2.
    expect(height).toBeGreaterThan(2 * 24 * 6);
  }, 20_000);
});

describe('runs compare: names are data', () => {
  it('draws models and commands named after Object.prototype members, rows in the order given', async () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const x = run('aaaa1111bbbb2222', 'demo', [model(name, 'x', 0.1, 0.2, 12), model('lstm', 'lstm', 0.01, null, 10)]);
      const y = run('bbbb1111cccc2222', name, [model(name, 'x', 0.1, 0.3, 13)]);
      const svg = await renderSvg(compareFigureSpec(comparable([x, y])));
      const labels = [...svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/g)].map((g) => [...g[1].matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]));
      expect(labels.some((l) => l.join('|') === `${name}|lstm`), name).toBe(true); // the model rows, in order
      expect(svg).toContain(`>bbbb1111 ${name}</text>`); // the legend
    }
  }, 30_000);
});
