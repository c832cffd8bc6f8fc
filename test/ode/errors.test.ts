import { describe, expect, it } from 'vitest';
import { AbortError, ConfigError, SolverError } from '../../src/core/errors.js';
import { solve } from '../../src/ode/solve.js';
import { getSolver, solvers } from '../../src/ode/solvers/index.js';
import type { Term } from '../../src/ode/term.js';
import { asGeneral, harmonicSplit, linearTerm, vanDerPol } from './problems.js';

/** y' = y², y(0) = 1: blows up at t = 1. */
const blowUp: Term = {
  dim: 1,
  nParams: 0,
  f: (_t, y, _th, dy) => {
    dy[0] = y[0] * y[0];
  },
  vjp: (_t, y, _th, v, dyOut) => {
    dyOut[0] += 2 * y[0] * v[0];
  },
};

/** y' = −y until t = 0.5, then the field returns NaN (a model that breaks mid-solve). */
const breaksAtHalf: Term = {
  dim: 1,
  nParams: 0,
  f: (t, y, _th, dy) => {
    dy[0] = t > 0.5 ? NaN : -y[0];
  },
  vjp: () => {},
};

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('solver failures are SolverErrors naming t and h, never a hang', () => {
  it('step-size underflow at a finite-time blow-up', () => {
    const e = thrown(() => solve({ term: blowUp, solver: 'dopri5', t0: 0, t1: 2, y0: Float64Array.of(1) }));
    expect(e).toBeInstanceOf(SolverError);
    const se = e as SolverError;
    expect(se.reason).toBe('step-underflow');
    expect(Math.abs(se.t - 1)).toBeLessThan(1e-3);
    expect(se.message).toMatch(/at t = (0\.99|1\.00)\d*: h = /);
    expect(se.message).toMatch(/h = \d/);
  });

  it('non-finite state, adaptive: names the time where the field broke', () => {
    const e = thrown(() => solve({ term: breaksAtHalf, solver: 'tsit5', t0: 0, t1: 1, y0: Float64Array.of(1) }));
    expect(e).toBeInstanceOf(SolverError);
    expect((e as SolverError).reason).toBe('non-finite');
    expect(Math.abs((e as SolverError).t - 0.5)).toBeLessThan(1e-6);
    expect(e.message).toMatch(/non-finite.*near t = 0\.(5|49999)\d*, even with step h = /);
  });

  it('non-finite state, fixed step: names the step that produced it', () => {
    const e = thrown(() => solve({ term: breaksAtHalf, solver: 'rk4', t0: 0, t1: 1, y0: Float64Array.of(1), dt: 0.1 }));
    expect(e).toBeInstanceOf(SolverError);
    expect((e as SolverError).reason).toBe('non-finite');
    expect(e.message).toMatch(/t = 0\.[45]\d* \(h = 0\.1/);
  });

  it('max-steps', () => {
    const e = thrown(() => solve({ term: vanDerPol, solver: 'euler', t0: 0, t1: 10, y0: Float64Array.of(2, 0), theta: Float64Array.of(1), dt: 1e-3, maxSteps: 100 }));
    expect(e).toBeInstanceOf(SolverError);
    expect((e as SolverError).reason).toBe('max-steps');
  });

  it('an aborted signal stops the solve', () => {
    const ctl = new AbortController();
    ctl.abort('cancelled by test');
    expect(() => solve({ term: vanDerPol, solver: 'dopri5', t0: 0, t1: 10, y0: Float64Array.of(2, 0), theta: Float64Array.of(1), signal: ctl.signal })).toThrow(AbortError);
  });
});

describe('impossible configurations are ConfigErrors naming both parts', () => {
  it('unknown solver name lists the known solvers', () => {
    const e = thrown(() => getSolver('rk45'));
    expect(e).toBeInstanceOf(ConfigError);
    for (const s of solvers) expect(e.message).toContain(s.name);
    expect(() => solve({ term: vanDerPol, solver: 'nope', t0: 0, t1: 1, y0: Float64Array.of(2, 0), theta: Float64Array.of(1) })).toThrow(/known solvers: euler, rk4/);
  });

  it('leapfrog on a non-split term', () => {
    const e = thrown(() => solve({ term: vanDerPol, solver: 'leapfrog', t0: 0, t1: 1, y0: Float64Array.of(2, 0), theta: Float64Array.of(1), dt: 0.1 }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/leapfrog needs a split second-order term.*got a term of kind general/);
  });

  it('every solver with a requirement rejects a term that lacks it', () => {
    const general = asGeneral(linearTerm(2));
    const noJac: Term = { ...general, jac: undefined };
    for (const s of solvers.filter((x) => x.requires !== 'any')) {
      expect(() => solve({ term: noJac, solver: s, t0: 0, t1: 1, y0: new Float64Array(2), theta: new Float64Array(4), dt: 0.1 })).toThrow(new RegExp(`${s.name} needs`));
    }
    // A split term is still an ordinary term for the other solvers.
    const sol = solve({ term: harmonicSplit(1), solver: 'rk4', t0: 0, t1: 1, y0: Float64Array.of(1, 0), theta: Float64Array.of(1, 1), dt: 0.01 });
    expect(Math.abs(sol.y[0] - Math.cos(1))).toBeLessThan(1e-9);
  });

  it('bad options name the option', () => {
    const base = { term: vanDerPol, t0: 0, t1: 1, y0: Float64Array.of(2, 0), theta: Float64Array.of(1) };
    expect(() => solve({ ...base, solver: 'rk4' })).toThrow(/dt: rk4 takes fixed steps here/);
    expect(() => solve({ ...base, solver: 'dopri5', saveAt: Float64Array.of(0.5, 2) })).toThrow(/saveAt/);
    expect(() => solve({ ...base, solver: 'dopri5', saveAt: Float64Array.of(0.5, 0.2) })).toThrow(/increasing/);
    expect(() => solve({ ...base, solver: 'dopri5', y0: Float64Array.of(1) })).toThrow(/y0/);
    expect(() => solve({ ...base, solver: 'dopri5', steps: Float64Array.of(0.5, 0.9) })).toThrow(/steps/);
    expect(() => solve({ ...base, solver: 'sdirk4', steps: Float64Array.of(0.5, 1), saveAt: Float64Array.of(0.7, 1) })).toThrow(/no dense output/);
  });
});
