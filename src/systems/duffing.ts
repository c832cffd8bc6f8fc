/**
 * Duffing oscillator x'' + δx' + αx + βx³ = γ cos ωt: a driven, damped anharmonic
 * oscillator (chaotic at the defaults, the double-well α = −1, β = 1 of Ueda/Holmes). With
 * δ = 0 it is a separable Hamiltonian (a `SplitTerm`, forcing included), and with γ = 0
 * too its energy ½x'² + ½αx² + ¼βx⁴ is conserved.
 * State [x, v]; θ = [alpha, beta, gamma, omega] and, when damped, delta last.
 */
import { makeLayout } from '../core/params.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { mechanicalTerm } from './mechanical.js';
import { ParamReader } from './params.js';

function duffingTerm(damped: boolean) {
  return mechanicalTerm({
    n: 1,
    nParams: damped ? 5 : 4,
    dampingAt: damped ? 4 : undefined,
    force(t, q, th, out, at) {
      const x = q[0];
      out[at] = -th[0] * x - th[1] * x * x * x + th[2] * Math.cos(th[3] * t);
    },
    forceVjp(t, q, th, v, at, qOut, dTheta) {
      const x = q[0];
      const b = v[at];
      qOut[0] += (-th[0] - 3 * th[1] * x * x) * b;
      dTheta[0] -= x * b;
      dTheta[1] -= x * x * x * b;
      dTheta[2] += Math.cos(th[3] * t) * b;
      dTheta[3] -= th[2] * t * Math.sin(th[3] * t) * b;
    },
  });
}

export const duffing: SystemDef = {
  name: 'duffing',
  description: "Driven Duffing oscillator x'' + δx' + αx + βx³ = γ cos ωt; with δ = γ = 0 conserves ½x'² + ½αx² + ¼βx⁴.",
  params: [
    { name: 'delta', default: 0.3, unit: '1/s', description: 'damping δ, ≥ 0' },
    { name: 'alpha', default: -1, unit: '1/s²', description: 'linear stiffness α (negative: double well)' },
    { name: 'beta', default: 1, description: 'cubic stiffness β' },
    { name: 'gamma', default: 0.5, description: 'forcing amplitude γ' },
    { name: 'omega', default: 1.2, unit: 'rad/s', description: 'forcing frequency ω, ≥ 0' },
    { name: 'x0', default: [0.5, 0], length: '2', description: "initial (x, x')" },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('duffing', this.params, values);
    const delta = r.number('delta', { min: 0 });
    const alpha = r.number('alpha');
    const beta = r.number('beta');
    const gamma = r.number('gamma');
    const omega = r.number('omega', { min: 0 });
    const x0 = r.vector('x0', 2);
    const damped = delta !== 0;
    const theta = damped ? Float64Array.of(alpha, beta, gamma, omega, delta) : Float64Array.of(alpha, beta, gamma, omega);
    const shapes: Record<string, number[]> = { alpha: [], beta: [], gamma: [], omega: [] };
    if (damped) shapes.delta = [];
    const conservative = !damped && gamma === 0;
    return {
      term: duffingTerm(damped),
      theta,
      layout: makeLayout(shapes).layout,
      y0: x0,
      stateNames: ['x', 'v'],
      observe: {
        names: ['x'],
        fn(y, out) {
          out[0] = y[0];
        },
      },
      invariants: [{ name: 'energy', value: (y) => 0.5 * y[1] * y[1] + 0.5 * alpha * y[0] * y[0] + 0.25 * beta * y[0] ** 4 }],
      conservative,
      solver: conservative ? 'yoshida4' : 'dopri5',
      until: 100,
      dt: 0.05,
    };
  },
};
