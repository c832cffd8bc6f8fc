// The library side of `lawful forecast` (models/load.ts): loading is a DataError or a model,
// forecast times are t₀ + i·dt on the data's clock, and a non-finite forecast is an error.
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, DivergenceError } from '../../src/core/errors.js';
import type { Fitted } from '../../src/models/base.js';
import { assertFiniteForecast, forecastFrom, forecastTimes, loadModel } from '../../src/models/load.js';
import { persistenceFamily } from '../../src/models/index.js';
import { savedHeader } from '../../src/models/saved.js';

describe('forecastTimes', () => {
  it('computes last + i·dt rounded to the grid, where a running sum drifts', () => {
    const t = forecastTimes(20, 40, 0.01);
    expect(t).toHaveLength(2000);
    expect(t[1000]).toBe(30.01);
    expect(t[1001]).toBe(30.02);
    expect(t[1999]).toBe(40);
    let sum = 20;
    for (let i = 0; i < 2000; i++) sum += 0.01;
    expect(sum).not.toBe(40); // what the old running sum printed: 39.99999999999979 and kin
    // An inexact data step (19.99 − 19.98) still lands on the 0.01 grid.
    expect(forecastTimes(19.99, 20.5, 19.99 - 19.98).at(-1)).toBe(20.5);
  });

  it('works on a negative clock and refuses what cannot be forecast, by option name', () => {
    expect(Array.from(forecastTimes(-15.1, -14.8, 0.1))).toEqual([-15, -14.9, -14.8]);
    expect(() => forecastTimes(-15.1, -20, 0.1)).toThrow(/^until: must be after the data's last time -15\.1/);
    expect(() => forecastTimes(20, 21, 5, { until: '--until', dt: '--dt' })).toThrow(/^--until: 21 is less than one step \(--dt 5\).*--until ≥ 25$/);
    expect(() => forecastTimes(20, 21, 0)).toThrow(ConfigError);
    expect(() => forecastTimes(20, NaN, 0.1)).toThrow(/^until: must be a finite time/);
    expect(() => forecastTimes(0, 1e12, 1e-6, { until: '--until', dt: '--dt' })).toThrow(/^--until: 1000000000000 is \d+ steps of 0\.000001 .*at most 10000000 .*raise --dt/);
    // A grid that is not decimal is left as computed (no rounding to a wrong grid).
    expect(forecastTimes(0, 1, 1 / 3)[2]).toBe(3 * (1 / 3));
  });
});

describe('loadModel', () => {
  const good = JSON.stringify(persistenceFamily.load({ ...savedHeader('persistence'), config: {}, layout: [], params: [] }).toJSON());
  it('loads a sound saved model from text or parsed JSON', () => {
    expect(loadModel(good, 'p.json').model.family).toBe('persistence');
    expect(loadModel(JSON.parse(good)).saved.family).toBe('persistence');
  });
  it('refuses non-JSON, a newer version, an unknown family and a damaged field, each a DataError naming the source', () => {
    const cases: [unknown, RegExp][] = [
      ['{ nope', /^m\.json: is not JSON/],
      [[1, 2], /^m\.json: not a lawful saved model: expected a JSON object/],
      [{ ...JSON.parse(good), version: 2 }, /^m\.json: saved with model format version 2; .*upgrade lawful/],
      [{ ...JSON.parse(good), format: 'pickle' }, /^m\.json: format: /],
      [{ ...JSON.parse(good), family: 'oracle' }, /^m\.json: family: unknown model family "oracle"/],
      [{ ...JSON.parse(good), params: [1] }, /^m\.json: params: /],
    ];
    for (const [json, message] of cases) {
      expect(() => loadModel(json, 'm.json')).toThrow(DataError);
      expect(() => loadModel(json, 'm.json')).toThrow(message);
    }
  });
});

describe('forecastFrom', () => {
  it('a non-finite value is a DivergenceError at the earliest bad time, whichever channel', () => {
    const fc = { t: Float64Array.from([3, 1, 2]), mean: [Float64Array.from([0, 0, NaN]), Float64Array.from([Infinity, 1, 1])] };
    expect(() => assertFiniteForecast(fc, 'lstm', 'm.json', ['a', 'b'])).toThrow(DivergenceError);
    expect(() => assertFiniteForecast(fc, 'lstm', 'm.json', ['a', 'b'])).toThrow(/^m\.json: the lstm model forecasts NaN for a at t = 2;/);
  });
  it('persistence from an empty context is refused rather than written as NaN', () => {
    const loaded = loadModel(good(), 'p.json');
    expect(() => forecastFrom(loaded, { t: new Float64Array(0), y: [new Float64Array(0)], names: ['y'] }, Float64Array.from([1]))).toThrow(/no samples/);
    const model: Fitted = loaded.model;
    const fc = forecastFrom(loaded, { t: Float64Array.from([0, 1]), y: [Float64Array.from([4, 5])], names: ['y'] }, Float64Array.from([2, 3]));
    expect(Array.from(fc.mean[0])).toEqual([5, 5]);
    expect(model.nParams).toBe(0);
  });
});

function good(): string {
  return JSON.stringify({ ...savedHeader('persistence'), config: {}, layout: [], params: [] });
}
