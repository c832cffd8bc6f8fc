/**
 * N coupled damped pendulums ("grandfather clocks coupled through the air"), the
 * reference experiment (docs/architecture.md; bench/bank/task.py is the task script):
 *
 *   x_i'' = −w_i² sin x_i − g_i x_i' + Σ_j k_ij (x_j − x_i)      (nonlinear)
 *   x_i'' = −w_i² x_i     − g_i x_i' + Σ_j k_ij (x_j − x_i)      (small angle, default)
 *
 * observed as the single channel y = Σ_i x_i. Defaults are task.py's seed-0 draw.
 * State [x_1…x_N, v_1…v_N]; θ = [w (N), g (N), k (N×N row-major)] — without g for the
 * undamped nonlinear system, which is a separable Hamiltonian and so a `SplitTerm`.
 */
import { ConfigError } from '../core/errors.js';
import { makeLayout } from '../core/params.js';
import type { SplitTerm, Term } from '../ode/term.js';
import type { BuiltSystem, ParamInput, SystemDef } from './base.js';
import { linearModes, linearTerm } from './linear.js';
import { linspace, ParamReader } from './params.js';

/** bench/bank/task.py, seed 0 (as the script prints them to task.json; docs/peer-baselines.md). */
const TASK_SEED0 = {
  w: [1.0410885061964363, 1.5976026807958277, 2.1956253905141914, 2.854958290658559],
  g: [0.04439810717600817, 0.047382667318331656, 0.0381990732730154, 0.04188489682951996],
  k: [
    [0.0, 0.13154374871981345, 0.19026086356816524, 0.17237803311822986],
    [0.13154374871981345, 0.0, 0.050410775025522214, 0.17861064148813544],
    [0.19026086356816524, 0.050410775025522214, 0.0, 0.05503783629581965],
    [0.17237803311822986, 0.17861064148813544, 0.05503783629581965, 0.0],
  ],
  x0: [0.45931089285988813, -0.648688758794882, 0.7263578446997732, 0.08292244049818343],
  v0: [-0.40057621892523043, -0.1546255576046831, -0.9433606577090741, -0.7514334470008721],
};

/** Coupling topology names, in the order of the `coupling` parameter's choices. */
const COUPLINGS = ['all', 'chain'];

/** Reads k as a full symmetric N×N matrix (a scalar is the strength of every allowed pair). */
function couplingMatrix(r: ParamReader, n: number, coupling: string): Float64Array {
  const allowed = (i: number, j: number) => i !== j && (coupling === 'all' || Math.abs(i - j) === 1);
  const raw = !r.given('k') && n !== TASK_SEED0.w.length ? Float64Array.of(0.1) : r.numbers('k', { min: 0 });
  const K = new Float64Array(n * n);
  if (raw.length === 1) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (allowed(i, j)) K[i * n + j] = raw[0];
    return K;
  }
  if (raw.length !== n * n) {
    throw new ConfigError(`expected a scalar strength or ${n * n} values (an N×N matrix, N = ${n}); got ${raw.length}`, 'k');
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const kij = raw[i * n + j];
      if (i === j) {
        if (kij !== 0) throw new ConfigError(`the diagonal must be 0 (k_${i + 1}${i + 1} = ${kij})`, 'k');
        continue;
      }
      if (Math.abs(kij - raw[j * n + i]) > 1e-12 * Math.max(1, Math.abs(kij))) {
        throw new ConfigError(`must be symmetric; k_${i + 1}${j + 1} = ${kij} but k_${j + 1}${i + 1} = ${raw[j * n + i]}`, 'k');
      }
      if (kij !== 0 && !allowed(i, j)) {
        throw new ConfigError(`coupling "${coupling}" allows only nearest neighbours, but k_${i + 1}${j + 1} = ${kij}`, 'k');
      }
      K[i * n + j] = kij;
    }
  }
  return K;
}

/**
 * The nonlinear term, f = [v, F(x) − g∘v] with F_i = −w_i² sin x_i + Σ_j k_ij (x_j − x_i).
 * `damped` false gives the SplitTerm (θ = [w, k]); true the plain Term (θ = [w, g, k]).
 */
