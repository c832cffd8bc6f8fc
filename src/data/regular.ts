/**
 * Regular clocks written with few digits. A log sampled at 30 Hz and printed with three
 * decimals reads 0.033, 0.067, 0.100, 0.133, …: its steps are 0.033 or 0.034, yet it is a
 * uniform grid seen through the rounding of the file. Such a clock is regular when one
 * uniform grid, rounded to the printed digits, gives every printed time; its step is then
 * estimated by least squares. True irregularity (a missing sample, a change of rate) cannot
 * hide in the rounding as long as the step is more than two printed units. Browser-safe.
 */
import { readIsoSeconds } from './cells.js';

/** Largest n for which the exact check is run; beyond it the clock is left as it is. */
const MAX_SAMPLES = 50_000_000;

/**
 * The resolution a time cell is written with, in the units of the time column: one unit of
 * its last printed digit (`'0.033'` → 1e-3, `'3.30e-2'` → 1e-4, `'12'` → 1, `'1.2e3'` → 100).
 * An ISO 8601 time has the resolution of its last field (`…T10:00:00.25Z` → 0.01 s,
 * `…T10:00` → 60 s, a date → 86400 s). A number without text (Parquet, a JSON value
 * re-encoded) is read through its shortest round-trip form, `String(x)`. Undefined for a
 * cell that is not a time.
 */
export function cellResolution(raw: string | number | bigint | null, decimalComma = false): number | undefined {
  if (raw === null) return undefined;
  if (typeof raw === 'bigint') return 1;
  const s = (typeof raw === 'number' ? String(raw) : raw).trim();
  const m = /^[+-]?(\d*)(?:[.,](\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (m && (m[1] !== '' || (m[2] ?? '') !== '') && (decimalComma || !s.includes(','))) {
    return unitOfDecimals((m[2] ?? '').length - Number(m[3] ?? 0));
  }
  if (readIsoSeconds(s) === undefined) return undefined;
  const fraction = /:\d{2}:\d{2}[.,](\d+)/.exec(s);
  if (fraction) return unitOfDecimals(fraction[1].length);
  if (/T?\d{2}:\d{2}:\d{2}/.test(s)) return 1;
  return /\d{2}:\d{2}/.test(s) ? 60 : 86400;
}

/** 10^−d, correctly rounded: V8's `10 ** -4` at run time is 0.00009999999999999999, `1 / 10 ** 4` is 0.0001. */
function unitOfDecimals(d: number): number {
  return d >= 0 ? 1 / 10 ** d : 10 ** -d;
}

/** A uniform grid t_i = t0 + i·step. */
export interface RegularGrid {
  t0: number;
  step: number;
}

/**
 * The least-squares grid through `t` if `t` is a uniform grid rounded to `resolution` (every
 * t_i within half a unit of one straight line in i) and the step exceeds two units; else
 * undefined. The exact test is the minimum vertical width of the points (i, t_i) over all
 * slopes, found on their convex hulls; the least-squares line alone would over-reach half a
 * unit by about unit/√n on long clocks whose rounding errors fill the whole ±½ unit.
 * @param resolution one unit of the last printed digit, in the units of t; > 0.
 */
export function fitRegularGrid(t: Float64Array, resolution: number): RegularGrid | undefined {
  const n = t.length;
  if (n < 3 || n > MAX_SAMPLES || !(resolution > 0)) return undefined;
  // Least squares on u_i = t_i − t_0 against i (centred, so the sums stay well conditioned).
  const xm = (n - 1) / 2;
  let um = 0;
  for (let i = 0; i < n; i++) um += t[i] - t[0];
  um /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - xm) * (t[i] - t[0] - um);
    sxx += (i - xm) ** 2;
  }
  const step = sxy / sxx;
  if (!(step > 2 * resolution) || !Number.isFinite(step)) return undefined;
  // Residuals about that line are of the order of the resolution: the hull works on them.
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = t[i] - t[0] - step * i;
  const slack = 8 * Number.EPSILON * Math.max(Math.abs(t[0]), Math.abs(t[n - 1]));
  if (minimumWidth(r) > resolution * (1 + 1e-9) + slack) return undefined;
  return { t0: t[0] + um - step * xm, step };
}

/** min over slopes s of [max_i (r_i − s·i) − min_i (r_i − s·i)], points at x = 0, 1, …, n − 1. */
function minimumWidth(r: Float64Array): number {
  const upper = hull(r, 1);
  const lower = hull(r, -1);
  // The width is convex and piecewise linear in s, with kinks at the hulls' edge slopes.
  const slopes = [...edgeSlopes(r, upper), ...edgeSlopes(r, lower)].sort((a, b) => a - b);
  const width = (s: number) => {
    let hi = -Infinity;
    let lo = Infinity;
    for (const i of upper) hi = Math.max(hi, r[i] - s * i);
    for (const i of lower) lo = Math.min(lo, r[i] - s * i);
    return hi - lo;
  };
  // The differences of a convex sequence never decrease: bisect for the first rise.
  let a = 0;
  let b = slopes.length - 1;
  while (a < b) {
    const m = (a + b) >> 1;
    if (width(slopes[m + 1]) >= width(slopes[m])) b = m;
    else a = m + 1;
  }
  return width(slopes[a]);
}

/** Indices of the upper (sign 1) or lower (sign −1) convex hull of (i, r_i), by Andrew's monotone chain. */
function hull(r: Float64Array, sign: 1 | -1): number[] {
  const h: number[] = [];
  for (let i = 0; i < r.length; i++) {
    while (h.length >= 2) {
      const a = h[h.length - 2];
      const b = h[h.length - 1];
      // Drop b unless it lies strictly outside the chord from a to i (above it for the upper hull).
      const cross = (b - a) * (r[i] - r[a]) - (r[b] - r[a]) * (i - a);
      if (sign * cross >= 0) h.pop();
      else break;
    }
    h.push(i);
  }
  return h;
}

function edgeSlopes(r: Float64Array, h: number[]): number[] {
  return h.slice(1).map((j, k) => (r[j] - r[h[k]]) / (j - h[k]));
}

/** How the resolution reads in a note: "printed to 3 decimals", "written to whole seconds", … */
export function describeResolution(resolution: number, verb: 'printed' | 'stored'): string {
  if (resolution === 86400) return `${verb} to the day`;
  if (resolution === 60) return `${verb} to the minute`;
  const decimals = Math.round(-Math.log10(resolution));
  if (decimals >= 1) return `${verb} to ${decimals} decimal${decimals === 1 ? '' : 's'}`;
  return decimals === 0 ? `${verb} as whole numbers` : `${verb} to multiples of ${unitOfDecimals(decimals)}`;
}
