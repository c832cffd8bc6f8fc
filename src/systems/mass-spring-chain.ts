/**
 * A chain of n masses joined by springs, optionally tied to walls at either end:
 *
 *   m_i x_i'' = −k_i (x_i − x_{i−1}) + k_{i+1} (x_{i+1} − x_i) − c_i x_i',   x_{−1} = x_n = 0 (walls)
 *
 * with displacements x from equilibrium. Spring s (0 … n) joins mass s−1 and mass s;
 * springs 0 and n hold the chain to the walls, and a zero there is a free end. Linear:
 * a `LinearTerm`. State [x (n), v (n)]; θ = [m (n), k (n+1), c (n)].
 * Conserves energy when undamped, and momentum Σ m_i v_i when both ends are free too.
 */
import { makeLayout } from '../core/params.js';
import type { BuiltSystem, Invariant, ParamInput, SystemDef } from './base.js';
import { linearModes, linearTerm } from './linear.js';
import { ParamReader } from './params.js';

function chainTerm(n: number) {
  const d = 2 * n;
  const oK = n;
  const oC = 2 * n + 1;
  return linearTerm({
    dim: d,
    nParams: 3 * n + 1,
    matrix(th, A) {
      A.fill(0);
      for (let i = 0; i < n; i++) {
        A[i * d + n + i] = 1;
        const row = (n + i) * d;
        const im = 1 / th[i];
        A[row + i] = -(th[oK + i] + th[oK + i + 1]) * im;
        if (i > 0) A[row + i - 1] = th[oK + i] * im;
        if (i < n - 1) A[row + i + 1] = th[oK + i + 1] * im;
        A[row + n + i] = -th[oC + i] * im;
      }
    },
    matrixVjp(th, Abar, dTheta) {
      for (let i = 0; i < n; i++) {
        const row = (n + i) * d;
        const im = 1 / th[i];
        const kl = th[oK + i];
        const kr = th[oK + i + 1];
        // Row i of the force block is (1/m_i)·(k_l e_{i−1} − (k_l + k_r) e_i + k_r e_{i+1} − c_i e_{n+i}).
        let dot = -(kl + kr) * Abar[row + i] - th[oC + i] * Abar[row + n + i];
        let gl = -Abar[row + i];
        let gr = -Abar[row + i];
        if (i > 0) {
          dot += kl * Abar[row + i - 1];
          gl += Abar[row + i - 1];
        }
        if (i < n - 1) {
          dot += kr * Abar[row + i + 1];
          gr += Abar[row + i + 1];
        }
        dTheta[i] -= dot * im * im;
        dTheta[oK + i] += gl * im;
        dTheta[oK + i + 1] += gr * im;
        dTheta[oC + i] -= Abar[row + n + i] * im;
      }
    },
  });
}

export const massSpringChain: SystemDef = {
  name: 'mass-spring-chain',
  description:
    'n masses joined by springs, ends fixed to walls or free (end spring 0); m_i x_i\'\' = −k_i (x_i − x_{i−1}) + k_{i+1}(x_{i+1} − x_i) − c_i x_i\'. Energy; momentum with free ends.',
  params: [
    { name: 'n', default: 3, description: 'number of masses' },
    { name: 'm', default: 1, unit: 'kg', length: 'n', description: 'masses, > 0' },
    { name: 'k', default: 1, unit: 'N/m', length: 'n+1', description: 'spring constants ≥ 0: k_0 to the left wall, k_i between masses i−1 and i, k_n to the right wall (0: free end)' },
    { name: 'c', default: 0, unit: 'kg/s', length: 'n', description: 'damping coefficients, ≥ 0' },
    { name: 'x0', default: [], unit: 'm', length: 'n', description: 'initial displacements (default: 0.5 for the first mass, 0 for the rest)' },
    { name: 'v0', default: 0, unit: 'm/s', length: 'n', description: 'initial velocities' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('mass-spring-chain', this.params, values);
    const n = r.number('n', { integer: true, min: 1 });
    const m = r.vector('m', n, { above: 0 });
    const k = r.vector('k', n + 1, { min: 0 });
    const c = r.vector('c', n, { min: 0 });
    const x0 = r.vector('x0', n, {}, (len) => Array.from({ length: len }, (_, i) => (i === 0 ? 0.5 : 0)));
    const v0 = r.vector('v0', n);
    const { layout, size } = makeLayout({ m: [n], k: [n + 1], c: [n] });
    const theta = new Float64Array(size);
    theta.set(m, 0);
    theta.set(k, n);
    theta.set(c, 2 * n + 1);
    const y0 = new Float64Array(2 * n);
    y0.set(x0, 0);
    y0.set(v0, n);
    const term = chainTerm(n);
    const pos = (y: Float64Array, j: number) => (j < 0 || j >= n ? 0 : y[j]);
    const invariants: Invariant[] = [
      {
        name: 'energy',
        value(y) {
          let e = 0;
          for (let i = 0; i < n; i++) e += 0.5 * m[i] * y[n + i] * y[n + i];
          for (let s = 0; s <= n; s++) e += 0.5 * k[s] * (pos(y, s) - pos(y, s - 1)) ** 2;
          return e;
        },
      },
    ];
    const freeEnds = k[0] === 0 && k[n] === 0;
    if (freeEnds) {
      invariants.push({
        name: 'momentum',
        value(y) {
          let p = 0;
          for (let i = 0; i < n; i++) p += m[i] * y[n + i];
          return p;
        },
      });
    }
    const modes = () => {
      const A = new Float64Array(4 * n * n);
      term.matrix(theta, A);
      return linearModes(A, 2 * n);
    };
    const freqs = modes().map((md) => md.frequency);
    const slowest = freqs.length ? freqs[0] : 1;
    const fastest = freqs.length ? freqs[freqs.length - 1] : 1;
    return {
      term,
      theta,
      layout,
      y0,
      stateNames: [...Array.from({ length: n }, (_, i) => `x${i + 1}`), ...Array.from({ length: n }, (_, i) => `v${i + 1}`)],
      observe: {
        names: Array.from({ length: n }, (_, i) => `x${i + 1}`),
        fn(y, out) {
          for (let i = 0; i < n; i++) out[i] = y[i];
        },
      },
      invariants,
      conservative: c.every((x) => x === 0),
      solver: 'exact-linear',
      until: (3 * 2 * Math.PI) / slowest,
      dt: (2 * Math.PI) / fastest / 50,
      modes,
    };
  },
};
