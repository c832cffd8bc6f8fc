// The audit's figures (report/audit-figures.ts): which model the adversarial figure shows,
// the trust-horizon scatter's points as leads over the horizon with the count inside the
// ±20% band, both rendered without warnings, and a run's output folder holding them as PNG
// and SVG with one symbol per model.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvaluatedAttack } from '../../src/eval/evaluate.js';
import { runReferenceExperiment } from '../../src/eval/reference-run.js';
import { attackFigureSpec, vptPoints, vptScatterSpec, worstAttacked } from '../../src/report/audit-figures.js';
import { renderSvg } from '../../src/report/render.js';
import type { ModelResult, Results } from '../../src/report/results.js';
import { writeRunOutput } from '../../src/report/run-output.js';
import { exampleResults } from './fixtures.js';

const probe = (worst: number, conditioned = true) => ({ eps: [0.01, 0.1], nrmseOut: [worst / 2, worst], randomNrmseOut: [0, 0], validPredictionTime: [20, 15], epsHalvingVpt: null, amplification: 1, conditioned, forecasts: 5 });

function withProbes(): Results {
  const r = exampleResults();
  const [bank, lstm] = r.models;
  const third: ModelResult = structuredClone(bank);
  third.name = 'fourier';
  Object.assign(bank.metrics, { nrmseOut: 0.1, adversarial: probe(0.5), predictedVpt: { time: 20, interval: [18, 24] }, validPredictionTime: 22 });
  Object.assign(lstm.metrics, { nrmseOut: 0.2, adversarial: probe(0.4), predictedVpt: { time: 28, interval: [25, 30] }, validPredictionTime: 12 });
  Object.assign(third.metrics, { nrmseOut: 0.01, adversarial: probe(5, false) });
  r.models.push(third);
  return r;
}

const attackOf = (n: number): EvaluatedAttack => ({
  eps: 0.1,
  clean: [Float64Array.from({ length: n }, (_, i) => Math.sin(0.01 * i))],
  attacked: [Float64Array.from({ length: n }, (_, i) => Math.sin(0.01 * i) * 1.1)],
  nrmseOut: 0.5,
  validPredictionTime: 15,
});

describe('audit figures', () => {
  it('the adversarial figure shows the model whose beyond-window NRMSE the attack raised most, among those it could perturb', () => {
    const r = withProbes();
    const a = attackOf(10);
    expect(worstAttacked(r.models, [a, a, a])).toBe(0); // 0.5 − 0.1 beats 0.4 − 0.2; the unconditioned third does not count
    expect(worstAttacked(r.models, [undefined, a, a])).toBe(1);
    expect(worstAttacked(r.models, [undefined, undefined, a])).toBeUndefined();
  });

  it('draws the clean and the attacked context and forecast as two panels over the truth, and renders', async () => {
    const n = 3001;
    const t = Float64Array.from({ length: n }, (_, i) => i * 0.01);
    const truth = { t, y: [Float64Array.from(t, Math.sin)], names: ['y'] };
    const r = withProbes();
    const spec = attackFigureSpec(r.models[0], attackOf(n), truth, r.split) as unknown as { vconcat: { title: string }[]; datasets: Record<string, unknown[]> };
    expect(spec.vconcat).toHaveLength(2);
    expect(spec.vconcat[1].title).toContain('perturbed by at most 0.1 sd');
    expect(spec.vconcat[1].title).toContain('NRMSE 0.5');
    expect(Object.keys(spec.datasets).filter((k) => k.startsWith('model'))).toEqual(['model0', 'model1']);
    const warnings: string[] = [];
    await renderSvg(spec as never, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
  });

  it('the trust-horizon scatter: leads over the horizon, the count within ±20% of it, one point per model with a prediction', async () => {
    const r = withProbes();
    // Horizon (10, 30]: the bank predicts 20 → 0.5 and measures 22 → 0.6; the LSTM 28 → 0.9 against 12 → 0.1.
    const pts = vptPoints([{ results: r }]);
    expect(pts.map((p) => p.k)).toEqual(['oscillator-bank K=4', 'LSTM']);
    expect(pts[0]).toMatchObject({ measured: 0.6, predicted: 0.5, lo: 0.4, hi: 0.7 });
    expect(pts[1].measured).toBeCloseTo(0.1, 12);
    expect(pts[1].predicted).toBeCloseTo(0.9, 12);
    expect(vptPoints([{ label: 'noisy', results: r }])[1].k).toBe('noisy: LSTM');
    const spec = vptScatterSpec([{ results: r }])!;
    expect(JSON.stringify(spec)).toContain('1 of 2 predictions within it');
    const warnings: string[] = [];
    const svg = await renderSvg(spec, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(svg.match(/<path[^>]*aria-roledescription="point"/g) ?? []).toHaveLength(2);
    expect(vptScatterSpec([{ results: exampleResults() }])).toBeUndefined();
  });

  it('a run writes adversarial and vpt figures as PNG and SVG, the scatter with one point per model', async () => {
    const run = await runReferenceExperiment({ noise: 0.05, models: ['persistence', 'fourier'] });
    const dir = mkdtempSync(join(tmpdir(), 'lawful-audit-figures-'));
    const files = await writeRunOutput(dir, { results: run.results, truth: run.data.truth, split: run.data.split, predictions: run.predictions, quantiles: run.quantiles, attacks: run.attacks });
    for (const name of ['adversarial', 'vpt']) {
      expect(readFileSync(files[name]).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(readFileSync(join(dir, `${name}.svg`), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    }
    const scatter = readFileSync(join(dir, 'vpt.svg'), 'utf8');
    expect(scatter.match(/<path[^>]*aria-roledescription="point"/g) ?? []).toHaveLength(run.results.models.filter((m) => m.metrics.predictedVpt).length);
    // Persistence repeats its last (perturbed) value: the figure draws its attack.
    const adversarial = readFileSync(join(dir, 'adversarial.svg'), 'utf8');
    expect(adversarial).toContain('persistence, context perturbed by at most 0.1 sd');
    expect(readFileSync(files.html, 'utf8')).toContain('Valid prediction time: predicted against measured');
  }, 120_000);
});
