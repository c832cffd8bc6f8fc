/**
 * Kuramoto (1975) phase oscillators φ_i' = ω_i + (K/N) Σ_j sin(φ_j − φ_i). Above a
 * critical coupling they lock; with identical frequencies and K > 0 they synchronise
 * (order parameter r = |Σ e^{iφ_j}|/N → 1). θ = [omega (N), K].
 */
import { makeLayout } from '../core/params.js';
import { Rng } from '../core/rng.js';
import type { Term } from '../ode/term.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { linspace, ParamReader } from './params.js';

/** Kuramoto order parameter r = |Σ_j e^{iφ_j}| / N of the first n entries of phi. */
export function orderParameter(phi: Float64Array, n = phi.length): number {
  let c = 0;
  let s = 0;
  for (let j = 0; j < n; j++) {
    c += Math.cos(phi[j]);
    s += Math.sin(phi[j]);
  }
  return Math.hypot(c, s) / n;
}

function kuramotoTerm(n: number): Term {
  const oK = n;
  return {
    dim: n,
    nParams: n + 1,
    f(_t, y, th, dy) {
      const kn = th[oK] / n;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += Math.sin(y[j] - y[i]);
        dy[i] = th[i] + kn * s;
      }
    },
    vjp(_t, y, th, v, dyOut, dThetaOut) {
      const kn = th[oK] / n;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const d = y[j] - y[i];
          s += Math.sin(d);
          const c = kn * Math.cos(d) * v[i];
          dyOut[j] += c;
          dyOut[i] -= c;
        }
        dThetaOut[i] += v[i];
        dThetaOut[oK] += (s / n) * v[i];
      }
    },
    jac(_t, y, th, J) {
      const kn = th[oK] / n;
      for (let i = 0; i < n; i++) {
        let diag = 0;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const c = kn * Math.cos(y[j] - y[i]);
          J[i * n + j] = c;
          diag -= c;
        }
        J[i * n + i] = diag;
      }
    },
  };
}

export const kuramoto: SystemDef = {
  name: 'kuramoto',
  description: "Kuramoto phase oscillators φ_i' = ω_i + (K/N) Σ_j sin(φ_j − φ_i); they lock above a critical coupling, observed by the order parameter r.",
  params: [
    { name: 'N', default: 10, description: 'number of oscillators' },
    { name: 'omega', default: linspace(-0.5, 0.5, 10), unit: 'rad/s', length: 'N', description: 'natural frequencies (default: evenly spaced on [−0.5, 0.5])' },
    { name: 'K', default: 1, unit: 'rad/s', description: 'coupling strength (locks all for K ≳ 0.64 at the default frequencies)' },
    { name: 'phi0', default: [], unit: 'rad', length: 'N', description: 'initial phases (default: uniform on [0, 2π) drawn with `seed`)' },
    { name: 'seed', default: 0, description: 'seed of the default initial phases' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('kuramoto', this.params, values);
    const n = r.number('N', { integer: true, min: 1 });
    const omega = r.vector('omega', n, {}, (m) => linspace(-0.5, 0.5, m));
    const K = r.number('K');
    const seed = r.number('seed', { integer: true, min: 0 });
    const rng = new Rng(seed);
    const phi0 = r.vector('phi0', n, {}, (m) => Array.from({ length: m }, () => rng.uniformIn(0, 2 * Math.PI)));
    const theta = new Float64Array(n + 1);
    theta.set(omega);
    theta[n] = K;
    return {
      term: kuramotoTerm(n),
      theta,
      layout: makeLayout({ omega: [n], K: [] }).layout,
      y0: phi0,
      stateNames: Array.from({ length: n }, (_, i) => `phi${i + 1}`),
      observe: {
        // The order parameter, and each oscillator's signal sin φ_i.
        names: ['r', ...Array.from({ length: n }, (_, i) => `sin phi${i + 1}`)],
        fn(y, out) {
          out[0] = orderParameter(y, n);
          for (let i = 0; i < n; i++) out[i + 1] = Math.sin(y[i]);
        },
      },
      invariants: [],
      conservative: false,
      solver: 'dopri5',
      until: 50,
      dt: 0.05,
    };
  },
};
