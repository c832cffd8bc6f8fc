/**
 * Uniform sampling: a test for it and linear interpolation onto a uniform grid.
 * Browser-safe.
 */
import { ConfigError } from '../core/errors.js';
import { offGrid, type Series } from './series.js';

/** A grid longer than this is almost surely a unit mistake in `dt`. */
const MAX_POINTS = 50_000_000;

/**
 * True if every step of `t` is within `relTol` of the mean step (relative). A clock with
 * fewer than three samples is uniform.
 * @param relTol relative tolerance, default 1e-6 (steps printed with 15+ digits differ by ~1e-15).
 */
export function isUniform(t: Float64Array, relTol = 1e-6): boolean {
  if (t.length < 3) return true;
  return t[t.length - 1] > t[0] && offGrid(t, relTol) < 0;
}

/**
 * Linear interpolation of every channel onto the grid t0, t0 + dt, t0 + 2 dt, … ≤ t_end
 * (t_k = t0 + k·dt, not accumulated, so the grid does not drift). Exact on data linear in t.
 * @param dt grid step, in the units of `series.t`; finite and > 0.
 */
export function resample(series: Series, dt: number): Series {
  const { t } = series;
  const n = t.length;
  if (!(dt > 0) || !Number.isFinite(dt)) throw new ConfigError(`must be a finite number > 0; got ${dt}`, 'dt');
  if (n === 0) throw new ConfigError('cannot resample an empty series', 'series');
  const t0 = t[0];
  const span = t[n - 1] - t0;
  // Include the last sample when the grid reaches it up to rounding.
  const m = Math.floor(span / dt + 1e-9) + 1;
  if (m > MAX_POINTS) throw new ConfigError(`gives ${m} grid points over [${t0}, ${t[n - 1]}] (more than ${MAX_POINTS}); is it in the units of t?`, 'dt');
  const grid = new Float64Array(m);
  for (let k = 0; k < m; k++) grid[k] = Math.min(t0 + k * dt, t[n - 1]);
  const y = series.y.map(() => new Float64Array(m));
  let i = 0; // t[i] <= grid[k] <= t[i + 1]
  for (let k = 0; k < m; k++) {
    const tk = grid[k];
    while (i < n - 2 && t[i + 1] < tk) i++;
    if (n === 1) {
      for (let c = 0; c < y.length; c++) y[c][k] = series.y[c][0];
      continue;
    }
    const w = (tk - t[i]) / (t[i + 1] - t[i]);
    for (let c = 0; c < y.length; c++) {
      const a = series.y[c][i];
      const b = series.y[c][i + 1];
      y[c][k] = (1 - w) * a + w * b;
    }
  }
  return { t: grid, y, names: [...series.names] };
}
