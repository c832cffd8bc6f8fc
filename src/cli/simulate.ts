/** Formatting for `lawful simulate`. */
import type { Series } from '../data/series.js';
import { systems } from '../systems/index.js';

/** `lawful simulate --list`: every system with its parameters and defaults. */
export function listSystems(): string {
  const lines: string[] = [];
  for (const s of systems) {
    lines.push(`${s.name} — ${s.description}`);
    for (const p of s.params) {
      const def = p.choices
        ? p.choices[p.default as number]
        : Array.isArray(p.default)
          ? p.default.map((v) => +v.toPrecision(6)).join(',')
          : String(p.default);
      const shown = def === '' ? '' : ` (default ${def})`;
      lines.push(`    ${p.name.padEnd(12)} ${p.description}${p.unit ? ` [${p.unit}]` : ''}${shown}`);
    }
  }
  return lines.join('\n');
}

/** CSV text of a series: a `t` column, then one named column per channel, full precision. */
export function seriesToCsv(s: Series): string {
  const rows = [['t', ...s.names].join(',')];
  for (let i = 0; i < s.t.length; i++) {
    let row = String(s.t[i]);
    for (const c of s.y) row += ',' + String(c[i]);
    rows.push(row);
  }
  return rows.join('\n') + '\n';
}
