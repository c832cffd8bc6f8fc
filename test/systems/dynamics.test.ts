/**
 * What the systems do over time, integrated with `solve`: invariants conserved to solver
 * tolerance when damping and forcing are off, dissipation when they are on, the periods of
 * the closed forms, synchronisation, convergence to the fixed point.
 */
import { describe, expect, it } from 'vitest';
import { solve } from '../../src/ode/solve.js';
import { getSolver, solvers } from '../../src/ode/solvers/index.js';
import type { BuiltSystem } from '../../src/systems/base.js';
import { fitzhughNagumoFixedPoints, getSystem, keplerPeriod, orderParameter, pendulumPeriod, vanDerPolPeriod } from '../../src/systems/index.js';
import { buildVariant, variants } from './variants.js';

const TIGHT = { rtol: 1e-11, atol: 1e-13 };

function grid(t1: number, n: number): Float64Array {
  const g = Float64Array.from({ length: n }, (_, i) => (t1 * i) / (n - 1));
  g[n - 1] = t1; // (t1·(n−1))/(n−1) need not round back to t1
  return g;
}

function run(b: BuiltSystem, t1: number, n = 101, solver = 'dopri5', extra: { dt?: number } = {}) {
  const sol = solve({ term: b.term, solver, t0: 0, t1, y0: b.y0, theta: b.theta, saveAt: grid(t1, n), ...TIGHT, ...extra });
  const row = (i: number) => sol.y.subarray(i * sol.dim, (i + 1) * sol.dim);
  return { sol, row };
}

/** Largest |I(t) − I(0)| over the saved states, relative to max(1, |I(0)|), per invariant. */
function drifts(b: BuiltSystem, rows: (i: number) => Float64Array, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const inv of b.invariants) {
    const i0 = inv.value(b.y0);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(inv.value(rows(i)) - i0));
    out[inv.name] = worst / Math.max(1, Math.abs(i0));
  }
  return out;
}

const conservative = variants.filter((v) => {
  const b = buildVariant(v);
  return b.conservative && b.invariants.length > 0;
});

describe('invariants', () => {
  it.each(conservative)('$label: conserved to 1e-8 by dopri5 at rtol 1e-11 over the default horizon', (v) => {
    const b = buildVariant(v);
    const { row } = run(b, Math.min(b.until, 60));
    for (const [name, d] of Object.entries(drifts(b, row, 101))) expect(d, name).toBeLessThan(1e-8);
    // Not vacuous: the state really moves (no equilibrium start).
    let moved = 0;
    for (let i = 0; i < 101; i++) row(i).forEach((x, k) => (moved = Math.max(moved, Math.abs(x - b.y0[k]))));
    expect(moved).toBeGreaterThan(0.1);
  }, 20_000);

  for (const v of conservative) {
    const b = buildVariant(v);
    it(`${v.label}: conserved by its recommended solver (${b.solver}) at the default step`, () => {
      const t1 = Math.min(b.until, 60);
      const n = Math.round(t1 / b.dt);
      const { row } = run(b, n * b.dt, n + 1, b.solver, { dt: b.dt });
      // Fixed-step order 4 (yoshida4) or exact (exact-linear) at the default sampling step:
      // measured ≤ 5e-6 (Duffing, dt = 0.05), ≤ 1e-12 for exact-linear.
      const bound = b.solver === 'exact-linear' ? 1e-11 : 2e-5;
      for (const [name, d] of Object.entries(drifts(b, row, n + 1))) expect(d, name).toBeLessThan(bound);
    }, 20_000);
  }

  it('damped systems lose energy monotonically', () => {
    for (const b of [getSystem('coupled-pendulums').build(), getSystem('mass-spring-chain').build({ c: 0.2 }), getSystem('coupled-pendulums').build({ smallAngle: false })]) {
      expect(b.conservative).toBe(false);
      const { row } = run(b, 30, 61);
      const E = Array.from({ length: 61 }, (_, i) => b.invariants[0].value(row(i)));
      for (let i = 1; i < E.length; i++) expect(E[i]).toBeLessThan(E[i - 1]);
      expect(E[60]).toBeLessThan(0.7 * E[0]);
    }
  });
});

