/**
 * The Lorenz (1963) system x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz: at the classic
 * σ = 10, ρ = 28, β = 8/3 a chaotic attractor. θ = [sigma, rho, beta]; dissipative, no
 * invariants.
 */
import { makeLayout } from '../core/params.js';
import type { Term } from '../ode/term.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { ParamReader } from './params.js';

/** Fixed points: the origin, and for ρ > 1 the pair C± = (±√(β(ρ−1)), ±√(β(ρ−1)), ρ − 1). */
export function lorenzFixedPoints(_sigma: number, rho: number, beta: number): [number, number, number][] {
  const points: [number, number, number][] = [[0, 0, 0]];
  if (rho > 1) {
    const c = Math.sqrt(beta * (rho - 1));
    points.push([c, c, rho - 1], [-c, -c, rho - 1]);
  }
  return points;
}

function lorenzTerm(): Term {
  return {
    dim: 3,
    nParams: 3,
    f(_t, u, th, du) {
      const x = u[0], y = u[1], z = u[2];
      du[0] = th[0] * (y - x);
      du[1] = x * (th[1] - z) - y;
      du[2] = x * y - th[2] * z;
    },
    vjp(_t, u, th, v, dyOut, dThetaOut) {
      const x = u[0], y = u[1], z = u[2];
      dyOut[0] += -th[0] * v[0] + (th[1] - z) * v[1] + y * v[2];
      dyOut[1] += th[0] * v[0] - v[1] + x * v[2];
      dyOut[2] += -x * v[1] - th[2] * v[2];
      dThetaOut[0] += (y - x) * v[0];
      dThetaOut[1] += x * v[1];
      dThetaOut[2] -= z * v[2];
    },
    jac(_t, u, th, J) {
      const x = u[0], y = u[1], z = u[2];
      J.set([-th[0], th[0], 0, th[1] - z, -1, -x, y, x, -th[2]]);
    },
  };
}

export const lorenz: SystemDef = {
  name: 'lorenz',
  description: "Lorenz (1963) convection model x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz; chaotic at σ = 10, ρ = 28, β = 8/3.",
  params: [
    { name: 'sigma', default: 10, description: 'Prandtl number σ, > 0' },
    { name: 'rho', default: 28, description: 'Rayleigh number ρ, > 0' },
    { name: 'beta', default: 8 / 3, description: 'geometric factor β, > 0' },
    { name: 'x0', default: [1, 1, 1], length: '3', description: 'initial state (x, y, z)' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('lorenz', this.params, values);
    const sigma = r.number('sigma', { above: 0 });
    const rho = r.number('rho', { above: 0 });
    const beta = r.number('beta', { above: 0 });
    const x0 = r.vector('x0', 3);
    return {
      term: lorenzTerm(),
      theta: Float64Array.of(sigma, rho, beta),
      layout: makeLayout({ sigma: [], rho: [], beta: [] }).layout,
      y0: x0,
      stateNames: ['x', 'y', 'z'],
      observe: {
        names: ['x', 'y', 'z'],
        fn(y, out) {
          out[0] = y[0];
          out[1] = y[1];
          out[2] = y[2];
        },
      },
      invariants: [],
      conservative: false,
      solver: 'dopri5',
      until: 25,
      dt: 0.01,
    };
  },
};
