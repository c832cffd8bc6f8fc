/**
 * The table bench/run.sh prints last: every ratio written by the benchmarks of this run
 * (bench/out/<name>.json, field `summary`, rows of SummaryRow in bench/common.ts). A
 * benchmark joins the table by writing that file; bench/lstm/ may do the same (name 'lstm').
 *
 *   npx tsx bench/summary.ts [--since <ISO date>]   (only files written since then)
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR } from './common.js';
import type { SummaryRow } from './common.js';

const args = process.argv.slice(2);
const since = args.includes('--since') ? Date.parse(args[args.indexOf('--since') + 1]) : 0;
const ORDER = ['ode', 'bank', 'lstm', 'gru'];

interface ResultFile { bench: string; date: string; commit: string; summary?: SummaryRow[] }
const files = existsSync(OUT_DIR) ? readdirSync(OUT_DIR).filter((f) => f.endsWith('.json')) : [];
const results = files
  .map((f) => {
    try {
      return JSON.parse(readFileSync(join(OUT_DIR, f), 'utf8')) as ResultFile;
    } catch {
      return null;
    }
  })
  .filter((r): r is ResultFile => !!r && Array.isArray(r.summary) && Date.parse(r.date) >= since)
  .sort((a, b) => rank(a.bench) - rank(b.bench));

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

/** "≥ 5×" → met when speed-up ≥ 5; "≤ 2× slower" style targets are stated by the writer as speed-up ≥ 0.5. */
function met(row: SummaryRow): string {
  const m = /([≥>])\s*([\d.]+)/.exec(row.target);
  if (!m) return '';
  return row.speedup >= Number(m[2]) ? 'yes' : 'NO';
}

const header = ['bench', 'what', 'lawful', 'peer', 'speed-up', 'target', 'met', 'note'];
const body = results.flatMap((r) =>
  r.summary!.map((s) => [s.bench, s.what, s.lawful, s.peer, `${s.speedup >= 10 ? s.speedup.toFixed(0) : s.speedup.toFixed(2)}×`, s.target, met(s), s.note ?? '']),
);
const widths = header.map((h, j) => Math.max(h.length, ...body.map((row) => row[j].length)));
const line = (cells: string[]) => cells.map((c, j) => (j === 4 ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd();
console.log('\n== summary: speed-up = peer wall time / lawful wall time (> 1: lawful faster), medians of this run ==');
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of body) console.log(line(row));
const commits = [...new Set(results.map((r) => `${r.bench}@${r.commit}`))].join(', ');
console.log(`measured: ${commits || 'nothing (no bench/out/*.json with a summary)'}`);
console.log('precision: lawful computes in float64; the scipy and PyTorch bank peers run float64; the PyTorch and TF.js LSTM peers run float32.');
if (!results.some((r) => r.bench === 'lstm')) console.log('lstm: no bench/out/lstm.json this run (see the LSTM section above, if it ran).');
