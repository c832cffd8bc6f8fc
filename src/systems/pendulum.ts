/**
 * The ideal pendulum q'' = −ω² sin q, ω = √(g/L): a separable Hamiltonian
 * H = ½p² + ω²(1 − cos q), so a `SplitTerm` for the symplectic solvers.
 * State [q, p] (angle, angular velocity); θ = [omega].
 */
import { makeLayout } from '../core/params.js';
import type { SplitTerm } from '../ode/term.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { ParamReader } from './params.js';

/**
 * Complete elliptic integral of the first kind K(m) = ∫₀^{π/2} dφ / √(1 − m sin²φ), with
 * parameter m = k², by the arithmetic–geometric mean: K(m) = π / (2 AGM(1, √(1 − m)))
 * (Abramowitz & Stegun 17.6). Converges quadratically; m in [0, 1).
 */
export function ellipticK(m: number): number {
  if (!(m >= 0 && m < 1)) throw new RangeError(`ellipticK needs 0 ≤ m < 1, got ${m}`);
  let a = 1;
  let b = Math.sqrt(1 - m);
  for (let i = 0; i < 60 && Math.abs(a - b) > 1e-16 * a; i++) {
    const an = 0.5 * (a + b);
    b = Math.sqrt(a * b);
    a = an;
  }
  return Math.PI / (2 * a);
}

/**
 * Period of the pendulum q'' = −ω² sin q released from rest at amplitude q₀ (rad, |q₀| < π):
 * T = 4 K(sin²(q₀/2)) / ω, which tends to the small-amplitude period 2π/ω as q₀ → 0.
 */
export function pendulumPeriod(omega: number, amplitude: number): number {
  const k = Math.sin(amplitude / 2);
  return (4 * ellipticK(k * k)) / omega;
}

/** Amplitude (turning angle) of the swing through state (q, p), or Infinity when it rotates over the top. */
export function pendulumAmplitude(omega: number, q: number, p: number): number {
  const e = (0.5 * p * p) / (omega * omega) + 1 - Math.cos(q); // = 1 − cos q_max
  return e >= 2 ? Infinity : Math.acos(1 - e);
}

function pendulumTerm(): SplitTerm {
  return {
    kind: 'split',
    dim: 2,
    nParams: 1,
    f(_t, y, theta, dy) {
      dy[0] = y[1];
      dy[1] = -theta[0] * theta[0] * Math.sin(y[0]);
    },
    vjp(_t, y, theta, v, dyOut, dThetaOut) {
      const w = theta[0];
      dyOut[0] -= v[1] * w * w * Math.cos(y[0]);
      dyOut[1] += v[0];
      dThetaOut[0] -= v[1] * 2 * w * Math.sin(y[0]);
    },
    jac(_t, y, theta, J) {
      J[0] = 0;
      J[1] = 1;
      J[2] = -theta[0] * theta[0] * Math.cos(y[0]);
      J[3] = 0;
    },
    dq(_t, p, _theta, dq) {
      dq[0] = p[0];
    },
    dp(_t, q, theta, dp) {
      dp[0] = -theta[0] * theta[0] * Math.sin(q[0]);
    },
    dqVjp(_t, _p, _theta, v, pOut) {
      pOut[0] += v[0];
    },
    dpVjp(_t, q, theta, v, qOut, dThetaOut) {
      const w = theta[0];
      qOut[0] -= v[0] * w * w * Math.cos(q[0]);
      dThetaOut[0] -= v[0] * 2 * w * Math.sin(q[0]);
    },
  };
}

export const pendulum: SystemDef = {
  name: 'pendulum',
  description: "Ideal pendulum q'' = −ω² sin q; conserves H = ½q'² + ω²(1 − cos q). Period 4K(sin²(q₀/2))/ω.",
  params: [
    { name: 'omega', default: 1, unit: 'rad/s', description: 'small-amplitude angular frequency √(g/L), > 0' },
    { name: 'q0', default: 1, unit: 'rad', description: 'initial angle' },
    { name: 'p0', default: 0, unit: 'rad/s', description: 'initial angular velocity' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('pendulum', this.params, values);
    const omega = r.number('omega', { above: 0 });
    const q0 = r.number('q0');
    const p0 = r.number('p0');
    const { layout } = makeLayout({ omega: [] });
    const w2 = omega * omega;
    const amp = pendulumAmplitude(omega, q0, p0);
    const period = Number.isFinite(amp) && amp < Math.PI ? pendulumPeriod(omega, amp) : (2 * Math.PI) / omega;
    return {
      term: pendulumTerm(),
      theta: Float64Array.of(omega),
      layout,
      y0: Float64Array.of(q0, p0),
      stateNames: ['q', 'p'],
      observe: {
        names: ['q'],
        fn(y, out) {
          out[0] = y[0];
        },
      },
      invariants: [{ name: 'energy', value: (y) => 0.5 * y[1] * y[1] + w2 * (1 - Math.cos(y[0])) }],
      conservative: true,
      solver: 'yoshida4',
      until: 5 * Math.min(period, 100 / omega),
      dt: Math.min(period, (2 * Math.PI) / omega) / 100,
    };
  },
};
