/**
 * The planar double pendulum (two point masses on rigid massless rods), from its
 * Lagrangian. With Δ = q₁ − q₂ the equations of motion are M(q) a = r(q, ω):
 *
 *   M = [[(m₁+m₂) l₁², m₂l₁l₂ cos Δ], [m₂l₁l₂ cos Δ, m₂ l₂²]]
 *   r₁ = −m₂l₁l₂ ω₂² sin Δ − (m₁+m₂) g l₁ sin q₁
 *   r₂ =  m₂l₁l₂ ω₁² sin Δ − m₂ g l₂ sin q₂
 *
 * The kinetic energy depends on q, so the Hamiltonian is not separable: a plain `Term`.
 * State [q₁, q₂, ω₁, ω₂]; θ = [m1, m2, l1, l2, g].
 *
 * vjp: with a = M⁻¹ r and u = M⁻¹ v_ω (M is symmetric), vᵀ ∂a/∂x = ∂/∂x [uᵀ(r − M a)]
 * holding u and a fixed, which is a short, explicit gradient.
 */
import { makeLayout } from '../core/params.js';
import type { Term } from '../ode/term.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { jacobianFromVjp } from './jacobian.js';
import { ParamReader } from './params.js';

/** What f and vjp share at a state: cos and sin of q₁ − q₂, the mass matrix M, det M and a = M⁻¹ r. */
interface Dynamics {
  c: number;
  s: number;
  /** m₂ l₁ l₂, the coupling scale of M₁₂ = P cos(q₁ − q₂). */
  P: number;
  M11: number;
  M12: number;
  M22: number;
  det: number;
  a1: number;
  a2: number;
}

/** Fills `d` at state y: the mass matrix and the angular accelerations a = M⁻¹ r. */
function dynamics(y: Float64Array, th: Float64Array, d: Dynamics): void {
  const m1 = th[0], m2 = th[1], l1 = th[2], l2 = th[3], g = th[4];
  d.c = Math.cos(y[0] - y[1]);
  d.s = Math.sin(y[0] - y[1]);
  d.P = m2 * l1 * l2;
  d.M11 = (m1 + m2) * l1 * l1;
  d.M12 = d.P * d.c;
  d.M22 = m2 * l2 * l2;
  const r1 = -d.P * y[3] * y[3] * d.s - (m1 + m2) * g * l1 * Math.sin(y[0]);
  const r2 = d.P * y[2] * y[2] * d.s - m2 * g * l2 * Math.sin(y[1]);
  d.det = d.M11 * d.M22 - d.M12 * d.M12;
  d.a1 = (d.M22 * r1 - d.M12 * r2) / d.det;
  d.a2 = (d.M11 * r2 - d.M12 * r1) / d.det;
}

function doublePendulumTerm(): Term {
  const dyn: Dynamics = { c: 0, s: 0, P: 0, M11: 0, M12: 0, M22: 0, det: 0, a1: 0, a2: 0 };
  const term: Term = {
    dim: 4,
    nParams: 5,
    f(_t, y, theta, dy) {
      dynamics(y, theta, dyn);
      dy[0] = y[2];
      dy[1] = y[3];
      dy[2] = dyn.a1;
      dy[3] = dyn.a2;
    },
    vjp(_t, y, th, v, dyOut, dThetaOut) {
      const m1 = th[0], m2 = th[1], l1 = th[2], l2 = th[3], g = th[4];
      dynamics(y, th, dyn);
      const { c, s, P, M11, M12, M22, det, a1, a2 } = dyn;
      const u1 = (M22 * v[2] - M12 * v[3]) / det;
      const u2 = (M11 * v[3] - M12 * v[2]) / det;
      const w1 = y[2], w2 = y[3];
      // φ = u₁(r₁ − M₁₁a₁ − M₁₂a₂) + u₂(r₂ − M₁₂a₁ − M₂₂a₂)
      const dDelta = u1 * (-P * w2 * w2 * c + P * s * a2) + u2 * (P * w1 * w1 * c + P * s * a1);
      dyOut[0] += dDelta - u1 * (m1 + m2) * g * l1 * Math.cos(y[0]);
      dyOut[1] += -dDelta - u2 * m2 * g * l2 * Math.cos(y[1]);
      dyOut[2] += v[0] + 2 * u2 * P * w1 * s;
      dyOut[3] += v[1] - 2 * u1 * P * w2 * s;
      const G = u1 * (-w2 * w2 * s - c * a2) + u2 * (w1 * w1 * s - c * a1); // ∂φ/∂P
      const s1 = Math.sin(y[0]);
      const s2 = Math.sin(y[1]);
      const common1 = u1 * (-g * l1 * s1 - l1 * l1 * a1); // ∂φ/∂(m₁+m₂)
      dThetaOut[0] += common1;
      dThetaOut[1] += common1 + u2 * (-g * l2 * s2 - l2 * l2 * a2) + G * l1 * l2;
      dThetaOut[2] += u1 * (m1 + m2) * (-g * s1 - 2 * l1 * a1) + G * m2 * l2;
      dThetaOut[3] += u2 * m2 * (-g * s2 - 2 * l2 * a2) + G * m2 * l1;
      dThetaOut[4] += -u1 * (m1 + m2) * l1 * s1 - u2 * m2 * l2 * s2;
    },
  };
  term.jac = jacobianFromVjp(term);
  return term;
}