describe('periods and limits', () => {
  it('the pendulum swings to −q₀ at T/2 and back at T = 4K(sin²(q₀/2))/ω, even at q₀ = 2.5 rad', () => {
    for (const [omega, q0] of [[1, 0.1], [1.7, 2.5], [0.5, 3]]) {
      const b = getSystem('pendulum').build({ omega, q0 });
      const T = pendulumPeriod(omega, q0);
      const sol = solve({ term: b.term, solver: 'dopri5', t0: 0, t1: T, y0: b.y0, theta: b.theta, saveAt: Float64Array.of(T / 2, T), ...TIGHT });
      expect(sol.y[0]).toBeCloseTo(-q0, 7);
      expect(sol.y[2]).toBeCloseTo(q0, 7);
      expect(sol.y[3]).toBeCloseTo(0, 7);
    }
  });

  it('a Kepler orbit closes after T = 2π√(a³/μ), reduced and full', () => {
    for (const reduced of [true, false]) {
      const b = getSystem('two-body').build({ reduced, e: 0.7, m2: 0.3 });
      const T = keplerPeriod(1, 1.3);
      const sol = solve({ term: b.term, solver: 'dopri5', t0: 0, t1: T, y0: b.y0, theta: b.theta, ...TIGHT });
      for (let i = 0; i < b.y0.length; i++) expect(Math.abs(sol.y[i] - b.y0[i]), `component ${i}`).toBeLessThan(1e-7);
      // and not before: half way it is at apoapsis, r = a(1 + e)
      const half = solve({ term: b.term, solver: 'dopri5', t0: 0, t1: T / 2, y0: b.y0, theta: b.theta, ...TIGHT });
      const r = reduced ? Math.hypot(half.y[0], half.y[1]) : Math.hypot(half.y[2] - half.y[0], half.y[3] - half.y[1]);
      expect(r).toBeCloseTo(1.7, 7);
    }
  });

  it('van der Pol at μ = 0.1 settles on a cycle of amplitude ≈ 2 and period 2π(1 + μ²/16)', () => {
    const b = getSystem('van-der-pol').build({ mu: 0.1, x0: [0.5, 0] });
    // Transient decays like e^{−μt/2}: after t = 300 it is below 1e-6.
    const t0 = 300;
    const n = 4001;
    const saveAt = Float64Array.from({ length: n }, (_, i) => t0 + (30 * i) / (n - 1));
    const sol = solve({ term: b.term, solver: 'dopri5', t0: 0, t1: t0 + 30, y0: b.y0, theta: b.theta, saveAt, ...TIGHT });
    const x = (i: number) => sol.y[2 * i];
    const ups: number[] = [];
    let max = 0;
    for (let i = 1; i < n; i++) {
      max = Math.max(max, x(i));
      if (x(i - 1) < 0 && x(i) >= 0) ups.push(saveAt[i - 1] + ((saveAt[i] - saveAt[i - 1]) * -x(i - 1)) / (x(i) - x(i - 1)));
    }
    const T = (ups[ups.length - 1] - ups[0]) / (ups.length - 1);
    expect(Math.abs(T / (2 * Math.PI * (1 + 0.01 / 16)) - 1)).toBeLessThan(2e-5);
    expect(Math.abs(T / (2 * Math.PI) - 1)).toBeGreaterThan(4e-4); // the μ² correction is resolved
    expect(max).toBeCloseTo(2, 2);
  }, 20_000);

  it('stiff van der Pol (μ = 100, recommended sdirk4) relaxes with Dorodnitsyn\'s period (3 − 2 ln 2)μ + 3α μ^{−1/3}', () => {
    const mu = 100;
    const b = getSystem('van-der-pol').build({ mu, x0: [2, 0] });
    expect(b.solver).toBe('sdirk4');
    const t1 = 5 * vanDerPolPeriod(mu);
    const saveAt = grid(t1, 20001);
    const sol = solve({ term: b.term, solver: b.solver, t0: 0, t1, y0: b.y0, theta: b.theta, saveAt, rtol: 1e-8, atol: 1e-10 });
    const ups: number[] = [];
    for (let i = 1; i < saveAt.length; i++) {
      const [a, c] = [sol.y[2 * (i - 1)], sol.y[2 * i]];
      if (a < 0 && c >= 0) ups.push(saveAt[i - 1] + ((saveAt[i] - saveAt[i - 1]) * -a) / (c - a));
    }
    expect(ups.length).toBeGreaterThanOrEqual(4);
    const T = (ups[ups.length - 1] - ups[0]) / (ups.length - 1);
    // measured 162.837 against 162.882; the next term, −(2/3) ln μ / μ ≈ −0.03, explains most of it
    expect(Math.abs(T / vanDerPolPeriod(mu) - 1)).toBeLessThan(1e-3);
  }, 20_000);

  it('identical Kuramoto oscillators with K > 0 synchronise: r → 1', () => {
    const b = getSystem('kuramoto').build({ N: 8, omega: 0.4, K: 1 });
    const { row } = run(b, 40, 5);
    const r = [0, 1, 2, 3, 4].map((i) => orderParameter(row(i)));
    expect(r[0]).toBeLessThan(0.8);
    expect(r[4]).toBeGreaterThan(1 - 1e-6);
    // and without coupling they do not
    const free = getSystem('kuramoto').build({ N: 8, omega: 0.4, K: 0 });
    expect(orderParameter(run(free, 40, 2).row(1))).toBeCloseTo(orderParameter(free.y0), 10);
  });

  it('FitzHugh–Nagumo at I = 0 comes to rest at the closed-form fixed point', () => {
    const b = getSystem('fitzhugh-nagumo').build({ I: 0 });
    const [[v, w]] = fitzhughNagumoFixedPoints(0.7, 0.8, 0);
    const { row } = run(b, 400, 2);
    expect(row(1)[0]).toBeCloseTo(v, 6);
    expect(row(1)[1]).toBeCloseTo(w, 6);
  });

  it('small-angle and nonlinear coupled pendulums agree at tiny amplitude over the whole run', () => {
    const amp = 1e-4;
    const p = { x0: [amp, -0.5 * amp, 0.8 * amp, 0.3 * amp], v0: [0, 0.2 * amp, -amp, 0] };
    const lin = run(getSystem('coupled-pendulums').build(p), 30, 301);
    const nl = run(getSystem('coupled-pendulums').build({ ...p, smallAngle: false }), 30, 301);
    let worst = 0;
    for (let i = 0; i < lin.sol.y.length; i++) worst = Math.max(worst, Math.abs(lin.sol.y[i] - nl.sol.y[i]));
    // The sin x − x ≈ x³/6 difference grows at most linearly: relative to amp, ≲ amp² · t · w².
    expect(worst / amp).toBeLessThan(1e-6);
    // whereas at amplitude 0.5 the two visibly differ
    const big = { x0: [0.5, -0.25, 0.4, 0.15], v0: [0, 0, 0, 0] };
    const l2 = run(getSystem('coupled-pendulums').build(big), 30, 31);
    const n2 = run(getSystem('coupled-pendulums').build({ ...big, smallAngle: false }), 30, 31);
    let diff = 0;
    for (let i = 0; i < l2.sol.y.length; i++) diff = Math.max(diff, Math.abs(l2.sol.y[i] - n2.sol.y[i]));
    expect(diff).toBeGreaterThan(0.05);
  });
});

