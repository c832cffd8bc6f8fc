import { describe, expect, it } from 'vitest';
import * as core from '../../src/core/index.js';

describe('core public surface', () => {
  it('exports the pieces other layers build on', () => {
    for (const name of ['Rng', 'makeLayout', 'view', 'checkGradient', 'expm', 'createExpm', 'solveLinear', 'leastSquares', 'Adam', 'lbfgs', 'cosine', 'DivergenceError']) {
      expect(typeof (core as Record<string, unknown>)[name], name).toBe('function');
    }
    // A tiny end-to-end use: L-BFGS on a quadratic whose minimiser solveLinear knows.
    const A = Float64Array.of(3, 1, 1, 2);
    const b = Float64Array.of(1, -1);
    const xStar = core.solveLinear(A, 2, b);
    const r = core.lbfgs((x, g) => {
      const Ax = core.matvec(A, x, 2, 2);
      g[0] = Ax[0] - b[0];
      g[1] = Ax[1] - b[1];
      return 0.5 * core.dot(x, Ax) - core.dot(b, x);
    }, new Float64Array(2));
    expect(Math.max(Math.abs(r.x[0] - xStar[0]), Math.abs(r.x[1] - xStar[1]))).toBeLessThan(1e-8);
  });
});
