/**
 * Several starts for the equation family's fit: the declared guesses first, then seeded
 * draws within each parameter's bounds, each minimised by `fitProblem`; the best by loss is
 * kept. An oscillating system's misfit has a local minimum at every aliased frequency, and a
 * second start is the cheapest way out of one.
 */
import { throwIfAborted } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Series } from '../data/series.js';
import type { IntegrationOptions, LoopOptions } from './equation-fit.js';
import { fitProblem } from './equation-fit.js';
import type { EquationProblem } from './equation-problem.js';
import { shootingFit } from './equation-shooting.js';

/**
 * One draw of a parameter within [lo, hi] around its guess: log-uniform on [lo, hi] when both
 * are positive and finite; log-uniform over a factor 10 either side of the guess, clipped to
 * the bounds, otherwise (a bound at 0 or at infinity has no useful log-scale).
 */
export function drawWithin(rng: Rng, guess: number, lo: number, hi: number): number {
  if (lo > 0 && Number.isFinite(hi)) return Math.exp(rng.uniformIn(Math.log(lo), Math.log(hi)));
  const centre = guess !== 0 ? Math.abs(guess) : Number.isFinite(hi) && hi > 0 ? hi / 10 : 1;
  const sign = guess < 0 || (hi <= 0 && Number.isFinite(hi)) ? -1 : 1;
  const v = sign * centre * Math.exp(rng.uniformIn(-Math.log(10), Math.log(10)));
  // Kept strictly inside: a start on a bound is at infinity in the unconstrained coordinates.
  const margin = Number.isFinite(hi - lo) ? 1e-3 * (hi - lo) : 0;
  return Math.min(Math.max(v, lo + margin), hi - margin);
}

/** The starting natural vectors: the problem's initial guess, then `count − 1` seeded draws of the parameters (initial states keep their guess). */
export function startingPoints(p: EquationProblem, count: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  const points = [Float64Array.from(p.initialGuess)];
  for (let s = 1; s < count; s++) {
    const x = Float64Array.from(p.initialGuess);
    p.system.params.forEach((q, k) => (x[k] = drawWithin(rng, q.initial, q.lower, q.upper)));
    points.push(x);
  }
  return points;
}

export interface StartsOptions extends LoopOptions {
  /** Number of starts (≥ 1). */
  starts: number;
  seed: number;
  /** Multiple shooting before the single-shooting polish of each start; 1 (or absent): none. */
  segments?: number;
}

/** Fits from each start and keeps the lowest loss; reports which start won. */
export function fitFromStarts(p: EquationProblem, data: Series, integ: IntegrationOptions, opts: StartsOptions): { natural: Float64Array; loss: number; iterations: number; start: number } {
  const points = startingPoints(p, opts.starts, opts.seed);
  let best: { natural: Float64Array; loss: number; iterations: number; start: number } | undefined;
  points.forEach((x0, s) => {
    throwIfAborted(opts.signal);
    const shot = (opts.segments ?? 1) > 1;
    const from = shot ? shootingFit(p, data, integ, x0, { segments: opts.segments!, maxIterations: opts.maxIterations, signal: opts.signal }) : x0;
    const r = fitProblem(p, data, integ, {
      ...opts,
      // After shooting, the whole window at once: the growing windows are the single-shooting way to the same place.
      ...(shot ? { horizons: [1] } : {}),
      start: from,
      onProgress: opts.onProgress && ((q) => opts.onProgress!({ ...q, fraction: (s + q.fraction) / points.length, stage: `start ${s + 1}/${points.length}, ${q.stage ?? ''}` })),
    });
    if (!best || (Number.isFinite(r.loss) && !(r.loss >= best.loss))) best = { ...r, start: s };
  });
  return best!;
}
