/**
 * The loss loop of the equation family: a weighted least-squares misfit between the
 * observation of a simulated trajectory and the data, its gradient by the discrete adjoint
 * (`solveWithAdjoint`) and the observation's vjp, in the unconstrained coordinates of the
 * bounds, minimised by L-BFGS. Written against `EquationProblem` only, so that it can give
 * way to the shared trajectory layer without touching the family's own parts.
 */
import { LawfulError, throwIfAborted } from '../core/errors.js';
import { lbfgs } from '../core/optim/lbfgs.js';
import type { ObjectiveWithGradient } from '../core/optim/base.js';
import type { Series } from '../data/series.js';
import { solve, solveWithAdjoint } from '../ode/solve.js';
import { getSolver } from '../ode/solvers/index.js';
import type { EquationProblem } from './equation-problem.js';

export interface IntegrationOptions {
  /** ODE solver by registry name. Default 'dopri5'. */
  solver: string;
  /** Relative tolerance of adaptive solvers. Default 1e-8. */
  rtol: number;
  /** Absolute tolerance of adaptive solvers. Default 1e-10. */
  atol: number;
  /** Step of fixed-step solvers (unit of t); default: the data's mean sampling step. */
  dt?: number;
}

/** The fixed step a non-adaptive solver needs (default: the data's mean sampling step); adaptive ones choose their own. */
export function stepFor(integ: IntegrationOptions, t: Float64Array): number | undefined {
  if (getSolver(integ.solver).adaptive) return integ.dt;
  return integ.dt ?? (t[t.length - 1] - t[0]) / Math.max(t.length - 1, 1);
}

/** Natural vector from unconstrained z. */
export function toNatural(p: EquationProblem, z: Float64Array, out = new Float64Array(z.length)): Float64Array {
  for (let k = 0; k < z.length; k++) out[k] = p.transforms[k].toNatural(z[k]);
  return out;
}

export function toUnconstrained(p: EquationProblem, natural: Float64Array): Float64Array {
  return natural.map((v, k) => p.transforms[k].toUnconstrained(v));
}

/**
 * The misfit L(z) = Σ_c w_c Σ_i (g_c(t_i, y_i, θ) − d_ci)², w_c = 1 / (N_c · var(d_c)) so that
 * every channel weighs alike whatever its units, with ∇L written into `g`. Missing samples
 * (NaN) are skipped. A solve that fails (the trial parameters blew the state up) is an
 * infinite loss, from which the line search backtracks.
 */
export function misfit(p: EquationProblem, data: Series, integ: IntegrationOptions): ObjectiveWithGradient {
  const { system, observation, columns, term } = p;
  const n = data.t.length;
  const dim = system.dim;
  const np = system.nParams;
  const C = columns.length;
  const weights = channelStats(data, columns).map((st) => 1 / (st.n * st.variance));
  const natural = new Float64Array(p.size);
  const theta = new Float64Array(np);
  const y0 = new Float64Array(dim);
  const row = new Float64Array(dim);
  const gRow = new Float64Array(dim);
  const out = new Float64Array(C);
  const v = new Float64Array(C);
  const gY = new Float64Array(n * dim);
  const gThetaDirect = new Float64Array(np);
  const dt = stepFor(integ, data.t);
  return (z, g) => {
    toNatural(p, z, natural);
    p.split(natural, theta, y0);
    let sol;
    try {
      sol = solveWithAdjoint({ term, solver: integ.solver, t0: data.t[0], t1: data.t[n - 1], y0, theta, saveAt: data.t, rtol: integ.rtol, atol: integ.atol, dt });
    } catch (e) {
      if (e instanceof LawfulError && e.name === 'SolverError') {
        g.fill(0);
        return Infinity;
      }
      throw e;
    }
    let L = 0;
    gY.fill(0);
    gThetaDirect.fill(0);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < dim; k++) row[k] = sol.y[i * dim + k];
      observation.fn(data.t[i], row, theta, out);
      for (let c = 0; c < C; c++) {
        const d = data.y[columns[c]][i];
        const r = Number.isFinite(d) ? out[c] - d : 0;
        L += weights[c] * r * r;
        v[c] = 2 * weights[c] * r;
      }
      gRow.fill(0);
      observation.vjp(data.t[i], row, theta, v, gRow, gThetaDirect);
      for (let k = 0; k < dim; k++) gY[i * dim + k] = gRow[k];
    }
    if (!Number.isFinite(L)) {
      g.fill(0);
      return Infinity;
    }
    const { dTheta, dY0 } = sol.backward(gY);
    for (let k = 0; k < np; k++) g[k] = (dTheta[k] + gThetaDirect[k]) * p.transforms[k].slope(z[k]);
    p.freeStates.forEach((s, j) => (g[np + j] = dY0[s] * p.transforms[np + j].slope(z[np + j])));
    return L;
  };
}