function nonlinearTerm(n: number, damped: boolean): Term | SplitTerm {
  const oW = 0;
  const oG = n;
  const oK = damped ? 2 * n : n;
  const nParams = oK + n * n;
  const force = (q: Float64Array, theta: Float64Array, out: Float64Array, at: number) => {
    for (let i = 0; i < n; i++) {
      const w = theta[oW + i];
      let s = -w * w * Math.sin(q[i]);
      for (let j = 0; j < n; j++) if (j !== i) s += theta[oK + i * n + j] * (q[j] - q[i]);
      out[at + i] = s;
    }
  };
  // qOut += (∂F/∂q)ᵀ b and θ(w, k) += (∂F/∂θ)ᵀ b, with b = v[at … at+n).
  const forceVjp = (q: Float64Array, theta: Float64Array, v: Float64Array, at: number, qOut: Float64Array, dTheta: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const b = v[at + i];
      const w = theta[oW + i];
      qOut[i] -= b * w * w * Math.cos(q[i]);
      dTheta[oW + i] -= 2 * w * Math.sin(q[i]) * b;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const kij = theta[oK + i * n + j];
        qOut[j] += b * kij;
        qOut[i] -= b * kij;
        dTheta[oK + i * n + j] += b * (q[j] - q[i]);
      }
    }
  };
  const base: Term = {
    dim: 2 * n,
    nParams,
    f(_t, y, theta, dy) {
      force(y, theta, dy, n);
      for (let i = 0; i < n; i++) {
        dy[i] = y[n + i];
        if (damped) dy[n + i] -= theta[oG + i] * y[n + i];
      }
    },
    vjp(_t, y, theta, v, dyOut, dThetaOut) {
      // x-rows: d(x_i)/dt = v_i; v-rows: F_i(x) − g_i v_i.
      forceVjp(y, theta, v, n, dyOut, dThetaOut);
      for (let i = 0; i < n; i++) {
        dyOut[n + i] += v[i];
        if (damped) {
          dyOut[n + i] -= theta[oG + i] * v[n + i];
          dThetaOut[oG + i] -= y[n + i] * v[n + i];
        }
      }
    },
    jac(_t, y, theta, J) {
      const d = 2 * n;
      J.fill(0);
      for (let i = 0; i < n; i++) {
        J[i * d + n + i] = 1;
        const w = theta[oW + i];
        let diag = -w * w * Math.cos(y[i]);
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const kij = theta[oK + i * n + j];
          J[(n + i) * d + j] = kij;
          diag -= kij;
        }
        J[(n + i) * d + i] = diag;
        if (damped) J[(n + i) * d + n + i] = -theta[oG + i];
      }
    },
  };
  if (damped) return base;
  const split: SplitTerm = {
    ...base,
    kind: 'split',
    dq(_t, p, _theta, dq) {
      dq.set(p);
    },
    dp(_t, qq, theta, dp) {
      force(qq, theta, dp, 0);
    },
    dqVjp(_t, _p, _theta, v, pOut) {
      for (let i = 0; i < n; i++) pOut[i] += v[i];
    },
    dpVjp(_t, qq, theta, v, qOut, dThetaOut) {
      forceVjp(qq, theta, v, 0, qOut, dThetaOut);
    },
  };
  return split;
}

/** The small-angle linear term y' = A y (θ = [w, g, k]), as in task.py's `system_matrix`. */
function smallAngleTerm(n: number) {
  const d = 2 * n;
  return linearTerm({
    dim: d,
    nParams: 2 * n + n * n,
    matrix(theta, A) {
      A.fill(0);
      for (let i = 0; i < n; i++) {
        A[i * d + n + i] = 1;
        const w = theta[i];
        let diag = -w * w;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const kij = theta[2 * n + i * n + j];
          A[(n + i) * d + j] = kij;
          diag -= kij;
        }
        A[(n + i) * d + i] = diag;
        A[(n + i) * d + n + i] = -theta[n + i];
      }
    },
    matrixVjp(theta, Abar, dTheta) {
      for (let i = 0; i < n; i++) {
        const row = (n + i) * d;
        dTheta[i] -= 2 * theta[i] * Abar[row + i];
        dTheta[n + i] -= Abar[row + n + i];
        for (let j = 0; j < n; j++) if (j !== i) dTheta[2 * n + i * n + j] += Abar[row + j] - Abar[row + i];
      }
    },
  });
}

