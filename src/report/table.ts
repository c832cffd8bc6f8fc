/**
 * The metrics table printed in the terminal by `demo` and `fit`. Browser-safe (plain text).
 */
import { formatCount, formatMetric, formatSeconds, isFiniteMetric } from './format.js';
import type { ErrorMetric, ModelResult, SeedSpread } from './results.js';
import { displayText } from './vega-text.js';

/**
 * One row of the table: the results.json model entry, without `describe`, and optionally
 * the end of its own forecast horizon (rows of runs compared; it overrides `TableOptions.until`).
 */
export type MetricsRow = Pick<ModelResult, 'name' | 'family' | 'parameters' | 'metrics'> & { until?: number };

/** Options of `formatTable`. */
export interface TableOptions {
  /**
   * End of the forecast horizon (`split.until`). A valid prediction time at or beyond it
   * means the forecast never broke down and is shown as "never". Default: unset, the
   * time is shown as a number unless the row carries its own `until`.
   */
  until?: number;
}

const HEADERS = ['model', 'parameters', 'in-window NRMSE', 'beyond-window NRMSE', 'valid prediction time', 'fit time'];
/** Left-aligned columns (text); the others are numbers, right-aligned. */
const LEFT = [true, false, false, false, false, false];
const ONE_STEP_MARK = '*';

/**
 * The table as aligned plain text, one line per model, with a header and a rule.
 * Numbers have 3 significant digits (1.2e-5 for tiny ones); a metric that is not finite
 * reads "diverged". In-window errors of one-step (teacher-forced) families carry a `*`,
 * explained in a footnote that gives their free-running in-window NRMSE, so the column
 * is not mistaken for a like-for-like comparison.
 */
export function formatTable(rows: MetricsRow[], options: TableOptions = {}): string {
  const oneStep = rows.filter((r) => r.metrics.inWindowMode === 'one-step');
  const cells = rows.map((r) => {
    const m = r.metrics;
    const until = r.until ?? options.until;
    const vpt = until !== undefined && isFiniteMetric(m.validPredictionTime) && m.validPredictionTime >= until
      ? 'never'
      : formatMetric(m.validPredictionTime);
    return [
      displayText(r.name),
      formatCount(r.parameters),
      formatMetric(m.nrmseIn) + (m.inWindowMode === 'one-step' ? ONE_STEP_MARK : oneStep.length ? ' ' : ''),
      formatMetric(m.nrmseOut),
      vpt,
      formatSeconds(m.fitSeconds),
    ];
  });
  const widths = HEADERS.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]): string =>
    row.map((cell, c) => (LEFT[c] ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  const out = [line(HEADERS), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)];
  if (oneStep.length) {
    const freeRun = oneStep.map((r) => `${r.name} ${formatMetric(r.metrics.nrmseInFreeRun)}`).join(', ');
    out.push('', `${ONE_STEP_MARK} one step ahead (teacher-forced); free-running in-window NRMSE: ${freeRun}`);
  }
  const seeded = rows.filter((r) => r.metrics.overSeeds);
  if (seeded.length) out.push('', ...seedTable(seeded));
  return `${out.join('\n')}\n`;
}

const SEED_HEADERS = ['model', 'seeds', 'free-running in-window NRMSE', 'beyond-window NRMSE', 'valid prediction time', 'fit time'];

/** The rows fitted with several seeds: each headline metric's mean and 95% interval of the mean over the seeds (eval/seeds.ts). */
function seedTable(rows: MetricsRow[]): string[] {
  const cell = (s: SeedSpread, f: (v: ErrorMetric) => string = formatMetric) =>
    s.values.length > 1 ? `${f(s.mean)} [${f(s.interval[0])}, ${f(s.interval[1])}]` : f(s.mean);
  const cells = rows.map((r) => {
    const o = r.metrics.overSeeds!;
    return [displayText(r.name), String(o.seeds.length), cell(o.nrmseInFreeRun), cell(o.nrmseOut), cell(o.validPredictionTime), cell(o.fitSeconds, formatSeconds)];
  });
  const widths = SEED_HEADERS.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [
    'Over seeds: the mean [95% interval of the mean] of each model fitted with every seed; the table above shows its first seed.',
    line(SEED_HEADERS), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line),
  ];
}
