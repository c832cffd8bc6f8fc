import { describe, expect, it } from 'vitest';
import { expm } from '../../src/core/expm.js';
import { checkGradient } from '../../src/core/gradcheck.js';
import { Rng } from '../../src/core/rng.js';
import { ConstantStepSize } from '../../src/ode/controller.js';
import { solve, solveWithAdjoint } from '../../src/ode/solve.js';
import type { SolveOptions } from '../../src/ode/solve.js';
import { exactLinear, solvers } from '../../src/ode/solvers/index.js';
import { A3 } from './helpers.js';
import { harmonicSplit, linearTerm } from './problems.js';

/** expm(A t) y0 for each t. */
function reference(A: Float64Array, n: number, y0: Float64Array, times: Float64Array): Float64Array {
  const out = new Float64Array(times.length * n);
  times.forEach((t, k) => {
    const M = expm(A.map((a) => a * t), n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += M[i * n + j] * y0[j];
      out[k * n + i] = acc;
    }
  });
  return out;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const times = Float64Array.from({ length: 41 }, (_, i) => i * 0.25);
const y0 = Float64Array.of(1, -0.5, 0.25);

describe("y' = Ay against the matrix exponential", () => {
  const ref = reference(A3, 3, y0, times);

  it('exact-linear agrees to roundoff at every save, over 10 time units', () => {
    const sol = solve({ term: linearTerm(3), solver: 'exact-linear', t0: 0, t1: 10, y0, theta: A3, saveAt: times, dt: 0.05 });
    const e = maxDiff(sol.y, ref);
    console.log(`exact-linear vs expm: max abs error ${e.toExponential(2)}`);
    expect(e).toBeLessThan(1e-13);
  });

  for (const solver of solvers.filter((s) => s.requires === 'any' || s.requires === 'jacobian')) {
    if (solver.adaptive) {
      it(`${solver.name} (adaptive, rtol 1e-10, saves by ${solver.name === 'sdirk4' ? 'stepping onto them' : 'dense output'}) agrees at its tolerance`, () => {
        const sol = solve({ term: linearTerm(3), solver, t0: 0, t1: 10, y0, theta: A3, saveAt: times, rtol: 1e-10, atol: 1e-12 });
        const e = maxDiff(sol.y, ref);
        console.log(`${solver.name} vs expm (adaptive): ${e.toExponential(2)} in ${sol.stats.accepted} steps`);
        expect(e).toBeLessThan(1e-8);
      });
    }
    it(`${solver.name} (fixed dt = 0.01) agrees to its order`, () => {
      const sol = solve({
        term: linearTerm(3), solver, t0: 0, t1: 10, y0, theta: A3, saveAt: times, dt: 0.01,
        controller: solver.adaptive ? new ConstantStepSize() : undefined,
      });
      const e = maxDiff(sol.y, ref);
      // C·h^p with a generous constant.
      expect(e).toBeLessThan(Math.max(1e-13, 3 * 0.01 ** solver.order));
    });
  }

  it('split solvers on the harmonic oscillator written as y = expm(At) y0', () => {
    const th = Float64Array.of(1.3, 2.1, 0.8);
    // y = [q1, q2, p1, p2]; q' = c p, p' = −k q.
    const A = Float64Array.from([0, 0, 0.8, 0, 0, 0, 0, 0.8, -1.3, 0, 0, 0, 0, -2.1, 0, 0]);
    const z0 = Float64Array.of(0.7, -0.4, 0.3, 0.9);
    const ref4 = reference(A, 4, z0, times);
    for (const solver of solvers.filter((s) => s.requires === 'split')) {
      const sol = solve({ term: harmonicSplit(2), solver, t0: 0, t1: 10, y0: z0, theta: th, saveAt: times, dt: 0.01 });
      expect(maxDiff(sol.y, ref4)).toBeLessThan(3 * 0.01 ** solver.order);
    }
  });
});

describe('exact-linear on an oscillator-bank-sized problem (dim 8, 1000 steps, a save at every step)', () => {
  const n = 8;
  const rng = new Rng(11);
  // Block-diagonal damped rotations plus weak coupling, like a bank of coupled oscillators.
  const A = new Float64Array(n * n);
  for (let b = 0; b < n / 2; b++) {
    const w = 1 + 0.7 * b;
    const i = 2 * b;
    A[i * n + i + 1] = w;
    A[(i + 1) * n + i] = -w;
    A[i * n + i] = A[(i + 1) * n + i + 1] = -0.05;
  }
  for (let i = 0; i < n * n; i++) A[i] += 0.02 * rng.normal();
  const z0 = rng.fillNormal(new Float64Array(n));
  const saveAt = Float64Array.from({ length: 1001 }, (_, i) => i * 0.01);
  const opts: SolveOptions = { term: linearTerm(n), solver: exactLinear, t0: 0, t1: 10, y0: z0, theta: A, saveAt, dt: 0.01 };

  it('saves match expm(A t) y0 and the Van Loan gradient matches finite differences', () => {
    const sol = solve(opts);
    expect(sol.stats.accepted).toBe(1000);
    const sub = Float64Array.of(0, 2.5, 7.31, 10);
    const rows = [0, 250, 731, 1000];
    const ref = reference(A, n, z0, sub);
    rows.forEach((r, k) => {
      for (let i = 0; i < n; i++) expect(Math.abs(sol.y[r * n + i] - ref[k * n + i])).toBeLessThan(1e-12);
    });
    const gY = rng.fillNormal(new Float64Array(sol.y.length));
    const loss = (o: typeof opts) => solve(o).y.reduce((acc, v, i) => acc + gY[i] * v, 0);
    const rA = checkGradient(
      (th) => loss({ ...opts, theta: th }),
      (th) => solveWithAdjoint({ ...opts, theta: th }).backward(gY).dTheta,
      Float64Array.from(A),
      { indices: [0, 1, 9, 17, 30, 45, 63] },
    );
    const rY = checkGradient(
      (y) => loss({ ...opts, y0: y }),
      (y) => solveWithAdjoint({ ...opts, y0: y }).backward(gY).dY0,
      Float64Array.from(z0),
    );
    console.log(`exact-linear dim 8: gradient rel err θ ${rA.maxRelError.toExponential(2)}, y0 ${rY.maxRelError.toExponential(2)}`);
    expect(rA.maxRelError).toBeLessThan(1e-6);
    expect(rY.maxRelError).toBeLessThan(1e-6);
  });
});