/** Total energy T + V (V = 0 with both rods hanging down). */
export function doublePendulumEnergy(y: Float64Array, th: Float64Array): number {
  const m1 = th[0], m2 = th[1], l1 = th[2], l2 = th[3], g = th[4];
  const q1 = y[0], q2 = y[1], w1 = y[2], w2 = y[3];
  const T = 0.5 * (m1 + m2) * l1 * l1 * w1 * w1 + 0.5 * m2 * l2 * l2 * w2 * w2 + m2 * l1 * l2 * w1 * w2 * Math.cos(q1 - q2);
  const V = (m1 + m2) * g * l1 * (1 - Math.cos(q1)) + m2 * g * l2 * (1 - Math.cos(q2));
  return T + V;
}

export const doublePendulum: SystemDef = {
  name: 'double-pendulum',
  description: 'Planar double pendulum of two point masses on rigid rods; chaotic at large energy; conserves total energy.',
  params: [
    { name: 'm1', default: 1, unit: 'kg', description: 'upper mass, > 0' },
    { name: 'm2', default: 1, unit: 'kg', description: 'lower mass, > 0' },
    { name: 'l1', default: 1, unit: 'm', description: 'upper rod length, > 0' },
    { name: 'l2', default: 1, unit: 'm', description: 'lower rod length, > 0' },
    { name: 'g', default: 9.81, unit: 'm/s²', description: 'gravitational acceleration, ≥ 0' },
    { name: 'q0', default: [Math.PI / 2, Math.PI / 2], unit: 'rad', length: '2', description: 'initial angles from the downward vertical' },
    { name: 'w0', default: [0, 0], unit: 'rad/s', length: '2', description: 'initial angular velocities' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('double-pendulum', this.params, values);
    const m1 = r.number('m1', { above: 0 });
    const m2 = r.number('m2', { above: 0 });
    const l1 = r.number('l1', { above: 0 });
    const l2 = r.number('l2', { above: 0 });
    const g = r.number('g', { min: 0 });
    const q0 = r.vector('q0', 2);
    const w0 = r.vector('w0', 2);
    const theta = Float64Array.of(m1, m2, l1, l2, g);
    const { layout } = makeLayout({ m1: [], m2: [], l1: [], l2: [], g: [] });
    return {
      term: doublePendulumTerm(),
      theta,
      layout,
      y0: Float64Array.of(q0[0], q0[1], w0[0], w0[1]),
      stateNames: ['q1', 'q2', 'w1', 'w2'],
      observe: {
        // Cartesian position of the lower bob, what a camera records.
        names: ['x2', 'y2'],
        fn(y, out) {
          out[0] = l1 * Math.sin(y[0]) + l2 * Math.sin(y[1]);
          out[1] = -l1 * Math.cos(y[0]) - l2 * Math.cos(y[1]);
        },
      },
      invariants: [{ name: 'energy', value: (y) => doublePendulumEnergy(y, theta) }],
      conservative: true,
      solver: 'dopri5',
      until: 20,
      dt: 0.01,
    };
  },
};
