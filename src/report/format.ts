/**
 * Number formatting shared by the terminal table, the figure titles and the HTML report.
 * Browser-safe: no Node imports.
 *
 * A metric that is not finite (NaN, ±Infinity in memory; `null` once it went through JSON,
 * which cannot hold either) means the model left the finite numbers: it is shown as
 * "diverged", never as a number.
 */

/** The word shown for a metric that is not finite. */
export const DIVERGED = 'diverged';

/** True for a finite number; false for NaN, ±Infinity, null and undefined. */
export function isFiniteMetric(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * `x` to `digits` significant digits, trailing zeros dropped: 0.034, 1.57, 1230.
 * Tiny and huge magnitudes (below 1e-3 or from 1e5 on) switch to a compact exponent:
 * 1.2e-5, 3e12. Non-finite gives "diverged".
 *
 * @param digits significant digits; default 3.
 */
export function formatMetric(x: number | null | undefined, digits = 3): string {
  if (!isFiniteMetric(x)) return DIVERGED;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) {
    const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
    return `${trimZeros(mantissa)}e${Number(exponent)}`;
  }
  // toPrecision writes 12345 at 3 digits as "1.23e+4"; Number() turns that back into 12300.
  const p = x.toPrecision(digits);
  return p.includes('e') ? String(Number(p)) : trimZeros(p);
}

/** Drops trailing zeros after a decimal point ("0.0340" → "0.034", "2.00" → "2"). */
function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A duration in seconds for humans: "0.4 ms", "230 ms", "6.13 s", "2 min 31 s", "1 h 02 min". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (!isFiniteMetric(seconds)) return '—';
  if (seconds < 1) return `${formatMetric(seconds * 1e3)} ms`;
  if (seconds < 60) return `${formatMetric(seconds)} s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    return `${m} min ${String(Math.round(seconds - 60 * m)).padStart(2, '0')} s`;
  }
  const h = Math.floor(seconds / 3600);
  return `${h} h ${String(Math.round((seconds - 3600 * h) / 60)).padStart(2, '0')} min`;
}

/** An integer count with thousands grouped by commas: 17217 → "17,217" (locale-independent). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
