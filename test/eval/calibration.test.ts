import { describe, expect, it } from 'vitest';
import {
  calibrate,
  crpsFromQuantiles,
  crpsGaussian,
  gaussianQuantiles,
  normalCdf,
  normalQuantile,
  predictedValidTime,
  QUANTILE_LEVELS,
} from '../../src/eval/calibration.js';
import { Rng } from '../../src/core/rng.js';

/** Binomial tolerance: 4 standard deviations of a fraction of n trials at probability p. */
const tol = (p: number, n: number) => 4 * Math.sqrt((p * (1 - p)) / n);

describe('calibration', () => {
  it('normal distribution function and quantile are inverse and match tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-1.281551566)).toBeCloseTo(0.1, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644853627, 8);
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });

  it('CRPS of N(μ, σ) at a point matches the closed form and a numerical integral of (F − 1{x ≥ y})²', () => {
    // at y = μ: σ(2φ(0) − 1/√π)
    expect(crpsGaussian(1, 2, 1)).toBeCloseTo(2 * (2 / Math.sqrt(2 * Math.PI) - 1 / Math.sqrt(Math.PI)), 7);
    const mu = 0.3;
    const s = 0.7;
    const y = 1.4;
    let integral = 0;
    const h = 1e-3;
    for (let x = -10; x < 10; x += h) {
      const xm = x + h / 2;
      integral += (normalCdf((xm - mu) / s) - (xm >= y ? 1 : 0)) ** 2 * h;
    }
    expect(crpsGaussian(mu, s, y)).toBeCloseTo(integral, 5);
    // σ → 0: the absolute error
    expect(crpsGaussian(0, 0, -2)).toBe(2);
  });

  it('the quantile-score CRPS approaches the Gaussian closed form as the levels get dense, and reads at most 13% low on the 9 standard levels', () => {
    const dense = Array.from({ length: 999 }, (_, k) => (k + 1) / 1000);
    const exact = crpsGaussian(0, 1, 0.5);
    expect(crpsFromQuantiles(dense, dense.map(normalQuantile), 0.5) / exact).toBeCloseTo(1, 2);
    for (const y of [0, 0.5, 1, 2, 3]) {
      const coarse = crpsFromQuantiles(QUANTILE_LEVELS, QUANTILE_LEVELS.map(normalQuantile), y) / crpsGaussian(0, 1, y);
      expect(coarse).toBeGreaterThan(0.86);
      expect(coarse).toBeLessThan(1);
    }
  });

  it('coverage of a calibrated Gaussian forecast is nominal within a binomial tolerance, PIT flat, reliability on the diagonal', () => {
    const rng = new Rng(7);
    const n = 4000;
    const mean = [Float64Array.from({ length: n }, (_, i) => Math.sin(i / 50))];
    const sd = [Float64Array.from({ length: n }, (_, i) => 0.1 + i / n)];
    const truth = [mean[0].map((m, i) => m + sd[0][i] * rng.normal())];
    const q = gaussianQuantiles(mean, sd);
    const cal = calibrate({ levels: QUANTILE_LEVELS, values: q.map((x) => x.values), gaussian: { mean, sd } }, truth, 0, n);
    expect(cal.n).toBe(n);
    for (const [key, p] of [['50', 0.5], ['80', 0.8], ['95', 0.95]] as const) expect(Math.abs(cal.coverage[key] - p)).toBeLessThan(tol(p, n));
    cal.reliability.forEach((r) => expect(Math.abs(r.observed - r.level)).toBeLessThan(tol(r.level, n)));
    cal.pit.density.forEach((d, k) => {
      const w = cal.pit.edges[k + 1] - cal.pit.edges[k];
      expect(Math.abs(d * w - w)).toBeLessThan(tol(w, n));
    });
    // mean CRPS of calibrated N(0, σ²) draws: σ/√π on average
    let expected = 0;
    for (let i = 0; i < n; i++) expected += sd[0][i] / Math.sqrt(Math.PI);
    expect(cal.crps / (expected / n)).toBeCloseTo(1, 1);
    expect(cal.crpsMethod).toBe('gaussian-closed-form');
  });

  it('an overconfident forecast (σ half the truth’s) under-covers and its PIT piles up in the tails', () => {
    const rng = new Rng(3);
    const n = 3000;
    const mean = [new Float64Array(n)];
    const truth = [Float64Array.from({ length: n }, () => rng.normal())];
    const sd = [new Float64Array(n).fill(0.5)];
    const cal = calibrate({ levels: QUANTILE_LEVELS, values: gaussianQuantiles(mean, sd).map((x) => x.values) }, truth, 0, n);
    // P(|Z| < 1.2816·0.5) = 0.4778
    expect(Math.abs(cal.coverage['80'] - 0.4778)).toBeLessThan(tol(0.48, n));
    expect(cal.pit.density[0]).toBeGreaterThan(3);
    expect(cal.crpsMethod).toBe('quantile-score');
  });

  it('predicted VPT: a spread growing linearly crosses where the closed form says, with the interval around it', () => {
    // s_k = δ·k (k = 1..n) with scale 1: running RMS δ·sqrt((n+1)(2n+1)/6) = 0.2
    const dt = 0.01;
    const m = 3000;
    const t = Float64Array.from({ length: m }, (_, i) => 10 + (i + 1) * dt);
    const delta = 2e-4;
    const sd = [Float64Array.from({ length: m }, (_, i) => delta * (i + 1))];
    const p = predictedValidTime(t, sd, [1], 0.2);
    let k = 1;
    while (delta * Math.sqrt(((k + 1) * (2 * k + 1)) / 6) <= 0.2) k++;
    expect(p.time).toBeCloseTo(t[k - 1], 10);
    expect(p.interval[0]).toBeLessThan(p.time);
    expect(p.interval[1]).toBeGreaterThan(p.time);
    // never crossing: the horizon's end
    expect(predictedValidTime(t, [new Float64Array(m).fill(0.01)], [1]).time).toBe(t[m - 1]);
  });
});
