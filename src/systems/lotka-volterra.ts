/**
 * Lotka–Volterra predator–prey model x' = αx − βxy (prey), y' = δxy − γy (predators).
 * Its orbits are closed: V = δx − γ ln x + βy − α ln y is conserved. θ = [alpha, beta,
 * gamma, delta].
 */
import { makeLayout } from '../core/params.js';
import type { Term } from '../ode/term.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { ParamReader } from './params.js';

function lotkaVolterraTerm(): Term {
  return {
    dim: 2,
    nParams: 4,
    f(_t, u, th, du) {
      const x = u[0], y = u[1];
      du[0] = th[0] * x - th[1] * x * y;
      du[1] = th[3] * x * y - th[2] * y;
    },
    vjp(_t, u, th, v, dyOut, dThetaOut) {
      const x = u[0], y = u[1];
      dyOut[0] += (th[0] - th[1] * y) * v[0] + th[3] * y * v[1];
      dyOut[1] += -th[1] * x * v[0] + (th[3] * x - th[2]) * v[1];
      dThetaOut[0] += x * v[0];
      dThetaOut[1] -= x * y * v[0];
      dThetaOut[2] -= y * v[1];
      dThetaOut[3] += x * y * v[1];
    },
    jac(_t, u, th, J) {
      const x = u[0], y = u[1];
      J[0] = th[0] - th[1] * y;
      J[1] = -th[1] * x;
      J[2] = th[3] * y;
      J[3] = th[3] * x - th[2];
    },
  };
}

export const lotkaVolterra: SystemDef = {
  name: 'lotka-volterra',
  description: "Predator–prey model x' = αx − βxy, y' = δxy − γy; conserves V = δx − γ ln x + βy − α ln y; coexistence point (γ/δ, α/β).",
  params: [
    { name: 'alpha', default: 2 / 3, unit: '1/time', description: 'prey growth rate α, > 0' },
    { name: 'beta', default: 4 / 3, description: 'predation rate β, > 0' },
    { name: 'gamma', default: 1, unit: '1/time', description: 'predator death rate γ, > 0' },
    { name: 'delta', default: 1, description: 'predator growth per prey δ, > 0' },
    { name: 'x0', default: [1, 1], length: '2', description: 'initial (prey, predators), > 0' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('lotka-volterra', this.params, values);
    const alpha = r.number('alpha', { above: 0 });
    const beta = r.number('beta', { above: 0 });
    const gamma = r.number('gamma', { above: 0 });
    const delta = r.number('delta', { above: 0 });
    const x0 = r.vector('x0', 2, { above: 0 });
    return {
      term: lotkaVolterraTerm(),
      theta: Float64Array.of(alpha, beta, gamma, delta),
      layout: makeLayout({ alpha: [], beta: [], gamma: [], delta: [] }).layout,
      y0: x0,
      stateNames: ['x', 'y'],
      observe: {
        names: ['prey', 'predators'],
        fn(y, out) {
          out[0] = y[0];
          out[1] = y[1];
        },
      },
      invariants: [{ name: 'V', value: (y) => delta * y[0] - gamma * Math.log(y[0]) + beta * y[1] - alpha * Math.log(y[1]) }],
      conservative: true,
      solver: 'dopri5',
      until: 50,
      dt: 0.05,
    };
  },
};
