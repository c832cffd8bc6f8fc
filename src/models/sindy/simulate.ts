/**
 * Running a discovered model: the ODE x' = Θ(x) Ξ compiled by the equation language into
 * straight-line code over its active terms only (`compiledTerm`: the system `discovered.eq`
 * holds, θ = Ξ's nonzero entries), integrated by DOP853 from the fitted initial state; or
 * the map x_{k+1} = Θ(x_k) Ξ iterated on its grid. `sindyTerm` is the same field over all
 * of Ξ (θ = Ξ row-major, the vjp from the library's analytic gradient), for refitting Ξ.
 */
import { ConfigError, DataError, DivergenceError } from '../../core/errors.js';
import { compileSystem, EquationError } from '../../equations/index.js';
import { solve } from '../../ode/solve.js';
import type { Term } from '../../ode/term.js';
import { discoveredSystem } from './equations.js';
import type { FeatureLibrary } from './library/index.js';

/** Tolerances of the forecast integration: tight, so the model, not the solver, sets the error. */
export const SIMULATE_RTOL = 1e-10;
export const SIMULATE_ATOL = 1e-12;
/**
 * Most DOP853 steps per forecast: Lorenz over 15 time units takes about 1.5·10³; a damaged
 * or stiff model stops here with a SolverError rather than running for minutes.
 */
export const SIMULATE_MAX_STEPS = 200_000;

/**
 * The discovered ODE compiled: the system of `discoveredSystem` (each active term once,
 * products and functions as generated code) as a `Term`, with θ its parameters — Ξ's
 * nonzero entries in row-major order. Undefined for a system past the equation language's
 * limits (more than 1000 tokens in one right-hand side: hundreds of active terms), which
 * `sindyTerm` integrates instead.
 */
export function compiledTerm(channels: readonly string[], features: readonly string[], coef: readonly ArrayLike<number>[]): { term: Term; theta: Float64Array } | undefined {
  try {
    const system = compileSystem(discoveredSystem(channels, features, coef));
    return { term: system.term(), theta: Float64Array.from(system.params, (p) => p.initial) };
  } catch (e) {
    if (!(e instanceof EquationError)) throw e;
    return undefined;
  }
}

/** The field of `term` negated: integrating it forward in s = t0 − t runs `term` backward. */
function reversed(term: Term): Term {
  const minus = new Float64Array(term.dim);
  return {
    dim: term.dim,
    nParams: term.nParams,
    f(t, y, theta, dy) {
      term.f(t, y, theta, dy);
      for (let c = 0; c < dy.length; c++) dy[c] = -dy[c];
    },
    vjp(t, y, theta, v, dyOut, dThetaOut) {
      for (let c = 0; c < minus.length; c++) minus[c] = -v[c];
      term.vjp(t, y, theta, minus, dyOut, dThetaOut);
    },
  };
}

/** Most map iterations per forecast. */
const MAX_MAP_STEPS = 10_000_000;

/**
 * The term x' = Θ(x) Ξ on `C` variables, θ = Ξ (C × P, row-major). `support` lists the
 * entries c·P + k that may be nonzero; f and vjp sum over them only (all when absent).
 */
export function sindyTerm(library: FeatureLibrary, C: number, support?: readonly number[]): Term {
  const P = library.size(C);
  const idx = Int32Array.from(support ?? Array.from({ length: C * P }, (_, i) => i));
  // Channel and feature of each entry, worked out once: f runs ~10⁵ times per forecast.
  const channel = idx.map((e) => Math.floor(e / P));
  const feature = idx.map((e) => e % P);
  /** The features some entry of the support uses: f evaluates only these. */
  const used = Int32Array.from(new Set(feature)).sort();
  const feat = new Float64Array(P);
  const J = new Float64Array(P * C);
  return {
    dim: C,
    nParams: C * P,
    f(_t, y, theta, dy) {
      if (library.pointAt) library.pointAt(y, used, feat);
      else library.point(y, feat);
      dy.fill(0);
      for (let a = 0; a < idx.length; a++) dy[channel[a]] += theta[idx[a]] * feat[feature[a]];
    },
    vjp(_t, y, theta, v, dyOut, dThetaOut) {
      library.point(y, feat);
      library.gradient(y, J);
      for (let a = 0; a < idx.length; a++) {
        const e = idx[a];
        const c = (e / P) | 0;
        const k = e - c * P;
        const w = v[c];
        dThetaOut[e] += w * feat[k];
        const s = w * theta[e];
        for (let j = 0; j < C; j++) dyOut[j] += s * J[k * C + j];
      }
    },
  };
}

