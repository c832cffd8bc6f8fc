import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { forecastFigureSpec, freeRunLabel, oneStepLabel, panelTitle } from '../../src/report/specs.js';
import { pendulumFigureInput } from './fixtures.js';

interface Layer {
  data: { name: string };
  mark: { type: string; clip?: boolean };
  encoding: Record<string, { field?: string; datum?: string; scale?: { domain?: number[]; range?: unknown[] } }>;
}
interface Panel {
  title: string;
  layer: Layer[];
}
interface Spec {
  vconcat: Panel[];
  datasets: Record<string, { t: number; y: number; s: number }[] | { from: number; until: number }[]>;
}

const build = (input = pendulumFigureInput(), options = {}): Spec => forecastFigureSpec(input, options) as unknown as Spec;

describe('forecastFigureSpec', () => {
  it('stacks one panel per model, titled with the beyond-window NRMSE', () => {
    const spec = build();
    expect(spec.vconcat.map((p) => p.title)).toEqual([
      'oscillator-bank K=4 — beyond-window NRMSE 0.0342',
      'LSTM — beyond-window NRMSE ∞',
    ]);
    for (const [i, panel] of spec.vconcat.entries()) {
      const lines = panel.layer.filter((l) => l.mark.type === 'line');
      expect(lines.map((l) => l.data.name)).toEqual(['truth', `model${i}`]);
      // Colour is keyed by the legend label carried in the data rows, never by a constant in the spec.
      expect(lines.map((l) => l.encoding.color.field)).toEqual(['k', 'k']);
      expect(lines.map((l) => (spec.datasets[l.data.name][0] as unknown as { k: string }).k)).toEqual(['truth', ['oscillator-bank K=4', 'LSTM'][i]]);
      expect(lines.every((l) => l.mark.clip === true)).toBe(true);
    }
  });

  it('shades the training window and draws the rule at trainUntil in every panel', () => {
    const spec = build();
    expect(spec.datasets.window).toEqual([{ from: 0, until: 10, mid: 5 }]);
    for (const panel of spec.vconcat) {
      const rect = panel.layer.find((l) => l.mark.type === 'rect')!;
      const rule = panel.layer.find((l) => l.mark.type === 'rule')!;
      expect([rect.data.name, rect.encoding.x.field, rect.encoding.x2.field]).toEqual(['window', 'from', 'until']);
      expect([rule.data.name, rule.encoding.x.field]).toEqual(['window', 'until']);
      // One shared time axis: every layer's x-scale spans [trainFrom, until].
      for (const l of panel.layer) expect(l.encoding.x.scale!.domain).toEqual([0, 30]);
    }
  });

  it('clamps the y-scale to the padded truth range and keeps exploding forecasts out of the data', () => {
    const input = pendulumFigureInput();
    const spec = build(input, { yPadding: 0.5 });
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of input.truth) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const span = hi - lo;
    const domain = spec.vconcat[1].layer.find((l) => l.data.name === 'truth')!.encoding.y.scale!.domain!;
    expect(domain[0]).toBeCloseTo(lo - 0.5 * span, 12);
    expect(domain[1]).toBeCloseTo(hi + 0.5 * span, 12);
    // exp(2·20) ≈ 2e17 becomes a value just past the clipped domain, not a coordinate of 1e17 px.
    const lstm = spec.datasets.model1 as { y: number }[];
    const top = Math.max(...lstm.map((r) => r.y));
    expect(top).toBeCloseTo(domain[1] + 2 * span, 9);
  });

  it('decimates every line within the point budget and writes plain JSON (no NaN, no typed arrays)', () => {
    const spec = build(pendulumFigureInput(), { maxPoints: 400 });
    for (const name of ['truth', 'model0', 'model1']) {
      const rows = spec.datasets[name] as { t: number; y: number }[];
      expect(rows.length).toBeLessThanOrEqual(400);
      // Smooth lines fill the budget; where the LSTM sits pinned beyond the clip, a bucket's
      // min and max coincide and it keeps one point.
      expect(rows.length).toBeGreaterThan(name === 'model1' ? 200 : 390);
      expect(rows.every((r) => Number.isFinite(r.t) && Number.isFinite(r.y))).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    // The LSTM's warm-up (NaN before t = 1) is left out, not drawn at zero.
    expect((spec.datasets.model1 as { t: number }[])[0].t).toBeGreaterThanOrEqual(1);
  });

  it('puts a long legend into columns instead of widening the figure', () => {
    const legendOf = (spec: Spec): { columns?: number } =>
      (spec.vconcat[0].layer[2].encoding.color as unknown as { legend: { columns?: number } }).legend;
    expect(legendOf(build()).columns).toBeUndefined();
    const input = pendulumFigureInput();
    for (let k = 0; k < 6; k++) input.models.push({ ...input.models[0], name: `candidate ${k} with a rather long descriptive name` });
    expect(legendOf(build(input)).columns).toBe(2);
  });

  it('titles non-finite errors as ∞ or diverged', () => {
    expect(panelTitle('m', Infinity)).toBe('m — beyond-window NRMSE ∞');
    expect(panelTitle('m', NaN)).toBe('m — diverged');
    expect(panelTitle('m', null)).toBe('m — diverged');
    expect(panelTitle('m', 1.2e-5)).toBe('m — beyond-window NRMSE 1.2e-5');
  });

  it('draws the truth alone without models, and rejects mismatched lengths naming the model', () => {
    const input = pendulumFigureInput();
    expect(build({ ...input, models: [] }).vconcat.map((p) => p.title)).toEqual(['truth']);
    input.models[1].prediction = input.models[1].prediction.subarray(1);
    expect(() => build(input)).toThrow(ConfigError);
    expect(() => build(input)).toThrow(/prediction of "LSTM" has 3000 samples, t has 3001/);
  });

  it('draws a one-step model\'s free-running in-window curve dashed beside its one-step curve, each named in the legend', () => {
    const input = pendulumFigureInput();
    // A free run that drifts away from the truth inside the window, NaN outside it.
    const freeRun = input.t.map((ti, i) => (ti >= 1 && ti <= 10 ? input.truth[i] * Math.exp(-0.2 * ti) : NaN));
    input.models[1].freeRun = freeRun;
    const spec = build(input);
    const lstm = spec.vconcat[1].layer.filter((l) => l.mark.type === 'line');
    expect(lstm.map((l) => l.data.name)).toEqual(['truth', 'freeRun1', 'model1']);
    const free = spec.datasets.freeRun1 as unknown as { t: number; k: string }[];
    expect(free[0].k).toBe(freeRunLabel('LSTM'));
    expect(free.every((r) => r.t >= 1 && r.t <= 10)).toBe(true);
    expect((spec.datasets.model1[0] as unknown as { k: string }).k).toBe(oneStepLabel('LSTM'));
    // One legend: colour and dash share the label domain; only the free run is dashed, in the LSTM's colour.
    const dash = lstm[1].encoding.strokeDash.scale!;
    const colour = lstm[1].encoding.color.scale!;
    expect(dash.domain as unknown).toEqual(['truth', 'oscillator-bank K=4', oneStepLabel('LSTM'), freeRunLabel('LSTM')]);
    expect(colour.domain).toEqual(dash.domain);
    expect(dash.range).toEqual([[1, 0], [1, 0], [1, 0], [5, 3]]);
    expect(colour.range![3]).toBe(colour.range![2]);
    // A model without a free run keeps its plain name and one line.
    expect(spec.vconcat[0].layer.filter((l) => l.mark.type === 'line').map((l) => l.data.name)).toEqual(['truth', 'model0']);
  });
});
