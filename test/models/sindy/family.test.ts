// The sindy family beyond the contract: several trajectories at once, forecasts that follow
// the true system (forward and backward in time), the discrete map on its grid, the saved
// form of an ensemble (inclusion probabilities survive), channel names made identifiers,
// the term's vjp against finite differences, and bad input as typed errors.
import { describe, expect, it } from 'vitest';
import { checkGradient } from '../../../src/core/gradcheck.js';
import { ConfigError, DataError } from '../../../src/core/errors.js';
import type { Series } from '../../../src/data/series.js';
import { loadModel } from '../../../src/models/load.js';
import { sindyFamily } from '../../../src/models/sindy.js';
import { variableNames } from '../../../src/models/sindy/equations.js';
import { fitSindy } from '../../../src/models/sindy/fit.js';
import { buildLibrary } from '../../../src/models/sindy/library/index.js';
import { compiledTerm, sindyTerm } from '../../../src/models/sindy/simulate.js';
import { simulate } from '../../../src/systems/simulate.js';

const fitSeries = (series: Series, config = {}) => sindyFamily.fit({ family: 'sindy', config: { ...sindyFamily.defaults, ...config } }, series, { seed: 1 });

describe('the sindy family', () => {
  it('fits several trajectories at once: short Van der Pol runs that one alone could not pin down', () => {
    // x' = y, y' = μ(1 − x²)y − x with μ = 1: three short runs from different starts.
    const runs = [[2, 0], [0.5, 0.5], [-1, 1.5]].map((x0) => simulate('van-der-pol', { params: { mu: 1, x0 }, until: 2, dt: 0.005, state: true }).series);
    const lib = { kind: 'polynomial', degree: 3 } as const;
    const s = fitSindy(runs, { library: lib, optimizer: { method: 'stlsq', threshold: 0.05, ridge: 0 } });
    const names = buildLibrary(lib).names(variableNames(runs[0].names));
    const found = s.coef.map((row) => Object.fromEntries(names.map((n, k) => [n, row[k]]).filter(([, v]) => v !== 0)));
    const [x, y] = variableNames(runs[0].names);
    expect(Object.keys(found[0])).toEqual([y]);
    expect(Object.keys(found[1]).sort()).toEqual([x, y, `${x}^2*${y}`].sort());
    expect(found[0][y]).toBeCloseTo(1, 3);
    expect(found[1][`${x}^2*${y}`]).toBeCloseTo(-1, 2);
    // Forecasts start from the first sample of the first run.
    expect(s.x0).toEqual(Float64Array.from(runs[0].y, (c) => c[0]));
  });

  it('forecasts by integrating from the first training sample: Lorenz to 1e-3 over one time unit, backwards too', async () => {
    const { series } = simulate('lorenz', { params: { x0: [-8, 8, 27] }, until: 11, dt: 0.002 });
    const n = 5001; // train on t ∈ [0, 10]
    const train: Series = { t: series.t.slice(0, n), y: series.y.map((c) => c.slice(0, n)), names: series.names };
    const f = await fitSeries(train);
    const times = series.t.slice(n - 1);
    const fc = f.forecast(times, train);
    // Chaos amplifies the 1e-4 coefficient errors by about e^{0.9 t}; printed for the record.
    const err = (k: number, at: number[]) => Math.max(...[0, 1, 2].map((c) => Math.abs(at[c] - series.y[c][k])));
    const mid = f.forecast(Float64Array.of(2, 5), train).mean;
    expect(err(1000, mid.map((c) => c[0]))).toBeLessThan(0.01);
    expect(err(2500, mid.map((c) => c[1]))).toBeLessThan(0.1);
    expect(err(n - 1, fc.mean.map((c) => c[0]))).toBeLessThan(2);
    const early = f.forecast(Float64Array.of(0, 0.5, 1), train);
    for (let c = 0; c < 3; c++) for (const [i, k] of [[0, 0], [1, 250], [2, 500]]) expect(Math.abs(early.mean[c][i] - series.y[c][k])).toBeLessThan(1e-3);
    // Backward in time: the true system run back from x0 over 0.2 time units.
    const back = f.forecast(Float64Array.of(-0.2), train).mean.map((c) => c[0]);
    const sys = simulate('lorenz', { params: { x0: back }, until: 0.2, dt: 0.2 }).series.y.map((c) => c[1]);
    for (let c = 0; c < 3; c++) expect(Math.abs(sys[c] - series.y[c][0])).toBeLessThan(1e-3);
  });

  it('a discrete map forecasts on its grid and refuses times between its steps', async () => {
    const x = new Float64Array(100);
    x[0] = 0.3;
    for (let k = 1; k < 100; k++) x[k] = 3.2 * x[k - 1] * (1 - x[k - 1]);
    const t = Float64Array.from({ length: 100 }, (_, k) => 10 + 0.5 * k);
    const f = await fitSeries({ t, y: [x], names: ['x'] }, { discrete: true, optimizer: { method: 'stlsq', threshold: 0.1, ridge: 0 } });
    expect(f.describe().equations).toEqual(['x[k+1] = 3.2*x - 3.2*x^2']);
    const fc = f.forecast(Float64Array.of(10, 10.5, 59.5), { t, y: [x], names: ['x'] });
    expect(fc.mean[0][0]).toBe(0.3);
    expect(fc.mean[0][1]).toBeCloseTo(x[1], 12);
    expect(fc.mean[0][2]).toBeCloseTo(x[99], 8);
    expect(() => f.forecast(Float64Array.of(10.25), { t, y: [x], names: ['x'] })).toThrow(DataError);
  });

  it('an ensemble fit keeps its inclusion probabilities through the saved form', async () => {
    const { series } = simulate('lorenz', { params: { x0: [-8, 8, 27] }, until: 2, dt: 0.002 });
    const f = await fitSeries(series, { optimizer: { method: 'ensemble', models: 10, threshold: 0.1 } });
    const d = f.describe() as unknown as { inclusion: Record<string, Record<string, number>> };
    expect(d.inclusion.x.y).toBe(1);
    expect(d.inclusion.z['x*y']).toBe(1);
    expect(d.inclusion.x['y*z']).toBeLessThan(0.5);
    const text = JSON.stringify(f.toJSON());
    const g = loadModel(text, 'ensemble.json').model;
    expect(JSON.stringify(g.describe())).toBe(JSON.stringify(d));
  });

  it('channel names become identifiers of the equation language, and the equations use them', async () => {
    expect(variableNames(['x pos', 'v(m/s)', '2nd', 't', 'x pos', 'sin'])).toEqual(['x_pos', 'v_m_s_', '_2nd', 't_', 'x_pos_2', 'sin_']);
    const t = Float64Array.from({ length: 200 }, (_, i) => i * 0.01);
    const f = await fitSeries({ t, y: [t.map((s) => Math.exp(-s))], names: ['amount (mol)'] }, { library: { kind: 'polynomial', degree: 1 }, optimizer: { method: 'stlsq', ridge: 0 } });
    expect(f.describe().equations).toEqual(["amount__mol_' = -amount__mol_"]);
  });

  it("the term's vjp agrees with finite differences, in the state and in Ξ", () => {
    const lib = buildLibrary({ kind: 'concat', parts: [{ kind: 'polynomial', degree: 2 }, { kind: 'fourier', frequencies: 1 }] });
    const term = sindyTerm(lib, 2);
    const theta = Float64Array.from({ length: term.nParams }, (_, i) => Math.sin(1.7 * i));
    const v = Float64Array.of(0.3, -1.1);
    const y = Float64Array.of(0.4, -0.9);
    const dy = new Float64Array(2);
    const loss = (yy: Float64Array, th: Float64Array) => (term.f(0, yy, th, dy), v[0] * dy[0] + v[1] * dy[1]);
    const grads = () => {
      const [gy, gt] = [new Float64Array(2), new Float64Array(term.nParams)];
      term.vjp(0, y, theta, v, gy, gt);
      return { gy, gt };
    };
    expect(checkGradient((yy) => loss(yy, theta), () => grads().gy, y).maxRelError).toBeLessThan(1e-6);
    expect(checkGradient((th) => loss(y, th), () => grads().gt, theta).maxRelError).toBeLessThan(1e-6);
  });

  it('bad input is a typed error naming the option or the data', async () => {
    const t = Float64Array.from({ length: 50 }, (_, i) => i * 0.1);
    const ok: Series = { t, y: [t.map(Math.sin)], names: ['x'] };
    await expect(fitSeries(ok, { optimizer: { method: 'stlsq', threshold: -1 } })).rejects.toThrow(/optimizer\.threshold/);
    await expect(fitSeries(ok, { library: { kind: 'polynomial', degree: 0 } })).rejects.toThrow(ConfigError);
    await expect(fitSeries({ ...ok, y: [ok.y[0].map((v, i) => (i === 7 ? NaN : v))] })).rejects.toThrow(/channel x is NaN at t = 0\.7/);
    await expect(fitSeries({ t: t.slice(0, 3), y: [t.slice(0, 3)], names: ['x'] })).rejects.toThrow(/needs at least 5/);
    expect(() => fitSindy([ok, { ...ok, names: ['y'] }])).toThrow(/trajectory 2 has channels y/);
  });
  it('a model past the equation language\'s 1000 tokens a right-hand side still forecasts (the generic term)', async () => {
    // Six decays x_i' = −(i+1)/4 x_i, fitted with every one of the 210 degree-4 terms kept.
    const n = 401;
    const dt = 0.005;
    const t = Float64Array.from({ length: n }, (_, i) => i * dt);
    const rate = (c: number) => (c + 1) / 4;
    const y = Array.from({ length: 6 }, (_, c) => t.map((ti) => (1 + 0.1 * c) * Math.exp(-rate(c) * ti)));
    const series: Series = { t, y, names: ['a', 'b', 'c', 'd', 'f', 'g'] };
    const config = { library: { kind: 'polynomial', degree: 4 }, optimizer: { method: 'stlsq', threshold: 0, ridge: 1e-6 } } as const;
    const s = fitSindy([series], config);
    const features = buildLibrary(config.library).names(variableNames(series.names));
    expect(compiledTerm(series.names, features, s.coef)).toBeUndefined();
    const m = await fitSeries(series, config);
    const at = m.forecast(Float64Array.of(0.5, 1), series).mean;
    for (let c = 0; c < 6; c++) expect(Math.abs(at[c][1] - y[c][200])).toBeLessThan(1e-3);
    // Its discovered.eq says why it cannot be refitted as written.
    expect(m.files!()['discovered.eq']).toMatch(/^# Too large to refit as written: right-hand side too long/);
  });
});
