import { describe, expect, it } from 'vitest';
import { checkGradient, numericGradient } from '../../src/core/gradcheck.js';

// f(x) = x₀³ x₁ + 2 x₁² − x₂⁴ + x₀ x₂ + 5
const f = (x: Float64Array) => x[0] ** 3 * x[1] + 2 * x[1] ** 2 - x[2] ** 4 + x[0] * x[2] + 5;
const grad = (x: Float64Array) =>
  Float64Array.of(3 * x[0] ** 2 * x[1] + x[2], x[0] ** 3 + 4 * x[1], -4 * x[2] ** 3 + x[0]);

describe('gradcheck', () => {
  it('accepts a correct polynomial gradient to better than 1e-8', () => {
    for (const x of [Float64Array.of(0.3, -1.2, 0.7), Float64Array.of(2, 3, -1.5), Float64Array.of(-10, 0.01, 4)]) {
      const r = checkGradient(f, grad, x);
      expect(r.maxRelError).toBeLessThan(1e-8);
    }
  });

  it('flags a deliberately wrong gradient at the wrong entry', () => {
    const x = Float64Array.of(0.3, -1.2, 0.7);
    // Off by a sign in one term of ∂f/∂x₁.
    const wrong = (z: Float64Array) => {
      const g = grad(z);
      g[1] = z[0] ** 3 - 4 * z[1];
      return g;
    };
    const r = checkGradient(f, wrong, x);
    expect(r.maxRelError).toBeGreaterThan(0.5);
    expect(r.worstIndex).toBe(1);
    // A gradient off by 1 % is caught too.
    const scaled = checkGradient(f, (z) => grad(z).map((v) => v * 1.01), x);
    expect(scaled.maxRelError).toBeGreaterThan(9e-3);
  });

  it('differences only the requested indices and restores x', () => {
    const x = Float64Array.of(0.3, -1.2, 0.7);
    const g = numericGradient(f, x, { indices: [2] });
    expect(Array.from(x)).toEqual([0.3, -1.2, 0.7]);
    expect(g[0]).toBe(0);
    expect(g[1]).toBe(0);
    expect(g[2]).toBeCloseTo(-4 * 0.7 ** 3 + 0.3, 8);
    // A wrong entry outside `indices` is not looked at.
    const r = checkGradient(f, (z) => Float64Array.of(99, 99, grad(z)[2]), x, { indices: [2] });
    expect(r.maxRelError).toBeLessThan(1e-8);
  });

  it('compares near-zero gradients absolutely through the floor', () => {
    // At the minimum of a quadratic both gradients are ~0: relative error would be noise.
    const q = (x: Float64Array) => (x[0] - 1) ** 2;
    const r = checkGradient(q, (x) => Float64Array.of(2 * (x[0] - 1)), Float64Array.of(1));
    expect(r.maxRelError).toBeLessThan(1e-6);
  });
});
