/**
 * Closed forms that need no solver: elliptic-integral periods, fixed points, Kepler's
 * laws at the initial state, normal modes of uniform chains.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  ellipticK,
  fitzhughNagumoFixedPoints,
  getSystem,
  keplerPeriod,
  lorenzFixedPoints,
  orderParameter,
  pendulumAmplitude,
  pendulumPeriod,
} from '../../src/systems/index.js';

function field(name: string, params: Record<string, number | number[]>, y: number[]): Float64Array {
  const b = getSystem(name).build(params);
  const dy = new Float64Array(b.term.dim);
  b.term.f(0, Float64Array.from(y), b.theta, dy);
  return dy;
}

describe('pendulum period', () => {
  it('K(m) matches tabulated values (Abramowitz & Stegun table 17.1)', () => {
    expect(ellipticK(0)).toBeCloseTo(Math.PI / 2, 15);
    expect(ellipticK(0.5)).toBeCloseTo(1.8540746773013719, 14);
    expect(ellipticK(0.9)).toBeCloseTo(2.5780921133481733, 13);
    // K(sin² 45°) = Γ(1/4)² / (4√π)
    expect(ellipticK(0.5)).toBeCloseTo(3.625609908221908 ** 2 / (4 * Math.sqrt(Math.PI)), 13);
  });

  it('tends to 2π/ω at small amplitude and follows the series T₀(1 + q₀²/16 + 11q₀⁴/3072)', () => {
    const w = 1.7;
    const T0 = (2 * Math.PI) / w;
    expect(pendulumPeriod(w, 1e-8)).toBeCloseTo(T0, 13);
    for (const q0 of [0.05, 0.1, 0.2]) {
      const series = T0 * (1 + q0 ** 2 / 16 + (11 * q0 ** 4) / 3072);
      // next term 173 q₀⁶/737280
      expect(Math.abs(pendulumPeriod(w, q0) / series - 1)).toBeLessThan(3e-4 * q0 ** 6 * 1.1);
    }
    // At 90° the period is 1.18034 T₀; it diverges towards 180°.
    expect(pendulumPeriod(w, Math.PI / 2) / T0).toBeCloseTo(1.1803406, 6);
    expect(pendulumPeriod(w, 3.14) / T0).toBeGreaterThan(4);
  });

  it('amplitude of a swing is read from the energy', () => {
    expect(pendulumAmplitude(2, 0.7, 0)).toBeCloseTo(0.7, 14);
    expect(pendulumAmplitude(2, 0, 2 * Math.sqrt(2 * (1 - Math.cos(1.2))))).toBeCloseTo(1.2, 12);
    expect(pendulumAmplitude(1, 0, 2.01)).toBe(Infinity);
  });

  it('the default build samples one small-amplitude period with 100 points at most', () => {
    const b = getSystem('pendulum').build({ omega: 2, q0: 0.5 });
    expect(b.until).toBeCloseTo(5 * pendulumPeriod(2, 0.5), 12);
  });
});

describe('Lorenz', () => {
  it('vanishes at its three fixed points, and the classic C± are saddle-foci with eigenvalues −13.8546, 0.0940 ± 10.1945i', () => {
    const [s, r, b] = [10, 28, 8 / 3];
    const pts = lorenzFixedPoints(s, r, b);
    expect(pts).toHaveLength(3);
    for (const p of pts) for (const d of field('lorenz', {}, p)) expect(Math.abs(d)).toBeLessThan(1e-12);
    const sys = getSystem('lorenz').build();
    const J = new Float64Array(9);
    sys.term.jac!(0, Float64Array.from(pts[1]), sys.theta, J);
    const evd = new EigenvalueDecomposition(new Matrix([Array.from(J.subarray(0, 3)), Array.from(J.subarray(3, 6)), Array.from(J.subarray(6))]));
    const re = [...evd.realEigenvalues].sort((x, y) => x - y);
    expect(re[0]).toBeCloseTo(-13.8546, 4);
    expect(re[2]).toBeCloseTo(0.0940, 4);
    expect(Math.max(...evd.imaginaryEigenvalues)).toBeCloseTo(10.1945, 4);
    expect(lorenzFixedPoints(s, 0.5, b)).toHaveLength(1);
  });
});

describe('FitzHugh–Nagumo', () => {
  it('vanishes at the closed-form fixed point; at I = 0 it is (−1.19941, −0.62426)', () => {
    const [[v, w]] = fitzhughNagumoFixedPoints(0.7, 0.8, 0);
    expect(v).toBeCloseTo(-1.1994, 4);
    expect(w).toBeCloseTo(-0.6243, 4);
    for (const I of [0, 0.5, 1.2]) {
      const pts = fitzhughNagumoFixedPoints(0.7, 0.8, I);
      expect(pts).toHaveLength(1);
      for (const d of field('fitzhugh-nagumo', { I }, pts[0])) expect(Math.abs(d)).toBeLessThan(1e-12);
    }
  });

  it('finds all three fixed points of a bistable setting (b > 1)', () => {
    const pts = fitzhughNagumoFixedPoints(0, 2, 0); // v³/3 − v/2 = 0: v = 0, ±√1.5
    expect(pts.map((p) => p[0])).toEqual([expect.closeTo(-Math.sqrt(1.5), 12), expect.closeTo(0, 12), expect.closeTo(Math.sqrt(1.5), 12)]);
    for (const p of pts) for (const d of field('fitzhugh-nagumo', { a: 0, b: 2, I: 0 }, p)) expect(Math.abs(d)).toBeLessThan(1e-12);
  });
});

describe('Lotka–Volterra', () => {
  it('rests at (γ/δ, α/β), where the conserved V is minimal', () => {
    const p = { alpha: 1.1, beta: 0.4, gamma: 0.4, delta: 0.1 };
    const star = [p.gamma / p.delta, p.alpha / p.beta];
    for (const d of field('lotka-volterra', p, star)) expect(Math.abs(d)).toBeLessThan(1e-14);
    const b = getSystem('lotka-volterra').build(p);
    const V = b.invariants[0].value;
    const vStar = V(Float64Array.from(star));
    for (const [dx, dy] of [[0.1, 0], [0, -0.1], [0.3, 0.2]]) expect(V(Float64Array.of(star[0] + dx, star[1] + dy))).toBeGreaterThan(vStar);
  });
});

describe('two-body', () => {
  it('starts on the Kepler ellipse: E = −Gm₁m₂/(2a), L = m_red √(μa(1−e²)), period from the third law', () => {
    for (const reduced of [true, false]) {
      const [G, m1, m2, a, e] = [1.3, 2, 0.7, 1.5, 0.6];
      const b = getSystem('two-body').build({ G, m1, m2, a, e, reduced });
      const inv = Object.fromEntries(b.invariants.map((i) => [i.name, i.value(b.y0)]));
      const mu = G * (m1 + m2);
      expect(inv.energy).toBeCloseTo((-G * m1 * m2) / (2 * a), 12);
      expect(inv['angular momentum']).toBeCloseTo(((m1 * m2) / (m1 + m2)) * Math.sqrt(mu * a * (1 - e * e)), 12);
      if (!reduced) {
        expect(inv['momentum x']).toBeCloseTo(0, 14);
        expect(inv['momentum y']).toBeCloseTo(0, 14);
      }
      expect(b.until).toBeCloseTo(3 * keplerPeriod(a, mu), 12);
    }
    expect(keplerPeriod(1, 4 * Math.PI ** 2)).toBeCloseTo(1, 14); // one AU around one solar mass: one year
  });
});

describe('mass-spring chain', () => {
  it('a uniform fixed-end chain has modes 2√(k/m) sin(jπ/(2(n+1)))', () => {
    const n = 5;
    const modes = getSystem('mass-spring-chain').build({ n, m: 2, k: 3 }).modes!();
    expect(modes).toHaveLength(n);
    modes.forEach((m, j) => {
      expect(m.frequency).toBeCloseTo(2 * Math.sqrt(3 / 2) * Math.sin(((j + 1) * Math.PI) / (2 * (n + 1))), 12);
      expect(m.decay).toBeCloseTo(0, 12);
    });
  });

  it('a uniform free-end chain has modes 2√(k/m) sin(jπ/(2n)), j ≥ 1, and conserves momentum', () => {
    const n = 4;
    const b = getSystem('mass-spring-chain').build({ n, k: [0, 1, 1, 1, 0] });
    const modes = b.modes!();
    expect(modes).toHaveLength(n - 1); // the rigid translation does not oscillate
    modes.forEach((m, j) => expect(m.frequency).toBeCloseTo(2 * Math.sin(((j + 1) * Math.PI) / (2 * n)), 12));
    expect(b.invariants.map((i) => i.name)).toEqual(['energy', 'momentum']);
    expect(getSystem('mass-spring-chain').build().invariants.map((i) => i.name)).toEqual(['energy']);
  });
});

describe('Kuramoto', () => {
  it('an in-phase state rotates rigidly at the common frequency, with r = 1', () => {
    const b = getSystem('kuramoto').build({ N: 5, omega: 0.7, K: 2, phi0: [1, 1, 1, 1, 1] });
    const dy = new Float64Array(5);
    b.term.f(0, b.y0, b.theta, dy);
    for (const d of dy) expect(d).toBeCloseTo(0.7, 15);
    expect(orderParameter(b.y0)).toBeCloseTo(1, 15);
    expect(orderParameter(Float64Array.from({ length: 6 }, (_, i) => (2 * Math.PI * i) / 6))).toBeCloseTo(0, 14);
  });

  it('default phases are reproducible from the seed', () => {
    const a = getSystem('kuramoto').build();
    expect(Array.from(getSystem('kuramoto').build().y0)).toEqual(Array.from(a.y0));
    expect(Array.from(getSystem('kuramoto').build({ seed: 1 }).y0)).not.toEqual(Array.from(a.y0));
  });
});
