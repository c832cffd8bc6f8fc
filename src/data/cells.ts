/**
 * Turning one raw cell into a number, strictly: `Number()` alone would read `''` as 0,
 * `'0x1f'` as 31 and `' 1 '` as 1, which would hide broken files. Browser-safe.
 */

/** The outcome of reading one cell. */
export type CellValue =
  | { kind: 'number'; value: number }
  | { kind: 'missing' }
  /** Parsed, but not a finite float64: `inf`, or `1e400` which overflows. */
  | { kind: 'nonfinite'; text: string }
  /** An integer (Parquet int64) beyond 2^53 in magnitude: a float64 cannot hold it exactly. */
  | { kind: 'inexact'; text: string }
  | { kind: 'text'; text: string };

/** Cell texts read as a missing value (case-insensitive). */
const MISSING = new Set(['', 'nan', '-nan', 'na', 'n/a', 'null', 'none', 'missing', '?']);

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+(?:[eE][+-]?\d+)?$/;
const INFINITE = /^[+-]?(?:inf|infinity)$/i;
/** ISO 8601 date or date-time (UTC unless a zone is given). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const MISSING_CELL: CellValue = { kind: 'missing' };
/** 2^53: every integer up to it in magnitude is a float64 exactly. */
const MAX_EXACT = 2n ** 53n;

/**
 * Reads a cell as a float64. `decimalComma` also accepts `1,5` for 1.5 (files written
 * with `;` or tabs by European spreadsheets).
 */
export function readNumber(raw: string | number | bigint | null, decimalComma: boolean): CellValue {
  if (raw === null) return MISSING_CELL;
  if (typeof raw === 'bigint') {
    return raw <= MAX_EXACT && raw >= -MAX_EXACT ? { kind: 'number', value: Number(raw) } : { kind: 'inexact', text: String(raw) };
  }
  if (typeof raw === 'number') {
    if (Number.isNaN(raw)) return MISSING_CELL; // NaN in JSON written by Python
    return Number.isFinite(raw) ? { kind: 'number', value: raw } : { kind: 'nonfinite', text: String(raw) };
  }
  const s = raw.trim();
  if (DECIMAL.test(s)) return finite(Number(s), s);
  if (decimalComma && DECIMAL_COMMA.test(s)) return finite(Number(s.replace(',', '.')), s);
  if (MISSING.has(s.toLowerCase())) return MISSING_CELL;
  if (INFINITE.test(s)) return { kind: 'nonfinite', text: s };
  return { kind: 'text', text: s };
}

function finite(v: number, s: string): CellValue {
  return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'nonfinite', text: s };
}

/** Reads an ISO 8601 date-time as seconds since 1970-01-01 UTC; undefined if it is not one. */
export function readIsoSeconds(raw: string | number | bigint | null): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (!ISO_DATE.test(s)) return undefined;
  // Date.parse reads a date-time without a zone as local time: pin it to UTC.
  const zoned = s.length > 10 && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(s) ? `${s.replace(' ', 'T')}Z` : s.replace(' ', 'T');
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** True if the cell reads as a number (finite or not) or a date: used to tell a header row from data. */
export function looksNumeric(raw: string, decimalComma: boolean): boolean {
  const c = readNumber(raw, decimalComma);
  return c.kind === 'number' || c.kind === 'nonfinite' || readIsoSeconds(raw) !== undefined;
}

/** True if the cell is a missing-value marker. */
export function isMissingText(raw: string): boolean {
  return MISSING.has(raw.trim().toLowerCase());
}
