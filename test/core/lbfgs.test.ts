import { describe, expect, it } from 'vitest';
import { StrongWolfeLineSearch, lbfgs, trialStep } from '../../src/core/optim/index.js';
import type { ObjectiveWithGradient } from '../../src/core/optim/index.js';
import { checkGradient } from '../../src/core/gradcheck.js';
import { ConfigError } from '../../src/core/errors.js';
import { matmul, matvec, qrFactor, qrQ, transpose } from '../../src/core/linalg.js';
import { Rng } from '../../src/core/rng.js';

/** Extended Rosenbrock, chained form: Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)². */
const rosenbrock: ObjectiveWithGradient = (x, g) => {
  const n = x.length;
  g.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < n; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * a * x[i] - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
};

function standardStart(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
}

function maxAbsDiff(x: Float64Array, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** f = ½ (x − x*)ᵀ H (x − x*) with H = Q diag(λ) Qᵀ, λ log-spaced over [1, cond]. */
function illConditionedQuadratic(n: number, cond: number, seed: number) {
  const rng = new Rng(seed);
  const QR = rng.fillNormal(new Float64Array(n * n));
  const tau = new Float64Array(n);
  qrFactor(QR, n, n, tau);
  const Q = qrQ(QR, n, tau);
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) D[i * n + i] = cond ** (i / (n - 1));
  const H = matmul(matmul(Q, D, n, n, n), transpose(Q, n, n), n, n, n);
  const xStar = rng.fillNormal(new Float64Array(n));
  const e = new Float64Array(n);
  const He = new Float64Array(n);
  const fg: ObjectiveWithGradient = (x, g) => {
    for (let i = 0; i < n; i++) e[i] = x[i] - xStar[i];
    matvec(H, e, n, n, He);
    let f = 0;
    for (let i = 0; i < n; i++) {
      g[i] = He[i];
      f += 0.5 * e[i] * He[i];
    }
    return f;
  };
  return { fg, xStar, H };
}

describe('lbfgs (Nocedal & Wright Alg. 7.5)', () => {
  it('has a Rosenbrock gradient that passes the finite-difference check', () => {
    const x = Float64Array.of(-1.2, 1, 0.3, 2);
    const g = new Float64Array(4);
    const res = checkGradient(
      (z) => rosenbrock(z, new Float64Array(4)),
      (z) => (rosenbrock(z, g), g),
      x,
    );
    expect(res.maxRelError).toBeLessThan(1e-6);
  });

  it('reaches (1, 1) on 2-D Rosenbrock from (−1.2, 1) to 1e-6', () => {
    const r = lbfgs(rosenbrock, standardStart(2));
    expect(r.converged).toBe(true);
    expect(maxAbsDiff(r.x, [1, 1])).toBeLessThan(1e-6);
    expect(r.iterations).toBeLessThan(60);
  });

  it('reaches (1, …, 1) on 10-D Rosenbrock from (−1.2, 1, …) to 1e-6', () => {
    const x0 = standardStart(10);
    const r = lbfgs(rosenbrock, x0, { maxIterations: 500 });
    expect(r.converged).toBe(true);
    expect(maxAbsDiff(r.x, new Float64Array(10).fill(1))).toBeLessThan(1e-6);
    expect(Array.from(x0)).toEqual(Array.from(standardStart(10))); // x0 untouched
  });

  it('finds the minimiser of a quadratic with condition number 1e6 to 1e-8', () => {
    // Log-spaced spectrum over [1, 1e6]: ‖x − x*‖ ≤ ‖H⁻¹‖‖∇f‖ = ‖∇f‖, so gradTol 1e-10 suffices.
    // (L-BFGS needs a few hundred iterations here; scipy's L-BFGS-B with m = 10 needs ~600.)
    const { fg, xStar } = illConditionedQuadratic(10, 1e6, 3);
    const r = lbfgs(fg, new Float64Array(10), { maxIterations: 3000, gradTol: 1e-10, fTol: 0 });
    expect(r.reason).toBe('gradient');
    expect(maxAbsDiff(r.x, xStar)).toBeLessThan(1e-8);
  });

  it('never returns a non-finite point: backtracks from NaN and Infinity regions', () => {
    // Rosenbrock that returns NaN outside |x_i| < 1.5 and +Infinity for x_0 > 1.2: the
    // minimiser (1, 1) is inside, the unit first steps are not.
    const guarded: ObjectiveWithGradient = (x, g) => {
      if (x[0] > 1.2) return Infinity;
      for (const xi of x) if (Math.abs(xi) >= 1.5) return NaN;
      return rosenbrock(x, g);
    };
    const r = lbfgs(guarded, Float64Array.of(-1.2, 1), { maxIterations: 200 });
    expect(Number.isFinite(r.f)).toBe(true);
    expect(r.converged).toBe(true);
    expect(maxAbsDiff(r.x, [1, 1])).toBeLessThan(1e-6);

    // An objective that is NaN everywhere except the start: nowhere to go.
    const trap: ObjectiveWithGradient = (x, g) => {
      g[0] = 1;
      return x[0] === 0.5 ? 0 : NaN;
    };
    const t = lbfgs(trap, Float64Array.of(0.5));
    expect(t.reason).toBe('line-search');
    expect(t.converged).toBe(false);
    expect(t.x[0]).toBe(0.5);
    expect(t.f).toBe(0);
  });

  it('stops on request, on abort and at the evaluation budget, with the last good x', () => {
    const seen: number[] = [];
    const r = lbfgs(rosenbrock, standardStart(2), { onIteration: (it, f) => (seen.push(f), it === 3) });
    expect(r.reason).toBe('stopped');
    expect(r.iterations).toBe(3);
    expect(seen).toHaveLength(3);
    expect(r.f).toBe(seen[2]);
    expect(seen[2]).toBeLessThan(seen[0]);

    const ac = new AbortController();
    ac.abort();
    expect(lbfgs(rosenbrock, standardStart(2), { signal: ac.signal }).reason).toBe('stopped');

    const b = lbfgs(rosenbrock, standardStart(2), { maxEvaluations: 10 });
    expect(b.reason).toBe('max-evaluations');
    expect(b.evaluations).toBeLessThanOrEqual(10);
    expect(b.f).toBeLessThan(24.2); // f(−1.2, 1) = 24.2

    const it = lbfgs(rosenbrock, standardStart(2), { maxIterations: 4 });
    expect(it.reason).toBe('max-iterations');
    expect(it.iterations).toBe(4);
  });
});

