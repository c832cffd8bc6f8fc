/**
 * Training pairs (state, derivative) from sampled trajectories: the state [q, p] per sample
 * and its time derivative estimated with the differentiation methods SINDy uses
 * (sindy/differentiation). On an irregular clock (missing frames, jittered sampling) finite
 * differences use Fornberg's weights for the actual offsets of each window, so a gap does
 * not bias the estimate.
 */
import { DataError } from '../../core/errors.js';
import { offGrid, type Series } from '../../data/series.js';
import { buildDifferentiator, stencilWeights } from '../sindy/differentiation/index.js';
import type { Coordinates, VectorFieldConfig } from './config.js';

/** Rows of states and their derivatives, both [rows][2n] row-major. */
export interface StatePairs {
  x: Float64Array;
  dx: Float64Array;
  rows: number;
}

/** dx/dt at every sample of `x` on the clock `t`. */
function differentiate(x: Float64Array, t: Float64Array, spec: VectorFieldConfig['differentiation']): Float64Array {
  const n = t.length;
  if (offGrid(t) < 0) return buildDifferentiator(spec).differentiate(x, (t[n - 1] - t[0]) / (n - 1));
  if (spec.method !== 'finite-difference') {
    throw new DataError(`${spec.method} differentiation needs uniformly sampled data (sample ${offGrid(t)} is off the grid); use finite-difference or resample first`);
  }
  const order = spec.order ?? 2;
  const width = order + 1;
  const left = (width - 1) >> 1;
  const out = new Float64Array(n);
  const h = (t[n - 1] - t[0]) / (n - 1);
  for (let i = 0; i < n; i++) {
    const start = Math.min(Math.max(i - left, 0), n - width);
    const w = stencilWeights(Array.from({ length: width }, (_, j) => (t[start + j] - t[i]) / h), order);
    let s = 0;
    for (let j = 0; j < width; j++) s += w[j] * x[start + j];
    out[i] = s / h;
  }
  return out;
}

/** The state [q, p] of every sample of `s` (velocities estimated where p is not observed), one array per state entry. */
export function stateSeries(s: Series, coords: Coordinates, spec: VectorFieldConfig['differentiation']): Float64Array[] {
  const q = coords.q.map((c) => s.y[c]);
  const p = coords.p ? coords.p.map((c) => s.y[c]) : q.map((x) => differentiate(x, s.t, spec));
  return [...q, ...p];
}

/** (state, derivative) rows from every sample of every trajectory. */
export function statePairs(trajectories: readonly Series[], coords: Coordinates, spec: VectorFieldConfig['differentiation']): StatePairs {
  const D = 2 * coords.n;
  const need = spec.method === 'finite-difference' ? (spec.order ?? 2) + 1 : (spec.window ?? 3);
  const rows = trajectories.reduce((a, s) => a + s.t.length, 0);
  const x = new Float64Array(rows * D);
  const dx = new Float64Array(rows * D);
  let r0 = 0;
  trajectories.forEach((s, k) => {
    const what = trajectories.length > 1 ? `trajectory ${k + 1}` : 'the training window';
    if (s.t.length < need) throw new DataError(`${what} has ${s.t.length} samples; estimating derivatives needs at least ${need}`);
    const state = stateSeries(s, coords, spec);
    const deriv = state.map((v) => differentiate(v, s.t, spec));
    for (let i = 0; i < s.t.length; i++) {
      for (let d = 0; d < D; d++) {
        x[(r0 + i) * D + d] = state[d][i];
        dx[(r0 + i) * D + d] = deriv[d][i];
      }
    }
    r0 += s.t.length;
  });
  return { x, dx, rows };
}
