// The bank's intervals under residuals that are not white noise (issue 12): the sandwich
// covariance, the residuals' correlation length and the difference-based noise estimate,
// each against a closed form or a Monte Carlo of known truth.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { correlationLength, differenceNoiseSd, pseudoInverseCovariance, sandwichCovariance } from '../../src/models/uncertainty.js';

const RHO = 0.8;
describe('sandwichCovariance', () => {
  it('equals A⁺ (Σ_ij (1 − |i−j|/(L+1))₊ s_i s_jᵀ) A⁺ summed directly', () => {
    const rng = new Rng(3);
    const P = 3;
    const N = 40;
    const L = 5;
    const A = Float64Array.of(4, 1, 0, 1, 3, 0.5, 0, 0.5, 2);
    const cov = pseudoInverseCovariance(A, P, ['a', 'b', 'c']).covariance;
    const scores = Array.from({ length: N }, () => Float64Array.from({ length: P }, () => rng.normal()));
    const B = new Float64Array(P * P);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const w = 1 - Math.abs(i - j) / (L + 1);
        if (w <= 0) continue;
        for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) B[a * P + b] += w * scores[i][a] * scores[j][b];
      }
    }
    const mul = (X: Float64Array, Y: Float64Array) => {
      const Z = new Float64Array(P * P);
      for (let i = 0; i < P; i++) for (let k = 0; k < P; k++) for (let j = 0; j < P; j++) Z[i * P + j] += X[i * P + k] * Y[k * P + j];
      return Z;
    };
    const expected = mul(mul(cov, B), cov);
    const got = sandwichCovariance(cov, scores, P, L);
    expected.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 12));
  });

  it('a straight-line fit through AR(1) noise (ρ = 0.8): the sandwich slope interval covers ≈ 95%, the white-noise one far less', () => {
    const rng = new Rng(7);
    const N = 1000;
    const reps = 300;
    const t = Float64Array.from({ length: N }, (_, i) => i / N);
    let insideSandwich = 0;
    let insideWhite = 0;
    for (let r = 0; r < reps; r++) {
      let e = rng.normal() / Math.sqrt(1 - RHO ** 2);
      const y = t.map((x) => {
        e = RHO * e + rng.normal();
        return 1 + 2 * x + 0.1 * e;
      });
      // Least squares on [1, t], closed form.
      const st = t.reduce((a, b) => a + b, 0);
      const stt = t.reduce((a, b) => a + b * b, 0);
      const sy = y.reduce((a, b) => a + b, 0);
      const sty = t.reduce((a, x, i) => a + x * y[i], 0);
      const det = N * stt - st * st;
      const slope = (N * sty - st * sy) / det;
      const icept = (sy - slope * st) / N;
      const res = y.map((v, i) => v - icept - slope * t[i]);
      const s2 = res.reduce((a, b) => a + b * b, 0) / (N - 2);
      const A = Float64Array.of(N / s2, st / s2, st / s2, stt / s2);
      const gn = pseudoInverseCovariance(A, 2, ['a', 'b']).covariance;
      const scores = Array.from(res, (v, i) => Float64Array.of(v / s2, (v * t[i]) / s2));
      const sw = sandwichCovariance(gn, scores, 2, correlationLength([res]));
      if (Math.abs(slope - 2) <= 1.96 * Math.sqrt(sw[3])) insideSandwich++;
      if (Math.abs(slope - 2) <= 1.96 * Math.sqrt(gn[3])) insideWhite++;
    }
    // Bartlett-kernel estimates run low in finite samples (Newey & West 1987; here 0.91, and 0.74 at ρ = 0.95 with N = 400), so the bar is 0.85, not 0.95 ± noise.
    expect(insideSandwich / reps).toBeGreaterThan(0.85);
    expect(insideWhite / reps).toBeLessThan(0.6);
  });
});

describe('correlationLength and differenceNoiseSd', () => {
  it('white noise decorrelates at once; a quarter period for a sinusoid', () => {
    const rng = new Rng(1);
    // The first non-positive sample autocorrelation of white noise comes at lag k with probability 2⁻ᵏ.
    expect(correlationLength([Float64Array.from({ length: 2000 }, () => rng.normal())])).toBeLessThanOrEqual(10);
    // cos(2π i/200) has autocorrelation ∝ cos(2π l/200): first non-positive at l = 50.
    expect(correlationLength([Float64Array.from({ length: 4000 }, (_, i) => Math.cos((2 * Math.PI * i) / 200))])).toBe(50);
  });

  it('recovers the noise on a finely sampled two-mode signal and finds none on the clean one', () => {
    const rng = new Rng(5);
    const dt = 0.01;
    const clean = Float64Array.from({ length: 1001 }, (_, i) => Math.cos(1.2 * i * dt) + 0.8 * Math.cos(1.7 * i * dt + 1));
    expect(differenceNoiseSd(clean)).toBeLessThan(1e-4);
    const noisy = clean.map((v) => v + 0.05 * rng.normal());
    expect(differenceNoiseSd(noisy) / 0.05).toBeGreaterThan(0.93);
    expect(differenceNoiseSd(noisy) / 0.05).toBeLessThan(1.07);
  });
});