describe('StrongWolfeLineSearch (N&W Alg. 3.5/3.6)', () => {
  it('accepts only steps that satisfy both strong Wolfe inequalities', () => {
    const rng = new Rng(17);
    const c1 = 1e-4;
    let wolfeCount = 0;
    for (const c2 of [0.9, 0.5, 0.1]) {
      for (let trial = 0; trial < 40; trial++) {
        const n = 4;
        const search = new StrongWolfeLineSearch(n, { c1, c2 });
        const x0 = rng.fillNormal(new Float64Array(n), 0, 1.5);
        const g0 = new Float64Array(n);
        const f0 = rosenbrock(x0, g0);
        // Descent directions of varied quality: −g, −g plus noise, scaled badly.
        const d = new Float64Array(n);
        const scale = 10 ** rng.uniformIn(-4, 1);
        for (let i = 0; i < n; i++) d[i] = scale * (-g0[i] + rng.normal(0, 0.5 * Math.abs(g0[i])));
        let slope0 = 0;
        for (let i = 0; i < n; i++) slope0 += g0[i] * d[i];
        if (slope0 >= 0) continue;
        const r = search.search(rosenbrock, x0, f0, g0, d, 1);
        expect(r.status).toBe('wolfe');
        wolfeCount++;
        // Recompute φ(α), φ′(α) independently of the search's own bookkeeping.
        const x = x0.map((xi, i) => xi + r.alpha * d[i]);
        const g = new Float64Array(n);
        const f = rosenbrock(x, g);
        let slope = 0;
        for (let i = 0; i < n; i++) slope += g[i] * d[i];
        expect(f).toBeLessThanOrEqual(f0 + c1 * r.alpha * slope0);
        expect(Math.abs(slope)).toBeLessThanOrEqual(c2 * Math.abs(slope0));
        expect(maxAbsDiff(search.x, x)).toBe(0);
        expect(r.f).toBe(f);
      }
    }
    expect(wolfeCount).toBeGreaterThan(100);
  });

  it('brackets back from a non-finite region to a Wolfe point', () => {
    // φ(α) = (α − 1)² for α < 1.5, NaN beyond; first trial α = 100.
    const fg: ObjectiveWithGradient = (x, g) => {
      if (x[0] >= 1.5) {
        g[0] = NaN;
        return NaN;
      }
      g[0] = 2 * (x[0] - 1);
      return (x[0] - 1) ** 2;
    };
    const search = new StrongWolfeLineSearch(1, { c2: 0.1 });
    const g0 = new Float64Array(1);
    const f0 = fg(Float64Array.of(0), g0);
    const r = search.search(fg, Float64Array.of(0), f0, g0, Float64Array.of(1), 100);
    expect(r.status).toBe('wolfe');
    expect(Math.abs(2 * (r.alpha - 1))).toBeLessThanOrEqual(0.1 * 2);
  });

  it('rejects constants outside 0 < c1 < c2 < 1, naming both', () => {
    expect(() => new StrongWolfeLineSearch(2, { c1: 0.5, c2: 0.1 })).toThrow(/c1, c2/);
    expect(() => lbfgs(rosenbrock, standardStart(2), { c2: 1 })).toThrow(ConfigError);
  });

  it('refuses an ascent direction', () => {
    const search = new StrongWolfeLineSearch(2);
    const x0 = standardStart(2);
    const g0 = new Float64Array(2);
    const f0 = rosenbrock(x0, g0);
    expect(search.search(rosenbrock, x0, f0, g0, g0, 1).status).toBe('failed');
  });

  it('uses the exact minimiser of an interpolating cubic', () => {
    // φ(α) = α³ − 3α has its local minimum at α = 1; interpolate from [0, 2].
    const phi = (a: number) => a ** 3 - 3 * a;
    const dphi = (a: number) => 3 * a * a - 3;
    expect(trialStep(0, phi(0), dphi(0), 2, phi(2), dphi(2))).toBeCloseTo(1, 14);
    expect(trialStep(2, phi(2), dphi(2), 0, phi(0), dphi(0))).toBeCloseTo(1, 14);
    // Non-finite end → bisection.
    expect(trialStep(0, 0, -1, 4, NaN, NaN)).toBe(2);
  });
});
