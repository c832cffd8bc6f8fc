/**
 * Calibration in figures (issue 12): the reliability diagram of every model whose forecast
 * had quantiles (nominal level against the observed fraction of the truth at or below that
 * quantile, beyond the window; calibrated models lie on the diagonal), and the central band
 * the forecast figure shades (specs.ts `FigureModel.band`). Browser-safe, pure.
 */
import type { Results } from './results.js';
import type { VegaLiteSpec } from './specs.js';
import { FIGURE_FRAME, INK, OKABE_ITO, RULE_COLOUR } from './theme.js';
import { displayText, vegaTextExpr } from './vega-text.js';

/** Options of {@link reliabilitySpec}. */
export interface ReliabilityOptions {
  /** Side of the square plot area in px. Default 320. */
  size?: number;
  /** Colours of the models, cycled in the order of `results.models` (the forecast figure's order). Default Okabe & Ito. */
  palette?: string[];
}

/**
 * The reliability diagram of results.json: one line of points per model that has
 * `metrics.reliability`, the diagonal as reference, each legend entry naming the model and
 * its 80% coverage. Undefined when no model has quantiles (nothing to draw).
 */
export function reliabilitySpec(results: Results, options: ReliabilityOptions = {}): VegaLiteSpec | undefined {
  const size = options.size ?? 320;
  const palette = options.palette ?? OKABE_ITO;
  const rows: { level: number; observed: number; k: string; o: number }[] = [];
  const domain: string[] = [];
  const range: string[] = [];
  results.models.forEach((m, i) => {
    const rel = m.metrics.reliability;
    if (!rel || rel.length === 0) return;
    const c80 = m.metrics.coverage?.['80'];
    const label = `${displayText(m.name)}${typeof c80 === 'number' ? ` (80% interval covers ${Math.round(100 * c80)}%)` : ''}`;
    domain.push(label);
    range.push(palette[i % palette.length]);
    for (const r of rel) if (typeof r.observed === 'number') rows.push({ level: r.level, observed: r.observed, k: label, o: i });
  });
  if (domain.length === 0) return undefined;
  const axis = (title: string) => ({ type: 'quantitative' as const, scale: { domain: [0, 1], nice: false }, axis: { title, tickCount: 5, grid: true } });
  const colour = {
    field: 'k',
    type: 'nominal' as const,
    scale: { domain, range },
    legend: { values: { expr: `[${domain.map(vegaTextExpr).join(', ')}]` }, title: null, orient: 'bottom' as const, direction: 'vertical' as const },
  };
  return {
    ...FIGURE_FRAME,
    title: { text: 'Reliability beyond the window', subtitle: 'fraction of the truth at or below each forecast quantile; calibrated on the diagonal', anchor: 'start' },
    width: size,
    height: size,
    datasets: { rows, diagonal: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
    layer: [
      { data: { name: 'diagonal' }, mark: { type: 'line', color: RULE_COLOUR, strokeDash: [4, 3], strokeWidth: 1 }, encoding: { x: { ...axis('nominal level'), field: 'x' }, y: { ...axis('observed fraction'), field: 'y' } } },
      {
        data: { name: 'rows' },
        mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 1.5, color: INK },
        encoding: { x: { ...axis('nominal level'), field: 'level' }, y: { ...axis('observed fraction'), field: 'observed' }, color: colour, detail: { field: 'o' } },
      },
    ],
  };
}

/**
 * The central `level` interval of one channel of `Evaluation.quantiles` on the truth's clock
 * of `n` samples (NaN outside the forecast), for `FigureModel.band`. Undefined when the
 * quantiles lack either end of the interval.
 */
export function centralBand(
  quantiles: { from: number; levels: number[]; values: Float64Array[][] } | undefined,
  n: number,
  channel = 0,
  level = 0.8,
): { lo: Float64Array; hi: Float64Array } | undefined {
  if (!quantiles) return undefined;
  const a = quantiles.levels.findIndex((l) => Math.abs(l - (1 - level) / 2) < 1e-9);
  const b = quantiles.levels.findIndex((l) => Math.abs(l - (1 + level) / 2) < 1e-9);
  if (a < 0 || b < 0) return undefined;
  const lo = new Float64Array(n).fill(NaN);
  const hi = new Float64Array(n).fill(NaN);
  lo.set(quantiles.values[a][channel].subarray(0, n - quantiles.from), quantiles.from);
  hi.set(quantiles.values[b][channel].subarray(0, n - quantiles.from), quantiles.from);
  return { lo, hi };
}
