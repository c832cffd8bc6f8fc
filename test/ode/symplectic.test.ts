import { describe, expect, it } from 'vitest';
import { solve } from '../../src/ode/solve.js';
import { harmonicSplit } from './problems.js';

/**
 * Undamped harmonic oscillator H = c p²/2 + k q²/2 over 1e5 steps of h = 0.1 (≈ 1600
 * periods). Symplectic methods keep the energy error bounded (it oscillates, no drift);
 * RK4 dissipates it steadily, which proves the drift measure can fail.
 */
const term = harmonicSplit(1);
const theta = Float64Array.of(1, 1);
const y0 = Float64Array.of(1, 0);
const N = 100_000;
const h = 0.1;
const saveAt = Float64Array.from({ length: N + 1 }, (_, i) => i * h);

function energyErrors(solver: string): { first: number; last: number } {
  const sol = solve({ term, solver, t0: 0, t1: N * h, y0, theta, saveAt, dt: h });
  const H0 = 0.5;
  let first = 0;
  let last = 0;
  for (let i = 0; i <= N; i++) {
    const q = sol.y[2 * i];
    const p = sol.y[2 * i + 1];
    const e = Math.abs(0.5 * p * p + 0.5 * q * q - H0) / H0;
    if (i <= 1000) first = Math.max(first, e);
    if (i >= N - 1000) last = Math.max(last, e);
  }
  return { first, last };
}

describe('energy of the undamped harmonic oscillator over 1e5 steps', () => {
  for (const solver of ['leapfrog', 'yoshida4']) {
    it(`${solver} keeps the energy error bounded (no drift)`, () => {
      const { first, last } = energyErrors(solver);
      console.log(`${solver}: max relative energy error, first 1000 steps ${first.toExponential(2)}, last 1000 steps ${last.toExponential(2)}`);
      expect(last).toBeLessThan(1.2 * first);
      expect(last).toBeLessThan(solver === 'leapfrog' ? 5e-3 : 1e-5);
    }, 20_000);
  }

  it('rk4 drifts: its energy error grows with time', () => {
    const { first, last } = energyErrors('rk4');
    console.log(`rk4: max relative energy error, first 1000 steps ${first.toExponential(2)}, last 1000 steps ${last.toExponential(2)}`);
    expect(last).toBeGreaterThan(20 * first);
  }, 20_000);
});