export const coupledPendulums: SystemDef = {
  name: 'coupled-pendulums',
  description:
    'N coupled damped pendulums observed as y = Σ x_i: x_i\'\' = −w_i² sin x_i (or −w_i² x_i, small angle) − g_i x_i\' + Σ_j k_ij (x_j − x_i). Defaults: the reference task, seed 0 (bench/bank/task.py).',
  params: [
    { name: 'N', default: 4, description: 'number of pendulums' },
    { name: 'w', default: TASK_SEED0.w, unit: 'rad/s', length: 'N', description: 'natural frequencies (default for other N: evenly spaced on [1, 3])' },
    { name: 'g', default: TASK_SEED0.g, unit: '1/s', length: 'N', description: 'damping rates, ≥ 0 (default for other N: 0.03)' },
    {
      name: 'k',
      default: TASK_SEED0.k.flat(),
      unit: '1/s²',
      length: 'N×N or 1',
      description: 'coupling strengths: a symmetric N×N matrix (row-major, zero diagonal) or one strength for every coupled pair (default for other N: 0.1)',
    },
    { name: 'coupling', default: 0, choices: COUPLINGS, description: 'topology: all (all-to-all) or chain (nearest neighbours)' },
    { name: 'smallAngle', default: 1, choices: ['false', 'true'], description: 'linearise sin x ≈ x (a LinearTerm, solved exactly)' },
    { name: 'x0', default: TASK_SEED0.x0, unit: 'rad', length: 'N', description: 'initial angles (default for other N: 0.5 for the first, 0 for the rest)' },
    { name: 'v0', default: TASK_SEED0.v0, unit: 'rad/s', length: 'N', description: 'initial angular velocities (default for other N: 0)' },
  ],
  build(values: Record<string, ParamInput> = {}): BuiltSystem {
    const r = new ParamReader('coupled-pendulums', this.params, values);
    const n = r.number('N', { integer: true, min: 1 });
    const w = r.vector('w', n, { min: 0 }, (m) => linspace(1, 3, m));
    const g = r.vector('g', n, { min: 0 }, (m) => new Array<number>(m).fill(0.03));
    const coupling = r.choice('coupling');
    const K = couplingMatrix(r, n, coupling);
    const small = r.flag('smallAngle');
    const x0 = r.vector('x0', n, {}, (m) => Array.from({ length: m }, (_, i) => (i === 0 ? 0.5 : 0)));
    const v0 = r.vector('v0', n, {}, (m) => new Array<number>(m).fill(0));
    const damped = g.some((x) => x !== 0);
    const withG = small || damped;
    const { layout, size } = withG ? makeLayout({ w: [n], g: [n], k: [n, n] }) : makeLayout({ w: [n], k: [n, n] });
    const theta = new Float64Array(size);
    theta.set(w, 0);
    if (withG) theta.set(g, n);
    theta.set(K, withG ? 2 * n : n);
    const term = small ? smallAngleTerm(n) : nonlinearTerm(n, damped);
    const y0 = new Float64Array(2 * n);
    y0.set(x0, 0);
    y0.set(v0, n);
    const potential = small ? (x: number) => 0.5 * x * x : (x: number) => 1 - Math.cos(x);
    const energy = (y: Float64Array) => {
      let e = 0;
      for (let i = 0; i < n; i++) {
        e += 0.5 * y[n + i] * y[n + i] + w[i] * w[i] * potential(y[i]);
        for (let j = i + 1; j < n; j++) e += 0.5 * K[i * n + j] * (y[i] - y[j]) ** 2;
      }
      return e;
    };
    const built: BuiltSystem = {
      term,
      theta,
      layout,
      y0,
      stateNames: [...Array.from({ length: n }, (_, i) => `x${i + 1}`), ...Array.from({ length: n }, (_, i) => `v${i + 1}`)],
      observe: {
        names: ['y'],
        fn(y, out) {
          let s = 0;
          for (let i = 0; i < n; i++) s += y[i];
          out[0] = s;
        },
      },
      invariants: [{ name: 'energy', value: energy }],
      conservative: !damped,
      solver: small ? 'exact-linear' : damped ? 'dopri5' : 'yoshida4',
      until: 30,
      dt: 0.01,
    };
    if (small) {
      const lin = term as ReturnType<typeof smallAngleTerm>;
      built.modes = () => {
        const A = new Float64Array(4 * n * n);
        lin.matrix(theta, A);
        const c = new Float64Array(2 * n);
        c.fill(1, 0, n);
        return linearModes(A, 2 * n, c, y0);
      };
    }
    return built;
  },
};