export interface LoopOptions {
  maxIterations: number;
  /**
   * Fractions of the training window fitted in turn, each stage starting where the last one
   * ended. A short window first keeps single shooting out of the local minima that an
   * oscillating system's long-horizon misfit is full of. Default [0.2, 0.4, 0.7, 1].
   */
  horizons?: number[];
  /**
   * Fit the free initial states alone first (parameters held), over the first fifth of the
   * window and then all of it, before the joint fit, which then takes the whole window at
   * once (EquationConfig.statesFirst). Default false.
   */
  statesFirst?: boolean;
  /** Natural starting vector. Default: the problem's initial guess. */
  start?: Float64Array;
  signal?: AbortSignal;
  onProgress?: (p: { fraction: number; stage?: string; loss?: number }) => void;
}

/** The first `m` samples of a series (views, no copies). */
function head(data: Series, m: number): Series {
  return { t: data.t.subarray(0, m), y: data.y.map((c) => c.subarray(0, m)), names: data.names };
}

/** How many samples lie in the first fraction `frac` of the window. */
function samplesUntil(data: Series, frac: number): number {
  const n = data.t.length;
  const tEnd = data.t[0] + frac * (data.t[n - 1] - data.t[0]);
  let m = 0;
  while (m < n && data.t[m] <= tEnd + 1e-12 * Math.abs(tEnd)) m++;
  return m;
}

/**
 * The states-first stage's short window: from an initial state of zeros (states the data do
 * not show) the whole window's first solve takes one long step whose gradient misleads
 * L-BFGS (measured on examples/coupled-pendulums.eq: 0 iterations); a fifth of it does not.
 */
const STATES_FIRST_HEAD = 0.2;

/** Minimises the misfit from the problem's initial guess over growing windows; returns the natural vector and the final loss. */
export function fitProblem(p: EquationProblem, data: Series, integ: IntegrationOptions, loop: LoopOptions): { natural: Float64Array; loss: number; iterations: number } {
  const n = data.t.length;
  const horizons = loop.horizons ?? (loop.statesFirst ? [1] : [0.2, 0.4, 0.7, 1]);
  let z = toUnconstrained(p, loop.start ?? p.initialGuess);
  let loss = NaN;
  let iterations = 0;
  let last = 0;
  const np = p.system.nParams;
  if (loop.statesFirst && p.freeStates.length > 0) {
    // The parameters' gradient zeroed: L-BFGS's steps then leave them where they are.
    const held = (f: ObjectiveWithGradient): ObjectiveWithGradient => (x, g) => {
      const L = f(x, g);
      g.fill(0, 0, np);
      return L;
    };
    [STATES_FIRST_HEAD, 1].forEach((frac) => {
      const r = lbfgs(held(misfit(p, head(data, Math.min(n, Math.max(3, samplesUntil(data, frac)))), integ)), z, { maxIterations: loop.maxIterations, gradTol: 1e-12, signal: loop.signal });
      throwIfAborted(loop.signal);
      z = r.x;
      iterations += r.iterations;
    });
  }
  horizons.forEach((frac, stage) => {
    let m = samplesUntil(data, frac);
    if (stage < horizons.length - 1 && (m < 3 || m <= last)) return;
    m = stage === horizons.length - 1 ? n : m;
    last = m;
    const r = lbfgs(misfit(p, head(data, m), integ), z, {
      maxIterations: loop.maxIterations,
      gradTol: 1e-12,
      signal: loop.signal,
      onIteration: (it, f) => loop.onProgress?.({ fraction: (stage + it / loop.maxIterations) / horizons.length, stage: `window ${stage + 1}/${horizons.length}: L-BFGS iteration ${it}`, loss: f }),
    });
    throwIfAborted(loop.signal);
    z = r.x;
    loss = r.f;
    iterations += r.iterations;
  });
  return { natural: toNatural(p, z), loss, iterations };
}

/** The observed channels simulated from a fitted natural vector at `times` (t0 = the training start). */
export function simulateObserved(p: EquationProblem, natural: Float64Array, t0: number, times: Float64Array, integ: IntegrationOptions): Float64Array[] {
  const { system, observation } = p;
  const dim = system.dim;
  const theta = new Float64Array(system.nParams);
  const y0 = new Float64Array(dim);
  p.split(natural, theta, y0);
  const mean = observation.names.map(() => new Float64Array(times.length));
  if (times.length === 0) return mean;
  const t1 = times[times.length - 1];
  const sol = solve({ term: p.term, solver: integ.solver, t0, t1: Math.max(t1, t0), y0, theta, saveAt: times, rtol: integ.rtol, atol: integ.atol, dt: stepFor(integ, times) });
  const row = new Float64Array(dim);
  const out = new Float64Array(observation.names.length);
  for (let i = 0; i < times.length; i++) {
    for (let k = 0; k < dim; k++) row[k] = sol.y[i * dim + k];
    observation.fn(times[i], row, theta, out);
    for (let c = 0; c < out.length; c++) mean[c][i] = out[c];
  }
  return mean;
}

/**
 * Per observed column: the number of finite samples (at least 1) and their variance (1 where
 * it is 0), the misfit's per-channel normalisation in single and multiple shooting alike.
 */
export function channelStats(data: Series, columns: readonly number[]): { n: number; variance: number }[] {
  return columns.map((c) => {
    const d = data.y[c].filter((v) => Number.isFinite(v));
    const mean = d.reduce((s, v) => s + v, 0) / Math.max(d.length, 1);
    const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(d.length, 1);
    return { n: Math.max(d.length, 1), variance: variance > 0 ? variance : 1 };
  });
}
