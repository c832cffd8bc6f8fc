// Sparse regression: STLSQ recovers the support of a synthetic sparse problem with exact
// zeros elsewhere; the ensemble reports inclusion probabilities near 1 for true terms and low
// ones for absent terms.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { columnRows, ensemble, normalEquations, stlsq } from '../../../src/models/sindy/optimizer/index.js';

/** 12 random features, target = 3·θ₁ − 0.5·θ₄ + 0.25·θ₉ + noise. */
function problem(n: number, noise: number, seed = 5) {
  const rng = new Rng(seed);
  const theta = Array.from({ length: 12 }, () => Float64Array.from({ length: n }, () => rng.normal()));
  const truth = new Float64Array(12);
  truth[1] = 3;
  truth[4] = -0.5;
  truth[9] = 0.25;
  const y = Float64Array.from({ length: n }, (_, i) => theta.reduce((s, c, k) => s + truth[k] * c[i], 0) + noise * rng.normal());
  return { theta, y, truth };
}

describe('sparse regression', () => {
  it('normal equations: G = ΘᵀΘ and b = Θᵀy, blocked over rows, weights as multiplicities', () => {
    const { theta, y } = problem(5000, 0.1);
    const eq = normalEquations(columnRows(theta, [y]));
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
    expect(eq.G[3 * 12 + 7]).toBeCloseTo(dot(theta[3], theta[7]), 8);
    expect(eq.b[0][4]).toBeCloseTo(dot(theta[4], y), 8);
    const w = Float64Array.from({ length: 5000 }, (_, i) => i % 3);
    const weighted = normalEquations(columnRows(theta, [y]), w);
    expect(weighted.G[2 * 12 + 2]).toBeCloseTo(theta[2].reduce((s, v, i) => s + w[i] * v * v, 0), 8);
  });

  it('normal equations: every entry, for feature and target counts on every side of the 2 × 4 tiles', () => {
    const rng = new Rng(4);
    const n = 2 * 2048 + 37; // three blocks, the last one short
    for (const [P, T] of [[1, 1], [2, 1], [3, 2], [5, 3], [7, 1], [10, 3]]) {
      const theta = Array.from({ length: P }, () => Float64Array.from({ length: n }, () => rng.normal()));
      const targets = Array.from({ length: T }, () => Float64Array.from({ length: n }, () => rng.normal()));
      const w = Float64Array.from({ length: n }, () => rng.int(3));
      const eq = normalEquations(columnRows(theta, targets), w);
      const wdot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + w[i] * v * b[i], 0);
      for (let j = 0; j < P; j++) {
        for (let k = 0; k < P; k++) expect(eq.G[j * P + k]).toBeCloseTo(wdot(theta[j], theta[k]), 8);
        for (let c = 0; c < T; c++) expect(eq.b[c][j]).toBeCloseTo(wdot(theta[j], targets[c]), 8);
      }
    }
  });

  it('STLSQ recovers the support exactly, zeros elsewhere, coefficients to 1%', () => {
    const { theta, y, truth } = problem(2000, 0.1);
    const [xi] = stlsq({ threshold: 0.1 }).fit(columnRows(theta, [y]), { rng: new Rng(0) }).coef;
    for (let k = 0; k < 12; k++) {
      if (truth[k] === 0) expect(xi[k]).toBe(0);
      else expect(Math.abs(xi[k] / truth[k] - 1)).toBeLessThan(0.01);
    }
    // Plain least squares (threshold 0) keeps every term: the thresholding is what sparsifies.
    const [dense] = stlsq({ threshold: 0 }).fit(columnRows(theta, [y]), { rng: new Rng(0) }).coef;
    expect(Array.from(dense).filter((v) => v !== 0)).toHaveLength(12);
  });

  it('the ensemble: inclusion ≈ 1 for true terms, low for absent ones; median coefficients', () => {
    // Noise near the threshold: some spurious terms survive in some resamples.
    const { theta, y, truth } = problem(300, 0.9, 9);
    const fit = ensemble({ threshold: 0.1, models: 40 }).fit(columnRows(theta, [y]), { rng: new Rng(1) });
    const inc = fit.inclusion![0];
    for (let k = 0; k < 12; k++) {
      if (truth[k] !== 0) expect(inc[k]).toBeGreaterThanOrEqual(0.9);
      else expect(inc[k]).toBeLessThan(0.5);
    }
    expect(Math.abs(fit.coef[0][1] / 3 - 1)).toBeLessThan(0.05);
    // The same seed, the same ensemble.
    const again = ensemble({ threshold: 0.1, models: 40 }).fit(columnRows(theta, [y]), { rng: new Rng(1) });
    expect(Array.from(again.inclusion![0])).toEqual(Array.from(inc));
    // Library bagging: each model leaves out 3 of the 12 terms, so a true term is in about 3/4 of them.
    const bagged = ensemble({ threshold: 0.1, models: 200, dropTerms: 3 }).fit(columnRows(theta, [y]), { rng: new Rng(2) }).inclusion![0];
    for (const k of [1, 4, 9]) expect(Math.abs(bagged[k] - 0.75)).toBeLessThan(0.1);
    for (const k of [0, 2, 3, 5]) expect(bagged[k]).toBeLessThan(0.5);
  });
});
