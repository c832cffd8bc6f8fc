import { describe, expect, it } from 'vitest';
import { parseResults, serializeResults, type Results } from '../../src/report/results.js';
import { centralBand, reliabilitySpec } from '../../src/report/reliability.js';
import { renderSvg } from '../../src/report/render.js';
import { forecastFigureSpec } from '../../src/report/specs.js';
import { exampleResults, pendulumFigureInput } from './fixtures.js';

/** exampleResults() with calibration metrics on the bank (as evaluate() writes them). */
function calibrated(): Results {
  const r = exampleResults();
  Object.assign(r.models[0].metrics, {
    coverage: { '50': 0.48, '80': 0.81, '95': 0.93 },
    crps: 0.012,
    crpsMethod: 'gaussian-closed-form',
    pit: { edges: [0, 0.1, 0.5, 0.9, 1], density: [1.1, 0.9, 1.05, 0.95] },
    reliability: [0.1, 0.5, 0.9].map((level) => ({ level, observed: level + 0.02 })),
    predictedVpt: { time: 24.1, interval: [22, 27.5] },
    noiseIncluded: false,
  });
  return r;
}

describe('calibration in results.json and figures', () => {
  it('results.json keeps the calibration metrics through serialise → parse, and refuses a malformed coverage', () => {
    const r = calibrated();
    const back = parseResults(JSON.parse(serializeResults(r)));
    expect(back.models[0].metrics.coverage).toEqual({ '50': 0.48, '80': 0.81, '95': 0.93 });
    expect(back.models[0].metrics.predictedVpt).toEqual({ time: 24.1, interval: [22, 27.5] });
    const bad = JSON.parse(serializeResults(r));
    bad.models[0].metrics.coverage = { '80': 'most' };
    expect(() => parseResults(bad)).toThrow(/models\[0\]\.metrics\.coverage\.80/);
  });

  it('reliabilitySpec draws one line per calibrated model (legend with its 80% coverage) over the diagonal, and renders', async () => {
    expect(reliabilitySpec(exampleResults())).toBeUndefined();
    const spec = reliabilitySpec(calibrated())!;
    const data = (spec as unknown as { datasets: { rows: { level: number; observed: number; k: string }[] } }).datasets.rows;
    expect(data).toHaveLength(3);
    expect(data[0].k).toBe('oscillator-bank K=4 (80% interval covers 81%)');
    const warnings: string[] = [];
    const svg = await renderSvg(spec, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(svg).toContain('observed fraction');
  });

  it('the forecast figure shades a model’s 80% band from Evaluation.quantiles, beyond the window only', async () => {
    const input = pendulumFigureInput();
    const n = input.t.length;
    const from = input.t.findIndex((t) => t > input.split.trainUntil);
    const m = n - from;
    const levels = [0.1, 0.5, 0.9];
    const pred = input.models[0].prediction;
    const values = levels.map((l) => [Float64Array.from({ length: m }, (_, i) => pred[from + i] + (l - 0.5) * 0.2)]);
    const band = centralBand({ from, levels, values }, n)!;
    expect(Number.isNaN(band.lo[from - 1])).toBe(true);
    expect(band.hi[from] - band.lo[from]).toBeCloseTo(0.16, 12);
    expect(centralBand({ from, levels: [0.25, 0.75], values: values.slice(0, 2) }, n)).toBeUndefined();
    input.models[0].band = band;
    const spec = forecastFigureSpec(input) as unknown as { vconcat: { layer: { mark: { type: string }; data: { name: string } }[] }[]; datasets: Record<string, unknown[]> };
    const areas = spec.vconcat[0].layer.filter((l) => l.mark.type === 'area');
    expect(areas.map((a) => a.data.name)).toEqual(['band0']);
    expect(spec.vconcat[1].layer.some((l) => l.mark.type === 'area')).toBe(false);
    expect(spec.datasets.band0.length).toBeGreaterThan(10);
    const warnings: string[] = [];
    await renderSvg(spec as never, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
  });
});
