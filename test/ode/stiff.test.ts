import { describe, expect, it } from 'vitest';
import { SolverError } from '../../src/core/errors.js';
import { solve } from '../../src/ode/solve.js';
import { robertson } from './problems.js';

/**
 * Robertson's problem (Robertson 1966), the standard stiff test (Hairer & Wanner II, IV.1
 * and IV.10). Reference at t = 40 from the literature (Hairer & Wanner's test set, RADAU5
 * at tight tolerance): y = (0.7158270687193478, 9.185534764557337e-6, 0.2841637457458589).
 */
const theta = Float64Array.of(0.04, 3e7, 1e4);
const y0 = Float64Array.of(1, 0, 0);
const ref = [0.7158270687193478, 9.185534764557337e-6, 0.2841637457458589];

describe("Robertson's stiff chemical kinetics", () => {
  it('sdirk4 reaches the reference values at t = 40 in few steps and conserves mass', () => {
    const sol = solve({ term: robertson, solver: 'sdirk4', t0: 0, t1: 40, y0, theta, rtol: 1e-6, atol: 1e-10 });
    const rel = ref.map((r, i) => Math.abs(sol.y[i] - r) / r);
    console.log(`sdirk4 Robertson t=40: y = ${Array.from(sol.y).map((v) => v.toPrecision(8)).join(', ')}; relative errors ${rel.map((e) => e.toExponential(1)).join(', ')}; ${sol.stats.accepted} steps, ${sol.stats.rejected} rejected`);
    expect(rel[0]).toBeLessThan(1e-6);
    expect(rel[1]).toBeLessThan(1e-4);
    expect(rel[2]).toBeLessThan(1e-6);
    expect(Math.abs(sol.y[0] + sol.y[1] + sol.y[2] - 1)).toBeLessThan(1e-10);
    expect(sol.stats.accepted).toBeLessThan(200);
  });

  it('an explicit solver needs far more steps (stiffness), so maxSteps stops it with a SolverError', () => {
    expect(() => solve({ term: robertson, solver: 'dopri5', t0: 0, t1: 40, y0, theta, rtol: 1e-7, atol: 1e-12, maxSteps: 2000 })).toThrow(SolverError);
  });
});
