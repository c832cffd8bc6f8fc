import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { decimateMinMax } from '../../src/report/decimate.js';

/** A seeded random walk with a few sharp one-sample spikes (the peaks a plot must not lose). */
function walk(n: number, seed: number): { t: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const t = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    t[i] = i * 0.01;
    y[i] = y[i - 1] + rng.normal();
  }
  for (let k = 0; k < 5; k++) y[rng.int(n)] += (k % 2 ? -1 : 1) * 500;
  return { t, y };
}

function argExtremes(y: ArrayLike<number>): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (let i = 1; i < y.length; i++) {
    if (y[i] < y[min]) min = i;
    if (y[i] > y[max]) max = i;
  }
  return { min, max };
}

describe('decimateMinMax', () => {
  it.each([
    [100_003, 1500],
    [3001, 1500],
    [10_000, 7],
    [1501, 1500],
  ])('keeps every bucket extreme of %i samples within %i points', (n, budget) => {
    const { t, y } = walk(n, n);
    const d = decimateMinMax(t, y, budget);
    expect(d.t.length).toBeLessThanOrEqual(budget);
    const ext = argExtremes(y);
    const outExt = argExtremes(d.y);
    // The global minimum and maximum survive, at their own times.
    expect(d.y[outExt.min]).toBe(y[ext.min]);
    expect(d.t[outExt.min]).toBe(t[ext.min]);
    expect(d.y[outExt.max]).toBe(y[ext.max]);
    expect(d.t[outExt.max]).toBe(t[ext.max]);
    // Every kept point is a sample of the input, in time order, in one segment.
    for (let k = 1; k < d.t.length; k++) expect(d.t[k]).toBeGreaterThan(d.t[k - 1]);
    for (let k = 0; k < d.t.length; k++) expect(d.y[k]).toBe(y[Math.round(d.t[k] / 0.01)]);
    expect(new Set(d.segment)).toEqual(new Set([0]));
    // Bucket by bucket, the decimated line spans the same vertical extent as the full one.
    const buckets = Math.floor(budget / 2);
    let k = 0;
    for (let b = 0; b < buckets; b++) {
      const lo = Math.floor((b * n) / buckets);
      const hi = Math.floor(((b + 1) * n) / buckets);
      const seg = Array.from(y.subarray(lo, hi));
      const kept: number[] = [];
      while (k < d.t.length && d.t[k] < t[hi - 1] + 1e-12) kept.push(d.y[k++]);
      expect(Math.min(...kept)).toBe(Math.min(...seg));
      expect(Math.max(...kept)).toBe(Math.max(...seg));
    }
  });

  it('returns short series whole and breaks the line at NaN gaps', () => {
    const t = [0, 1, 2, 3, 4, 5];
    const y = [NaN, 1, 2, NaN, 4, 5];
    const d = decimateMinMax(t, y, 10);
    expect(d.t).toEqual([1, 2, 4, 5]);
    expect(d.segment).toEqual([0, 0, 1, 1]);
  });

  it('breaks a long series at a gap wider than a bucket and bridges one narrower than a bucket', () => {
    const n = 10_000;
    const t = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 100));
    y.fill(NaN, 4000, 4500); // 500 samples; buckets of 20
    y[7001] = NaN;
    const d = decimateMinMax(t, y, 1000);
    expect(d.t.length).toBeLessThanOrEqual(1000);
    expect(new Set(d.segment)).toEqual(new Set([0, 1]));
    const firstOfSecond = d.segment.indexOf(1);
    expect(d.t[firstOfSecond - 1]).toBeLessThan(4000);
    expect(d.t[firstOfSecond]).toBeGreaterThanOrEqual(4500);
    expect(d.y.every(Number.isFinite)).toBe(true);
  });

  it('rejects mismatched lengths and a budget below 2', () => {
    expect(() => decimateMinMax([0, 1], [0], 10)).toThrow(/t has 2 samples, y has 1/);
    expect(() => decimateMinMax([0, 1], [0, 1], 1)).toThrow(/at least 2/);
  });
});
