import { describe, expect, it } from 'vitest';
import { ConfigError, SolverError } from '../../src/core/errors.js';
import type { Fitted } from '../../src/models/base.js';
import { auditFitted, energyAudit } from '../../src/eval/energy.js';

const energy = { name: 'energy', value: (y: ArrayLike<number>) => y[0] * y[0] + y[1] * y[1] };
const times = Float64Array.from({ length: 100 }, (_, i) => 0.1 * (i + 1));
const starts = [Float64Array.of(1, 0), Float64Array.of(0, 0.5)];

/** The exact flow of q' = 2p, p' = −2q (H = q² + p²), scaled by e^{λt}: energy E₀e^{2λt}. */
const spiral = (lambda: number) => (y0: Float64Array, t0: number, ts: Float64Array) => {
  const q = new Float64Array(ts.length), p = new Float64Array(ts.length);
  ts.forEach((t, i) => {
    const c = Math.cos(2 * (t - t0)), s = Math.sin(2 * (t - t0)), g = Math.exp(lambda * (t - t0));
    q[i] = g * (c * y0[0] + s * y0[1]);
    p[i] = g * (-s * y0[0] + c * y0[1]);
  });
  return [q, p];
};

describe('energy audit', () => {
  it('an exact conservative rollout has no energy error and no drift', () => {
    const a = energyAudit(spiral(0), { invariant: energy, starts, t0: 0, times });
    expect(a.energyMse).toBeLessThan(1e-28);
    expect(a.energyDrift).toBeLessThan(1e-14);
  });

  it('a rollout whose energy grows as e^{2λt} has the closed-form MSE and drift', () => {
    const lambda = 0.05;
    const a = energyAudit(spiral(lambda), { invariant: energy, starts, t0: 0, times });
    let mse = 0;
    for (const y0 of starts) for (const t of times) mse += (energy.value(y0) * (Math.exp(2 * lambda * t) - 1)) ** 2;
    mse /= starts.length * times.length;
    expect(a.energyMse).toBeCloseTo(mse, 12);
    expect(a.energyDrift).toBeCloseTo(Math.exp(2 * lambda * 10) - 1, 12); // the same relative drift for both starts
    expect(a.curves.model[1][99]).toBeCloseTo(0.25 * Math.exp(2 * lambda * 10), 12);
  });

  it('compares against a given reference where the true energy is not constant', () => {
    const a = energyAudit(spiral(-0.1), { invariant: energy, starts: [starts[0]], t0: 0, times, reference: () => times.map((t) => Math.exp(-0.2 * t)) });
    expect(a.energyMse).toBeLessThan(1e-28);
    expect(a.energyDrift).toBeCloseTo(1 - Math.exp(-2), 12);
  });

  it('counts a rollout the solver cannot finish and leaves it out of the means; any other error propagates', () => {
    const sometimes = (y0: Float64Array, t0: number, ts: Float64Array) => {
      if (y0[1] !== 0) throw new SolverError('step-underflow', 1.5, 'dopri5: step size underflow');
      return spiral(0.05)(y0, t0, ts);
    };
    const a = energyAudit(sometimes, { invariant: energy, starts, t0: 0, times });
    const alone = energyAudit(spiral(0.05), { invariant: energy, starts: [starts[0]], t0: 0, times });
    expect(a.failedStarts).toBe(1);
    expect(a.energyMse).toBe(alone.energyMse);
    expect(a.energyDrift).toBe(alone.energyDrift);
    expect(a.curves.model[1].every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(energyAudit(sometimes, { invariant: energy, starts: [starts[1]], t0: 0, times }).energyDrift)).toBe(true);
    expect(() => energyAudit(() => { throw new TypeError('bug'); }, { invariant: energy, starts, t0: 0, times })).toThrow(TypeError);
  });

  it('refuses a model that cannot roll out from a given state, and an empty audit', () => {
    const blackBox = { family: 'lstm' } as Fitted;
    expect(() => auditFitted(blackBox, { invariant: energy, starts, t0: 0, times })).toThrow(ConfigError);
    expect(() => energyAudit(spiral(0), { invariant: energy, starts: [], t0: 0, times })).toThrow(/at least one initial state/);
  });
});
