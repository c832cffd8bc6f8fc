import { describe, expect, it } from 'vitest';
import { Adam, constant, cosine, exponential } from '../../src/core/optim/index.js';
import { DivergenceError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';

describe('schedules', () => {
  it('cosine takes lr at 0, (lr + min)/2 at total/2 and min at total', () => {
    const s = cosine(0.1, 1000);
    expect(s(0)).toBe(0.1);
    expect(s(500)).toBeCloseTo(0.05, 15);
    expect(s(1000)).toBe(0);
    expect(s(5000)).toBe(0);
    // (1 + cos(π/4))/2 at a quarter.
    expect(s(250)).toBeCloseTo((0.1 * (1 + Math.SQRT1_2)) / 2, 15);

    const m = cosine(0.1, 1000, { min: 0.01 });
    expect(m(500)).toBeCloseTo(0.055, 15);
    expect(m(1000)).toBe(0.01);

    // Warm-up: linear to lr, then the cosine over [warmup, total].
    const w = cosine(0.1, 1100, { warmup: 100 });
    expect(w(0)).toBeCloseTo(0.001, 15);
    expect(w(49)).toBeCloseTo(0.05, 15);
    expect(w(100)).toBe(0.1);
    expect(w(600)).toBeCloseTo(0.05, 15);
    expect(w(1100)).toBe(0);
  });

  it('exponential decays geometrically, constant stays', () => {
    const e = exponential(0.2, 0.5);
    expect(e(0)).toBe(0.2);
    expect(e(3)).toBe(0.025);
    expect(constant(0.3)(12345)).toBe(0.3);
  });
});

describe('Adam (Kingma & Ba 2015)', () => {
  it('takes a first step of exactly lr·sign(g) (bias correction undoes the zero start)', () => {
    const g = Float64Array.of(3, -1e-3, 250, -7);
    const theta = Float64Array.of(1, 2, 3, 4);
    const adam = new Adam(4, { lr: 0.01, eps: 0 });
    adam.step(theta, g);
    expect(adam.iteration).toBe(1);
    const want = [1 - 0.01, 2 + 0.01, 3 - 0.01, 4 + 0.01];
    for (let i = 0; i < 4; i++) expect(theta[i]).toBeCloseTo(want[i], 15);

    // With the default eps the step is lr·|g|/(|g| + eps), within eps/|g| of lr.
    const t2 = Float64Array.of(0);
    new Adam(1, { lr: 0.5 }).step(t2, Float64Array.of(1e-3));
    expect(t2[0]).toBeCloseTo((-0.5 * 1e-3) / (1e-3 + 1e-8), 15);
  });

  it('follows the closed form of the second step', () => {
    // m₂ = β₁(1−β₁)g₁ + (1−β₁)g₂, v₂ = β₂(1−β₂)g₁² + (1−β₂)g₂², step lr·m̂₂/(√v̂₂ + ε).
    const [b1, b2, lr, eps] = [0.8, 0.99, 0.1, 1e-8];
    const adam = new Adam(1, { lr, beta1: b1, beta2: b2, eps });
    const theta = Float64Array.of(0);
    adam.step(theta, Float64Array.of(2));
    const after1 = theta[0];
    adam.step(theta, Float64Array.of(-1));
    const m2 = (b1 * (1 - b1) * 2 + (1 - b1) * -1) / (1 - b1 ** 2);
    const v2 = (b2 * (1 - b2) * 4 + (1 - b2) * 1) / (1 - b2 ** 2);
    expect(theta[0] - after1).toBeCloseTo((-lr * m2) / (Math.sqrt(v2) + eps), 15);
  });

  it('converges to the minimiser of an anisotropic quadratic', () => {
    const rng = new Rng(2);
    const n = 6;
    const scales = Float64Array.from({ length: n }, (_, i) => 10 ** (i / 2 - 1)); // 0.1 … 31.6
    const xStar = rng.fillNormal(new Float64Array(n));
    const theta = new Float64Array(n);
    const g = new Float64Array(n);
    const adam = new Adam(n, { lr: cosine(0.05, 4000, { min: 1e-5 }) });
    for (let k = 0; k < 4000; k++) {
      for (let i = 0; i < n; i++) g[i] = scales[i] * (theta[i] - xStar[i]);
      adam.step(theta, g);
    }
    for (let i = 0; i < n; i++) expect(Math.abs(theta[i] - xStar[i])).toBeLessThan(1e-4);
  });

  it('applies decoupled weight decay and clipping as documented', () => {
    // Zero gradient: only the decay acts, θ ← θ(1 − lr·λ).
    const theta = Float64Array.of(2, -4);
    const adam = new Adam(2, { lr: 0.1, weightDecay: 0.5 });
    adam.step(theta, new Float64Array(2));
    expect(Array.from(theta)).toEqual([2 * 0.95, -4 * 0.95]);

    // Clipping rescales g as a whole, so the direction of the first step is kept; with
    // β₁ = 0 the second step shows the clipped magnitude: m̂ = g·c, v̂ mixes both.
    const a = new Adam(2, { lr: 1, eps: 0, clipNorm: 1 });
    const b = new Adam(2, { lr: 1, eps: 0 });
    const ta = new Float64Array(2);
    const tb = new Float64Array(2);
    const big = Float64Array.of(30, 40); // norm 50 → clipped to (0.6, 0.8)
    a.step(ta, big);
    b.step(tb, Float64Array.of(0.6, 0.8));
    expect(Array.from(ta)).toEqual(Array.from(tb));
  });

  it('refuses a non-finite gradient without touching θ, and reset() restarts the bias correction', () => {
    const theta = Float64Array.of(1, 2);
    const adam = new Adam(2);
    expect(() => adam.step(theta, Float64Array.of(1, NaN))).toThrow(DivergenceError);
    expect(Array.from(theta)).toEqual([1, 2]);
    adam.step(theta, Float64Array.of(1, 1));
    adam.step(theta, Float64Array.of(1, 1));
    adam.reset();
    expect(adam.iteration).toBe(0);
    const before = Float64Array.from(theta);
    adam.step(theta, Float64Array.of(5, -5));
    expect(theta[0] - before[0]).toBeCloseTo(-1e-3, 10);
    expect(theta[1] - before[1]).toBeCloseTo(1e-3, 10);
  });
});
