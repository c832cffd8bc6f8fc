/**
 * Terminal text of `lawful runs list` and `lawful runs show`. Plain text from records, no
 * Node imports.
 */
import { formatConfig } from '../report/config-text.js';
import { formatMetric, formatSeconds, isFiniteMetric } from '../report/format.js';
import type { ModelResult } from '../report/results.js';
import { displayText } from '../report/vega-text.js';
import { formatTable } from '../report/table.js';
import type { RunRecord } from './record.js';

/** Digits of an id shown in tables; any unique prefix names a run. */
export const SHORT_ID = 8;

/** The first `SHORT_ID` digits of a run id. */
export function shortId(id: string): string {
  return id.slice(0, SHORT_ID);
}

/** The model with the lowest finite beyond-window NRMSE, or undefined when none is finite. */
export function bestModel(models: readonly ModelResult[]): ModelResult | undefined {
  let best: ModelResult | undefined;
  for (const m of models) {
    const x = m.metrics.nrmseOut;
    if (isFiniteMetric(x) && (best === undefined || x < (best.metrics.nrmseOut as number))) best = m;
  }
  return best;
}

/** "2026-11-26 13:42:03" in the local time zone (the terminal's reader's clock). */
export function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `text` cut to `width` characters, keeping its end (the file name of a long path) after an ellipsis. */
function keepEnd(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - width + 1)}`;
}

/**
 * Aligned columns; `left[c]` marks text columns, the others are right-aligned numbers.
 * Cells hold user text (names, paths): control characters are shown, never sent to the
 * terminal (an escape sequence in a model name cannot move the cursor or recolour it).
 */
function columns(headers: string[], cells: string[][], left: boolean[]): string {
  const rows = cells.map((r) => r.map(displayText));
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (row: string[]): string => row.map((cell, c) => (left[c] ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/**
 * The table of `lawful runs list`: short id, command, status, start (local time),
 * duration, data source, and the best model by beyond-window NRMSE with its value.
 */
export function formatRunList(runs: readonly RunRecord[]): string {
  const headers = ['id', 'command', 'status', 'started', 'duration', 'data', 'best model', 'beyond-window NRMSE'];
  const rows = runs.map((r) => {
    const best = r.results ? bestModel(r.results.models) : undefined;
    return [
      shortId(r.id),
      r.command,
      r.status,
      localTime(r.startedAt),
      r.durationSeconds !== undefined ? formatSeconds(r.durationSeconds) : '—',
      keepEnd(r.dataSource ?? '—', 36),
      best ? best.name : r.results ? 'none finite' : '—',
      best ? formatMetric(best.metrics.nrmseOut) : '—',
    ];
  });
  return columns(headers, rows, [true, true, true, true, false, true, true, false]);
}

/** Everything `lawful runs show` prints about one run. */
export function formatRunDetail(run: RunRecord): string {
  const out: string[] = [];
  const field = (name: string, value: string): void => {
    out.push(`${name.padEnd(9)} ${displayText(value)}`);
  };
  field('run', `${run.id}  ${run.command}  ${run.status}`);
  const finished = run.finishedAt ? ` · finished ${localTime(run.finishedAt)} · took ${formatSeconds(run.durationSeconds)}` : '';
  field('started', `${localTime(run.startedAt)}${finished}`);
  field('process', `pid ${run.pid} on ${run.host}${run.status === 'stale' ? ' (no longer alive: killed before it could record an outcome)' : ''}`);
  field('command', ['lawful', ...run.argv].join(' '));
  if (run.dataSource !== undefined || run.fingerprint !== undefined) {
    field('data', [run.dataSource, run.fingerprint].filter((s) => s !== undefined).join('  '));
  }
  const r = run.results;
  if (r) {
    field('truth', r.data.truth === 'clean' ? 'the clean signal' : 'the observations');
    field('split', `trained on [${r.split.trainFrom}, ${r.split.trainUntil}], forecast to ${r.split.until} · seed ${r.seed} · lawful ${r.lawful}`);
  }
  out.push('', 'config', indent(formatConfig(run.config)));
  if (r) out.push('', 'metrics', indent(formatTable(r.models, { until: r.split.until }).trimEnd()));
  if (run.files && Object.keys(run.files).length) {
    const width = Math.max(...Object.keys(run.files).map((k) => k.length));
    out.push('', 'files', ...Object.entries(run.files).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`));
  }
  if (run.error !== undefined) out.push('', `error     ${run.error}`);
  return out.join('\n') + '\n';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
