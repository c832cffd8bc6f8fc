/**
 * The Series contract (docs/architecture.md): sampled channels on one strictly increasing clock.
 * Browser-safe: the file readers in this folder use Node, this file does not.
 */
import { DataError } from '../core/errors.js';
export interface Series {
  /** Sample times, strictly increasing. */
  t: Float64Array;
  /** One array per channel, each as long as `t`. */
  y: Float64Array[];
  /** Channel names, one per entry of `y`. */
  names: string[];
}

/** The samples of `s` with lo <= t <= hi (copies). */
export function sliceSeries(s: Series, lo: number, hi: number): Series {
  let a = 0;
  while (a < s.t.length && s.t[a] < lo) a++;
  let b = a;
  while (b < s.t.length && s.t[b] <= hi) b++;
  return { t: s.t.slice(a, b), y: s.y.map((c) => c.slice(a, b)), names: [...s.names] };
}

/** Checks the invariants of a Series; throws an Error naming what is wrong. */
export function assertSeries(s: Series): void {
  const n = s.t.length;
  if (s.y.length !== s.names.length) throw new Error(`series has ${s.y.length} channels but ${s.names.length} names`);
  for (let c = 0; c < s.y.length; c++) {
    if (s.y[c].length !== n) throw new Error(`channel ${s.names[c]} has ${s.y[c].length} samples, t has ${n}`);
  }
  for (let i = 1; i < n; i++) {
    if (!(s.t[i] > s.t[i - 1])) throw new Error(`t is not strictly increasing at sample ${i} (${s.t[i - 1]} then ${s.t[i]})`);
  }
}

/**
 * The sampling step of a uniformly sampled clock (relative tolerance 1e-6), for the models
 * that need a grid. Otherwise a DataError that names `what` (e.g. "the training window")
 * and the first sample off the grid, and points to resampling.
 */
export function uniformStep(t: Float64Array, what = 'the series'): number {
  if (t.length < 2) throw new DataError(`${what} needs at least 2 samples to have a sampling step; it has ${t.length}`);
  const dt = (t[t.length - 1] - t[0]) / (t.length - 1);
  const i = offGrid(t);
  if (i > 0) throw new DataError(`${what} must be uniformly sampled (mean step ${dt}), but sample ${i} comes ${t[i] - t[i - 1]} after the previous one; resample it first`);
  return dt;
}

/**
 * The first sample i ≥ 1 whose step t[i] − t[i−1] differs from the mean step by more than
 * `relTol` of it, or −1 if there is none (steps printed with 15+ digits differ by ~1e-15).
 * Steps of a few float64 spacings of |t| always pass: a clock in seconds since 1970 is
 * only resolved to ~2e-7 s, so a grid there cannot be more uniform than that.
 */
export function offGrid(t: Float64Array, relTol = 1e-6): number {
  const n = t.length;
  if (n < 2) return -1;
  const mean = (t[n - 1] - t[0]) / (n - 1);
  const tol = relTol * mean + 4 * Number.EPSILON * Math.max(Math.abs(t[0]), Math.abs(t[n - 1]));
  for (let i = 1; i < n; i++) if (!(Math.abs(t[i] - t[i - 1] - mean) <= tol)) return i;
  return -1;
}
