import { describe, expect, it } from 'vitest';
import { ConstantStepSize } from '../../src/ode/controller.js';
import { solve } from '../../src/ode/solve.js';
import { solvers } from '../../src/ode/solvers/index.js';
import { errNorm, maxAbsDiff, problemFor, slope } from './helpers.js';

/** Step counts per order: coarse enough to stay above roundoff, fine enough to be asymptotic. */
function stepCounts(order: number): number[] {
  if (order <= 1) return [1000, 2000, 4000, 8000];
  if (order <= 2) return [100, 200, 400, 800];
  // An 8th-order method reaches roundoff near 64 steps on these problems.
  if (order >= 7) return [6, 12, 24, 48];
  return [64, 128, 256, 512];
}

describe('measured convergence order (fixed steps, closed-form problems)', () => {
  for (const solver of solvers) {
    it(`${solver.name} converges with order ${solver.order}`, () => {
      const pb = problemFor(solver);
      if (!Number.isFinite(solver.order)) {
        // Exact for its term kind: the error is at roundoff for any step.
        const sol = solve({ term: pb.term, solver, t0: 0, t1: pb.t1, y0: pb.y0, theta: pb.theta, dt: pb.t1 / 7 });
        expect(maxAbsDiff(sol.y, pb.exact(pb.t1))).toBeLessThan(1e-13);
        return;
      }
      const hs: number[] = [];
      const errs: number[] = [];
      for (const n of stepCounts(solver.order)) {
        const dt = pb.t1 / n;
        const sol = solve({
          term: pb.term, solver, t0: 0, t1: pb.t1, y0: pb.y0, theta: pb.theta, dt,
          controller: solver.adaptive ? new ConstantStepSize() : undefined,
        });
        expect(sol.stats.accepted).toBe(n);
        hs.push(dt);
        errs.push(errNorm(sol.y, pb.exact(pb.t1)));
      }
      const p = slope(hs, errs);
      console.log(`${solver.name}: measured order ${p.toFixed(3)} (nominal ${solver.order}); errors ${errs.map((e) => e.toExponential(2)).join(', ')}`);
      expect(Math.abs(p - solver.order)).toBeLessThan(0.2);
    });
  }
});

describe('embedded error estimates', () => {
  for (const solver of solvers.filter((s) => s.adaptive)) {
    it(`${solver.name}: the local error estimate scales as h^(errorOrder+1)`, () => {
      const pb = problemFor(solver);
      const stepper = solver.init(pb.term, pb.theta);
      const y1 = new Float64Array(pb.term.dim);
      const err = new Float64Array(pb.term.dim);
      // DOP853's combined estimate ε₅|ε₅|/√(ε₅² + 0.01ε₃²) is h⁸ only once ε₅ ≪ 0.1·ε₃: smaller steps.
      const hs = solver.errorOrder >= 6 ? [0.05, 0.025, 0.0125, 0.00625] : [0.2, 0.1, 0.05, 0.025];
      const es = hs.map((h) => {
        stepper.reset();
        stepper.step(0.3, h, pb.y0, y1, err);
        return Math.hypot(...err);
      });
      expect(Math.abs(slope(hs, es) - (solver.errorOrder + 1))).toBeLessThan(0.3);
    });
  }
});
