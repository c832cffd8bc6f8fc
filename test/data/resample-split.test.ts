// Uniform grids, linear resampling (exact error formula) and the time split.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { isUniform, resample } from '../../src/data/resample.js';
import type { Series } from '../../src/data/series.js';
import { assertSeries, offGrid, uniformStep } from '../../src/data/series.js';
import { sha256Hex } from '../../src/data/sha256.js';
import { splitSeries } from '../../src/data/split.js';

/** Irregular clock on [0, 5]: sorted uniform draws plus both ends. */
function irregular(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const t = Array.from({ length: n - 2 }, () => 5 * rng.uniform());
  return Float64Array.from([0, ...t.sort((a, b) => a - b), 5]);
}

describe('isUniform', () => {
  it('accepts a grid built as t0 + k dt and rejects one moved step', () => {
    const t = Float64Array.from({ length: 101 }, (_, k) => 5 + k / 6);
    expect(isUniform(t)).toBe(true);
    t[50] += 1e-3;
    expect(isUniform(t)).toBe(false);
    expect(isUniform(t, 1e-1)).toBe(true);
  });
});

describe('resample', () => {
  it('is exact on linear data and has error exactly (t - a)(b - t) on t²', () => {
    const t = irregular(40, 1);
    const s: Series = { t, y: [t.map((x) => 2 - 3 * x), t.map((x) => x * x)], names: ['lin', 'sq'] };
    const r = resample(s, 0.1);
    assertSeries(r);
    expect(r.t.length).toBe(51);
    expect(r.t[50]).toBe(5);
    expect(isUniform(r.t)).toBe(true);
    let j = 0;
    for (let k = 0; k < r.t.length; k++) {
      const tk = r.t[k];
      expect(Math.abs(r.y[0][k] - (2 - 3 * tk))).toBeLessThan(1e-13);
      while (j < t.length - 2 && t[j + 1] < tk) j++;
      // Linear interpolation of f = t² between a and b errs by f''/2 (t - a)(b - t) = (t - a)(b - t).
      const err = (tk - t[j]) * (t[j + 1] - tk);
      expect(Math.abs(r.y[1][k] - tk * tk - err)).toBeLessThan(1e-12);
    }
  });

  it('rejects a step that is not a positive finite number, or absurdly small', () => {
    const s: Series = { t: Float64Array.from([0, 1]), y: [Float64Array.from([0, 1])], names: ['x'] };
    for (const dt of [0, -1, NaN, Infinity, 1e-12]) expect(() => resample(s, dt)).toThrow(ConfigError);
  });
});

describe('splitSeries', () => {
  const t = Float64Array.from({ length: 31 }, (_, k) => k);
  const s: Series = { t, y: [t.map((x) => x * 2)], names: ['x'] };

  it('trainUntil: t <= trainUntil trains, the rest tests, nothing lost', () => {
    const { train, test, trainUntil } = splitSeries(s, { trainUntil: 10 });
    expect(trainUntil).toBe(10);
    expect([...train.t]).toEqual(Array.from({ length: 11 }, (_, k) => k));
    expect([...test.t]).toEqual(Array.from({ length: 20 }, (_, k) => k + 11));
    expect(test.y[0][0]).toBe(22);
    expect(train.names).toEqual(['x']);
  });

  it('trainFraction is a fraction of the time span', () => {
    const { train, trainUntil } = splitSeries(s, { trainFraction: 0.25 });
    expect(trainUntil).toBe(7.5);
    expect(train.t.length).toBe(8);
  });

  it('nonsense is a ConfigError naming the option', () => {
    const bad: [object, RegExp][] = [
      [{ trainFraction: 0 }, /trainFraction: must lie in \(0, 1\)/],
      [{ trainFraction: 1 }, /trainFraction/],
      [{ trainFraction: NaN }, /trainFraction/],
      [{ trainUntil: -1 }, /trainUntil: must lie in \[0, 30\)/],
      [{ trainUntil: 30 }, /trainUntil/],
      [{ trainUntil: 0.5 }, /trainUntil: leaves 1 sample in the training window/],
      [{ trainFraction: 0.01 }, /trainFraction: leaves 1 sample/],
      [{ trainUntil: 10, trainFraction: 0.5 }, /not both/],
      [{}, /give trainUntil/],
    ];
    for (const [opts, msg] of bad) {
      expect(() => splitSeries(s, opts)).toThrow(ConfigError);
      expect(() => splitSeries(s, opts)).toThrow(msg);
    }
  });
});

describe('sha256Hex', () => {
  it('matches node:crypto on the FIPS 180-4 examples and on lengths around the block edges', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const rng = new Rng(7);
    for (const n of [1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});

describe('uniform sampling', () => {
  it('uniformStep returns the mean step of a grid (to 1e-6 relative) and names the first sample off it', () => {
    const grid = Float64Array.from({ length: 101 }, (_, i) => 2 + i * 0.01); // steps differ by rounding only
    expect(uniformStep(grid)).toBeCloseTo(0.01, 15);
    expect(offGrid(grid)).toBe(-1);
    expect(isUniform(grid)).toBe(true);
    const bumped = grid.slice();
    bumped[37] += 1e-5; // 0.1% of a step: samples 37 and 38 are off
    expect(offGrid(bumped)).toBe(37);
    expect(offGrid(bumped, 1e-2)).toBe(-1); // within a 1% tolerance
    expect(isUniform(bumped)).toBe(false);
    expect(() => uniformStep(bumped, 'the training window')).toThrow(DataError);
    expect(() => uniformStep(bumped, 'the training window')).toThrow(/^the training window must be uniformly sampled .* sample 37 comes 0\.01001\d* after the previous one; resample it first$/);
    expect(() => uniformStep(Float64Array.of(1))).toThrow(/the series needs at least 2 samples/);
    expect(offGrid(Float64Array.of(0, 1, NaN, 3))).toBe(2); // a NaN time is never on the grid
  });
});
