/**
 * Every term's vjp and jac against central finite differences, for every system and
 * variant: vᵀ ∂f/∂y, vᵀ ∂f/∂θ and each row of ∂f/∂y; the split halves and the linear
 * matrix adjoint likewise; and the vjp must accumulate.
 */
import { describe, expect, it } from 'vitest';
import { checkGradient } from '../../src/core/gradcheck.js';
import { Rng } from '../../src/core/rng.js';
import { isLinear, isSplit } from '../../src/ode/term.js';
import type { Term } from '../../src/ode/term.js';
import { buildVariant, variants } from './variants.js';

const T = 0.7; // a time where the Duffing forcing and its ω-derivative are non-zero
const TOL = 1e-6;
// Central-difference step: 1e-5 balances truncation (h²) against round-off (ε|f|/h), so
// small gradient entries (≈ 1e-5, e.g. a weak coupling's) still compare to 1e-6.
const FD = { step: 1e-5 };

function randomVec(rng: Rng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** A state near y0 but off any symmetric point, where all derivatives are generic. */
function testState(y0: Float64Array, rng: Rng): Float64Array {
  return y0.map((x) => x + 0.1 * rng.normal());
}

function fDot(term: Term, y: Float64Array, theta: Float64Array, v: Float64Array): number {
  const dy = new Float64Array(term.dim);
  term.f(T, y, theta, dy);
  let s = 0;
  for (let i = 0; i < dy.length; i++) s += v[i] * dy[i];
  return s;
}

describe.each(variants)('$label', (variant) => {
  const sys = buildVariant(variant);
  const { term, theta } = sys;
  const rng = new Rng(variant.label.length);
  const y = testState(sys.y0, rng);
  const v = randomVec(rng, term.dim);

  it('has consistent sizes and a finite vector field and observation', () => {
    expect(sys.y0.length).toBe(term.dim);
    expect(theta.length).toBe(term.nParams);
    expect(sys.stateNames.length).toBe(term.dim);
    const dy = new Float64Array(term.dim);
    term.f(T, sys.y0, theta, dy);
    expect(dy.every(Number.isFinite)).toBe(true);
    const o = new Float64Array(sys.observe.names.length);
    sys.observe.fn(sys.y0, o);
    expect(o.every(Number.isFinite)).toBe(true);
    if (sys.layout) expect(sys.layout.reduce((s, b) => s + b.shape.reduce((a, c) => a * c, 1), 0)).toBe(term.nParams);
    expect(sys.until).toBeGreaterThan(0);
    expect(sys.dt).toBeGreaterThan(0);
    expect(sys.dt).toBeLessThan(sys.until);
  });

  it('vjp in y and θ matches central differences', () => {
    const gy = checkGradient(
      (yy) => fDot(term, yy, theta, v),
      (yy) => {
        const out = new Float64Array(term.dim);
        term.vjp(T, yy, theta, v, out, new Float64Array(term.nParams));
        return out;
      },
      y.slice(),
      FD,
    );
    expect(gy.maxRelError).toBeLessThan(TOL);
    const gt = checkGradient(
      (th) => fDot(term, y, th, v),
      (th) => {
        const out = new Float64Array(term.nParams);
        term.vjp(T, y, th, v, new Float64Array(term.dim), out);
        return out;
      },
      theta.slice(),
      FD,
    );
    expect(gt.maxRelError).toBeLessThan(TOL);
  });

  it('vjp accumulates into its outputs', () => {
    const a = randomVec(rng, term.dim);
    const b = randomVec(rng, term.nParams);
    const dyOut = a.slice();
    const dThOut = b.slice();
    term.vjp(T, y, theta, v, dyOut, dThOut);
    const dy1 = new Float64Array(term.dim);
    const dth1 = new Float64Array(term.nParams);
    term.vjp(T, y, theta, v, dy1, dth1);
    dyOut.forEach((x, i) => expect(x).toBeCloseTo(a[i] + dy1[i], 12));
    dThOut.forEach((x, i) => expect(x).toBeCloseTo(b[i] + dth1[i], 12));
  });

  it('jac matches central differences row by row', () => {
    expect(term.jac).toBeDefined();
    const n = term.dim;
    const J = new Float64Array(n * n);
    term.jac!(T, y, theta, J);
    for (let i = 0; i < n; i++) {
      const ei = new Float64Array(n);
      ei[i] = 1;
      const g = checkGradient(
        (yy) => fDot(term, yy, theta, ei),
        () => J.slice(i * n, (i + 1) * n),
        y.slice(),
        FD,
      );
      expect(g.maxRelError, `row ${i}`).toBeLessThan(TOL);
    }
  });

  if (isSplit(term)) {
    it('split halves agree with f and their vjps match central differences', () => {
      const h = term.dim / 2;
      const q = y.slice(0, h);
      const p = y.slice(h);
      const dy = new Float64Array(term.dim);
      term.f(T, y, theta, dy);
      const dq = new Float64Array(h);
      const dp = new Float64Array(h);
      term.dq(T, p, theta, dq);
      term.dp(T, q, theta, dp);
      dq.forEach((x, i) => expect(x).toBeCloseTo(dy[i], 13));
      dp.forEach((x, i) => expect(x).toBeCloseTo(dy[h + i], 13));
      const w = randomVec(rng, h);
      const dot = (a: Float64Array) => a.reduce((s, x, i) => s + x * w[i], 0);
      const half = (fn: 'dq' | 'dp', arg: Float64Array, th: Float64Array) => {
        const out = new Float64Array(h);
        term[fn](T, arg, th, out);
        return dot(out);
      };
      const gp = checkGradient(
        (pp) => half('dq', pp, theta),
        (pp) => {
          const out = new Float64Array(h);
          term.dqVjp(T, pp, theta, w, out, new Float64Array(term.nParams));
          return out;
        },
        p.slice(),
        FD,
      );
      expect(gp.maxRelError).toBeLessThan(TOL);
      const gq = checkGradient(
        (qq) => half('dp', qq, theta),
        (qq) => {
          const out = new Float64Array(h);
          term.dpVjp(T, qq, theta, w, out, new Float64Array(term.nParams));
          return out;
        },
        q.slice(),
        FD,
      );
      expect(gq.maxRelError).toBeLessThan(TOL);
      const gth = checkGradient(
        (th) => half('dq', p, th) + half('dp', q, th),
        (th) => {
          const out = new Float64Array(term.nParams);
          term.dqVjp(T, p, th, w, new Float64Array(h), out);
          term.dpVjp(T, q, th, w, new Float64Array(h), out);
          return out;
        },
        theta.slice(),
        FD,
      );
      expect(gth.maxRelError).toBeLessThan(TOL);
    });
  }

  if (isLinear(term)) {
    it('f = A(θ) y and matrixVjp matches central differences', () => {
      const n = term.dim;
      const A = new Float64Array(n * n);
      term.matrix(theta, A);
      const dy = new Float64Array(n);
      term.f(T, y, theta, dy);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j] * y[j];
        expect(dy[i]).toBeCloseTo(s, 13);
      }
      const Abar = randomVec(rng, n * n);
      const g = checkGradient(
        (th) => {
          term.matrix(th, A);
          return A.reduce((s, x, i) => s + x * Abar[i], 0);
        },
        (th) => {
          const out = new Float64Array(term.nParams);
          term.matrixVjp(th, Abar, out);
          return out;
        },
        theta.slice(),
        FD,
      );
      expect(g.maxRelError).toBeLessThan(TOL);
    });
  }
});
