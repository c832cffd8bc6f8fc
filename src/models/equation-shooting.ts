/**
 * Multiple shooting for the equation family (the loss shared with trajectory models is in
 * trajectory/shooting.ts): the window cut into segments, each simulated from its own initial
 * state, the misfit summed over segments plus a continuity penalty ρ·Σ‖y_end(s) − y_start(s+1)‖²
 * that ties them together, so a poor start on a long oscillatory series no longer lands in
 * an aliased minimum. The result is handed to single shooting (`fitProblem`) to polish, so
 * the fitted model is the same kind either way.
 *
 * Segment states start from the data where a state is observed as itself (and a velocity
 * x' from the slope of x), from the start's own simulation otherwise.
 */
import { throwIfAborted } from '../core/errors.js';
import type { ObjectiveWithGradient } from '../core/optim/base.js';
import { lbfgs } from '../core/optim/lbfgs.js';
import type { Series } from '../data/series.js';
import { solve, solveWithAdjoint } from '../ode/solve.js';
import type { IntegrationOptions } from './equation-fit.js';
import { channelStats, stepFor, toNatural, toUnconstrained } from './equation-fit.js';
import type { EquationProblem } from './equation-problem.js';
import { stateGuessAt } from './equation-problem.js';
import { segmentBounds, shootingLoss, type ShootingRun } from './trajectory/shooting.js';

export interface ShootingOptions {
  /** Number of segments (≥ 2). */
  segments: number;
  /** Weight of the continuity penalty, relative to the data's (unit) misfit. Default 10. */
  continuity?: number;
  maxIterations: number;
  signal?: AbortSignal;
}

export { segmentBounds };

/**
 * The shooting objective over z = [unconstrained problem vector, segment states 1…S−1 (dim each)]
 * (trajectory/shooting.ts's loss with the equation's observation, which may read t and θ).
 */
export function shootingMisfit(p: EquationProblem, data: Series, integ: IntegrationOptions, bounds: number[], continuity: number): ObjectiveWithGradient {
  const { system, observation, columns, term } = p;
  const dim = system.dim;
  const np = system.nParams;
  const C = columns.length;
  const S = bounds.length - 1;
  const stats = channelStats(data, columns);
  const weights = stats.map((s) => 1 / (s.n * s.variance));
  // The penalty in the data's units: a jump of one data sd costs `continuity / S`.
  const meanVar = stats.reduce((s, x) => s + x.variance, 0) / Math.max(stats.length, 1);
  const natural = new Float64Array(p.size);
  const theta = new Float64Array(np);
  const y0 = new Float64Array(dim);
  const out = new Float64Array(C);
  const v = new Float64Array(C);
  const gThetaDirect = new Float64Array(np);
  const gTheta = new Float64Array(np);
  const gStarts = Array.from({ length: S }, () => new Float64Array(dim));
  const dt = stepFor(integ, data.t);
  const run: ShootingRun = {
    t: data.t,
    bounds,
    dim,
    continuityWeight: continuity / (S * meanVar),
    solve: (start, t0, t1, saveAt) => solveWithAdjoint({ term, solver: integ.solver, t0, t1, y0: start, theta, saveAt, rtol: integ.rtol, atol: integ.atol, dt }),
    sample(i, row, gRow) {
      observation.fn(data.t[i], row, theta, out);
      let L = 0;
      for (let c = 0; c < C; c++) {
        const d = data.y[columns[c]][i];
        const r = Number.isFinite(d) ? out[c] - d : 0;
        L += weights[c] * r * r;
        v[c] = 2 * weights[c] * r;
      }
      observation.vjp(data.t[i], row, theta, v, gRow, gThetaDirect);
      return L;
    },
  };
  return (z, g) => {
    g.fill(0);
    toNatural(p, z.subarray(0, p.size), natural);
    p.split(natural, theta, y0);
    gThetaDirect.fill(0);
    const starts = [y0, ...Array.from({ length: S - 1 }, (_, s) => z.subarray(p.size + s * dim, p.size + (s + 1) * dim))];
    const L = shootingLoss(run, starts, gTheta, gStarts);
    if (!Number.isFinite(L)) return Infinity;
    p.freeStates.forEach((st, j) => (g[np + j] += gStarts[0][st] * p.transforms[np + j].slope(z[np + j])));
    for (let s = 1; s < S; s++) g.set(gStarts[s], p.size + (s - 1) * dim);
    for (let k = 0; k < np; k++) g[k] = (gTheta[k] + gThetaDirect[k]) * p.transforms[k].slope(z[k]);
    return L;
  };
}

/** Minimises the shooting objective from `start` (natural); returns the natural problem vector (θ, segment 0's free states). */
export function shootingFit(p: EquationProblem, data: Series, integ: IntegrationOptions, start: Float64Array, opts: ShootingOptions): Float64Array {
  const n = data.t.length;
  const bounds = segmentBounds(n, opts.segments);
  const dim = p.system.dim;
  const S = bounds.length - 1;
  if (S < 2) return Float64Array.from(start);
  // The start's own trajectory, for the states the data do not show.
  const theta = new Float64Array(p.system.nParams);
  const y0 = new Float64Array(dim);
  p.split(start, theta, y0);
  let simulated: Float64Array | undefined;
  try {
    simulated = solve({ term: p.term, solver: integ.solver, t0: data.t[0], t1: data.t[n - 1], y0, theta, saveAt: data.t, rtol: integ.rtol, atol: integ.atol, dt: stepFor(integ, data.t) }).y;
  } catch {
    simulated = undefined;
  }
  const z = new Float64Array(p.size + (S - 1) * dim);
  z.set(toUnconstrained(p, start));
  for (let s = 1; s < S; s++) {
    for (let k = 0; k < dim; k++) {
      const fromData = stateGuessAt(p.system, data, k, bounds[s]);
      const fromModel = simulated?.[bounds[s] * dim + k];
      z[p.size + (s - 1) * dim + k] = fromData ?? (fromModel !== undefined && Number.isFinite(fromModel) ? fromModel : 0);
    }
  }
  const r = lbfgs(shootingMisfit(p, data, integ, bounds, opts.continuity ?? 10), z, { maxIterations: opts.maxIterations, gradTol: 1e-12, signal: opts.signal });
  throwIfAborted(opts.signal);
  return toNatural(p, r.x.subarray(0, p.size));
}
