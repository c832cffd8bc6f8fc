/**
 * Van der Pol (1926) oscillator x'' − μ(1 − x²)x' + x = 0: for μ > 0 every orbit but the
 * origin approaches one limit cycle, of amplitude ≈ 2 and period ≈ 2π(1 + μ²/16) for small
 * μ (Lindstedt–Poincaré), ≈ (3 − 2 ln 2)μ for large μ (relaxation oscillations).
 * State [x, v]; θ = [mu].
 */
import { makeLayout } from '../core/params.js';
import type { Term } from '../ode/term.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { ParamReader } from './params.js';

/**
 * Asymptotic limit-cycle period: 2π(1 + μ²/16) for μ ≲ 1, (3 − 2 ln 2)μ + 3α μ^{−1/3} with
 * α ≈ 2.338 (first zero of Ai) for μ ≫ 1 (Dorodnitsyn 1947). Rough in between (μ ≈ 1–5).
 */
export function vanDerPolPeriod(mu: number): number {
  if (mu <= 1) return 2 * Math.PI * (1 + (mu * mu) / 16);
  return (3 - 2 * Math.LN2) * mu + 7.014 * Math.cbrt(1 / mu);
}

function vanDerPolTerm(): Term {
  return {
    dim: 2,
    nParams: 1,
    f(_t, y, th, dy) {
      dy[0] = y[1];
      dy[1] = th[0] * (1 - y[0] * y[0]) * y[1] - y[0];
    },
    vjp(_t, y, th, v, dyOut, dThetaOut) {
      const x = y[0], u = y[1];
      dyOut[0] += (-2 * th[0] * x * u - 1) * v[1];
      dyOut[1] += v[0] + th[0] * (1 - x * x) * v[1];
      dThetaOut[0] += (1 - x * x) * u * v[1];
    },
    jac(_t, y, th, J) {
      J[0] = 0;
      J[1] = 1;
      J[2] = -2 * th[0] * y[0] * y[1] - 1;
      J[3] = th[0] * (1 - y[0] * y[0]);
    },
  };
}

export const vanDerPol: SystemDef = {
  name: 'van-der-pol',
  description: "Van der Pol oscillator x'' − μ(1 − x²)x' + x = 0; a limit cycle of amplitude ≈ 2, period ≈ 2π for small μ.",
  params: [
    { name: 'mu', default: 1, description: 'nonlinear damping μ, ≥ 0 (stiff for μ ≳ 100)' },
    { name: 'x0', default: [0.5, 0], length: '2', description: 'initial (x, x\')' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('van-der-pol', this.params, values);
    const mu = r.number('mu', { min: 0 });
    const x0 = r.vector('x0', 2);
    const T = vanDerPolPeriod(mu);
    return {
      term: vanDerPolTerm(),
      theta: Float64Array.of(mu),
      layout: makeLayout({ mu: [] }).layout,
      y0: x0,
      stateNames: ['x', 'v'],
      observe: {
        names: ['x'],
        fn(y, out) {
          out[0] = y[0];
        },
      },
      // μ = 0 is the harmonic oscillator, whose energy ½(x² + v²) is conserved.
      invariants: mu === 0 ? [{ name: 'energy', value: (y) => 0.5 * (y[0] * y[0] + y[1] * y[1]) }] : [],
      conservative: mu === 0,
      solver: mu > 20 ? 'sdirk4' : 'dopri5',
      until: 8 * T,
      dt: T / 200,
    };
  },
};
