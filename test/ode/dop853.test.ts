// DOP853 beyond the registry-wide checks (order 8 measured in convergence.test.ts, its
// discrete adjoint in adjoint.test.ts): the 7th-order dense output between step ends, and
// what an 8th-order method is for — far fewer evaluations than dopri5 at tight tolerances.
import { describe, expect, it } from 'vitest';
import { solve } from '../../src/ode/solve.js';
import { dop853 } from '../../src/ode/solvers/index.js';
import { maxAbsDiff, problemFor } from './helpers.js';

describe('dop853', () => {
  const pb = problemFor(dop853);
  const saveAt = Float64Array.from({ length: 301 }, (_, i) => (i * pb.t1) / 300);
  const exact = new Float64Array(saveAt.length * pb.term.dim);
  saveAt.forEach((t, i) => exact.set(pb.exact(t), i * pb.term.dim));

  it('its dense output is accurate between step ends (7th order: 8 values a step, all to ~tolerance)', () => {
    for (const [rtol, tol] of [[1e-8, 1e-7], [1e-12, 1e-10]]) {
      const sol = solve({ term: pb.term, solver: dop853, t0: 0, t1: pb.t1, y0: pb.y0, theta: pb.theta, saveAt, rtol, atol: rtol });
      expect(sol.stats.accepted).toBeLessThan(saveAt.length / 4); // most saves fall inside steps
      expect(maxAbsDiff(sol.y, exact)).toBeLessThan(tol);
    }
  });

  it('at rtol = atol = 1e-12 it needs under half of dopri5\'s evaluations, dense saves included', () => {
    const run = (solver: string) => solve({ term: pb.term, solver, t0: 0, t1: pb.t1, y0: pb.y0, theta: pb.theta, saveAt, rtol: 1e-12, atol: 1e-12 });
    const [a, b] = [run('dop853'), run('dopri5')];
    expect(maxAbsDiff(a.y, exact)).toBeLessThan(1e-10);
    expect(a.stats.fevals).toBeLessThan(b.stats.fevals / 2);
  });
});