describe('recommended solvers', () => {
  // Each system names the solver to use (BuiltSystem.solver): it must be registered, accept
  // the system's term, and reproduce a tight dopri5 solution over twenty default steps.
  it.each(variants)('$label: its recommended solver is registered and agrees with tight dopri5', (v) => {
    const b = buildVariant(v);
    const solver = getSolver(b.solver); // a ConfigError for a name the ode layer does not have
    expect(solvers).toContain(solver);
    const n = 20;
    const t1 = n * b.dt;
    const got = solve({ term: b.term, solver, t0: 0, t1, y0: b.y0, theta: b.theta, dt: b.dt, rtol: 1e-9, atol: 1e-11, saveAt: grid(t1, n + 1) });
    const ref = run(b, t1, n + 1).sol;
    let worst = 0;
    let moved = 0;
    for (let i = 0; i < ref.y.length; i++) {
      worst = Math.max(worst, Math.abs(got.y[i] - ref.y[i]) / Math.max(1, Math.abs(ref.y[i])));
      moved = Math.max(moved, Math.abs(ref.y[i] - b.y0[i % b.y0.length]));
    }
    // Order 4 or better at the default sampling step (≤ 0.05): measured below 1e-6; Euler would err ~1e-2.
    expect(worst).toBeLessThan(1e-5);
    expect(moved).toBeGreaterThan(1e-3); // the state moves, so agreement is not trivial
  }, 20_000);
});
