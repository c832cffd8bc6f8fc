/**
 * Writing a series as CSV text, and the fingerprint of a series (sha256 of that text).
 * Browser-safe: text in, text out; the caller decides where it goes.
 */
import type { Series } from './series.js';
import { fingerprintText } from './sha256.js';

/**
 * CSV text of a series: a `t` column, then one named column per channel, each number in
 * full precision (`String(x)` round-trips a float64 exactly).
 */
export function seriesToCsv(s: Series): string {
  const rows = [['t', ...s.names].join(',')];
  for (let i = 0; i < s.t.length; i++) {
    let row = String(s.t[i]);
    for (const c of s.y) row += ',' + String(c[i]);
    rows.push(row);
  }
  return rows.join('\n') + '\n';
}

/**
 * `'sha256:<hex>'` of the series written as CSV (`seriesToCsv`): the same data gives the
 * same fingerprint on any machine, and equals the fingerprint of the CSV file
 * `lawful simulate --out` writes for it.
 */
export function fingerprintSeries(s: Series): string {
  return fingerprintText(seriesToCsv(s));
}