/** The order that sorts `times` ascending. */
function ascending(times: Float64Array): number[] {
  return Array.from(times.keys()).sort((a, b) => times[a] - times[b]);
}

/**
 * x(t) at `times` from x(t0) = x0 under the autonomous field `term`: forward in time for
 * t ≥ t0, and backward (the negated field, forward in s = t0 − t) for t < t0. Returns one
 * array per variable.
 */
export function simulateOde(term: Term, theta: Float64Array, x0: Float64Array, t0: number, times: Float64Array, signal?: AbortSignal): Float64Array[] {
  const C = x0.length;
  const out = Array.from({ length: C }, () => new Float64Array(times.length));
  const order = ascending(times);
  const after = order.filter((i) => times[i] >= t0);
  const before = order.filter((i) => times[i] < t0).reverse();
  for (const [idx, sign] of [[after, 1], [before, -1]] as const) {
    if (idx.length === 0) continue;
    const saveAt = Float64Array.from(idx, (i) => sign * (times[i] - t0));
    const sol = solve({
      term: sign > 0 ? term : reversed(term),
      solver: 'dop853',
      t0: 0,
      t1: saveAt[saveAt.length - 1],
      y0: x0,
      theta,
      saveAt,
      rtol: SIMULATE_RTOL,
      atol: SIMULATE_ATOL,
      maxSteps: SIMULATE_MAX_STEPS,
      signal,
    });
    idx.forEach((i, r) => {
      for (let c = 0; c < C; c++) out[c][i] = sol.y[r * C + c];
    });
  }
  return out;
}

/** x at `times` under the map x_{k+1} = Θ(x_k) Ξ with x_0 = x0 at t0, one step every `step`. */
export function iterateMap(library: FeatureLibrary, coef: readonly Float64Array[], x0: Float64Array, t0: number, step: number, times: Float64Array): Float64Array[] {
  const C = x0.length;
  const P = library.size(C);
  const ks = Array.from(times, (t) => {
    const k = Math.round((t - t0) / step);
    if (!(k >= 0 && Math.abs(t - t0 - k * step) <= 1e-6 * step)) {
      throw new DataError(`the discrete map steps every ${step} from t = ${t0}; t = ${t} is not one of its steps`);
    }
    return k;
  });
  const order = ascending(times);
  const last = ks[order[order.length - 1]] ?? 0;
  if (last > MAX_MAP_STEPS) throw new ConfigError(`t = ${times[order[order.length - 1]]} is ${last} map steps away; at most ${MAX_MAP_STEPS} are taken`, 'times');
  const out = Array.from({ length: C }, () => new Float64Array(times.length));
  const x = Float64Array.from(x0);
  const next = new Float64Array(C);
  const feat = new Float64Array(P);
  let k = 0;
  for (const i of order) {
    for (; k < ks[i]; k++) {
      library.point(x, feat);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let j = 0; j < P; j++) if (coef[c][j] !== 0) s += coef[c][j] * feat[j];
        next[c] = s;
      }
      if (!next.every(Number.isFinite)) throw new DivergenceError(`the discovered map diverges at step ${k + 1} (t = ${t0 + (k + 1) * step})`, x, t0 + k * step);
      x.set(next);
    }
    for (let c = 0; c < C; c++) out[c][i] = x[c];
  }
  return out;
}
