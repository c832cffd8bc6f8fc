/**
 * FitzHugh (1961)–Nagumo neuron model v' = v − v³/3 − w + I, w' = ε(v + a − bw). At the
 * default I = 0.5 the resting state is unstable and the neuron spikes periodically; at
 * I = 0 it rests at a stable fixed point. θ = [a, b, eps, I].
 */
import { makeLayout } from '../core/params.js';
import type { Term } from '../ode/term.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { ParamReader } from './params.js';

/**
 * Fixed points: w = (v + a)/b with v a real root of v³/3 + (1/b − 1)v + a/b − I = 0,
 * solved in closed form (Cardano, or the trigonometric form for three real roots).
 */
export function fitzhughNagumoFixedPoints(a: number, b: number, I: number): [number, number][] {
  // Depressed cubic v³ + p v + q = 0 (times 3).
  const p = 3 * (1 / b - 1);
  const q = 3 * (a / b - I);
  const disc = (q * q) / 4 + (p * p * p) / 27;
  let roots: number[];
  if (disc > 0) {
    const s = Math.sqrt(disc);
    roots = [Math.cbrt(-q / 2 + s) + Math.cbrt(-q / 2 - s)];
  } else {
    const m = 2 * Math.sqrt(-p / 3);
    const phi = Math.acos(Math.max(-1, Math.min(1, (3 * q) / (p * m))));
    roots = [0, 1, 2].map((k) => m * Math.cos(phi / 3 - (2 * Math.PI * k) / 3));
  }
  return roots.sort((x, y) => x - y).map((v) => [v, (v + a) / b]);
}

function fitzhughNagumoTerm(): Term {
  return {
    dim: 2,
    nParams: 4,
    f(_t, y, th, dy) {
      const v = y[0], w = y[1];
      dy[0] = v - (v * v * v) / 3 - w + th[3];
      dy[1] = th[2] * (v + th[0] - th[1] * w);
    },
    vjp(_t, y, th, u, dyOut, dThetaOut) {
      const v = y[0], w = y[1];
      dyOut[0] += (1 - v * v) * u[0] + th[2] * u[1];
      dyOut[1] += -u[0] - th[2] * th[1] * u[1];
      dThetaOut[0] += th[2] * u[1];
      dThetaOut[1] -= th[2] * w * u[1];
      dThetaOut[2] += (v + th[0] - th[1] * w) * u[1];
      dThetaOut[3] += u[0];
    },
    jac(_t, y, th, J) {
      J[0] = 1 - y[0] * y[0];
      J[1] = -1;
      J[2] = th[2];
      J[3] = -th[2] * th[1];
    },
  };
}

export const fitzhughNagumo: SystemDef = {
  name: 'fitzhugh-nagumo',
  description: "FitzHugh–Nagumo neuron v' = v − v³/3 − w + I, w' = ε(v + a − bw); spikes periodically at I = 0.5, rests at I = 0.",
  params: [
    { name: 'a', default: 0.7, description: 'recovery offset a' },
    { name: 'b', default: 0.8, description: 'recovery feedback b, > 0' },
    { name: 'eps', default: 0.08, description: 'time-scale ratio ε, > 0' },
    { name: 'I', default: 0.5, description: 'external stimulus current' },
    { name: 'x0', default: [-1, 1], length: '2', description: 'initial (v, w)' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('fitzhugh-nagumo', this.params, values);
    const a = r.number('a');
    const b = r.number('b', { above: 0 });
    const eps = r.number('eps', { above: 0 });
    const I = r.number('I');
    const x0 = r.vector('x0', 2);
    return {
      term: fitzhughNagumoTerm(),
      theta: Float64Array.of(a, b, eps, I),
      layout: makeLayout({ a: [], b: [], eps: [], I: [] }).layout,
      y0: x0,
      stateNames: ['v', 'w'],
      observe: {
        names: ['v'],
        fn(y, out) {
          out[0] = y[0];
        },
      },
      invariants: [],
      conservative: false,
      solver: 'dopri5',
      until: 200,
      dt: 0.1,
    };
  },
};
