/**
 * Conservation in figures (issue 11), for a run whose system has a known invariant (`lawful
 * fit --invariant "E = …"`, `lawful demo --scenario hnn`): the phase portrait — the truth's
 * trajectory in the plane of its first two channels and each model's forecast beyond the
 * window — and the invariant over time, evaluated on the truth and on each model's
 * prediction, drawn as the forecast figure draws a channel (one panel per model over the
 * truth's curve). A black box that forecasts well for a while still lets the energy wander;
 * these show where. Browser-safe, pure.
 */
import type { Series } from '../data/series.js';
import type { Split } from '../eval/evaluate.js';
import type { Invariant } from '../systems/base.js';
import { formatMetric } from './format.js';
import { forecastFigureSpec, type VegaLiteSpec } from './specs.js';
import { FIGURE_FRAME, INK, OKABE_ITO } from './theme.js';
import { displayText, vegaTextExpr, vegaTitle } from './vega-text.js';

/** One model's prediction per channel on the truth's clock (native in the window, the forecast beyond; NaN where none). */
export interface ConservationModel {
  name: string;
  prediction: Float64Array[];
}

/** Whether a model has anything beyond the window to draw (a scenario may score some models on other trajectories). */
function forecasts(m: ConservationModel, from: number): boolean {
  return m.prediction[0].subarray(from).some(Number.isFinite);
}

function firstAfter(t: Float64Array, x: number): number {
  let i = 0;
  while (i < t.length && t[i] <= x) i++;
  return i;
}

/** `invariant` along each sample of `y` (per channel); NaN where any channel is not finite. */
export function invariantAlong(invariant: Invariant, y: Float64Array[]): Float64Array {
  const n = y[0].length;
  const state = new Float64Array(y.length);
  return Float64Array.from({ length: n }, (_, i) => {
    for (let c = 0; c < y.length; c++) state[c] = y[c][i];
    return state.every(Number.isFinite) ? invariant.value(state) : NaN;
  });
}

/**
 * The invariant over time: the forecast figure (specs.ts) of the invariant evaluated on the
 * truth and on each model's prediction, one panel per model that forecasts on this truth.
 */
export function invariantFigureSpec(invariant: Invariant, truth: Series, split: Split, models: readonly ConservationModel[]): VegaLiteSpec {
  const from = firstAfter(truth.t, split.trainUntil);
  const values = invariantAlong(invariant, truth.y);
  const finite = values.filter(Number.isFinite);
  const [lo, hi] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [-1, 1];
  // A conserved truth is flat: show at least ±25% of its size, where a drifting model's departure is seen.
  const half = Math.max((hi - lo) * 0.65, 0.25 * Math.max(Math.abs(lo), Math.abs(hi)), 1e-12);
  const mid = (lo + hi) / 2;
  const drawn = models.filter((m) => forecasts(m, from)).map((m) => {
    const e = invariantAlong(invariant, m.prediction);
    return { name: m.name, prediction: e, nrmseOut: null, title: `${m.name} — largest relative departure of ${invariant.name} from the truth beyond the window ${formatMetric(departure(e, values, from))}` };
  });
  const title = `The invariant ${invariant.name} over time: truth and each model`;
  return forecastFigureSpec({ t: truth.t, truth: values, channel: invariant.name, split, title, models: drawn }, { yDomain: [mid - half, mid + half] });
}

/** max |e − truth| / |truth| over the samples from `from` (Infinity where e is not finite). */
function departure(e: Float64Array, truth: Float64Array, from: number): number {
  let worst = 0;
  for (let i = from; i < e.length; i++) if (Number.isFinite(truth[i])) worst = Math.max(worst, Number.isFinite(e[i]) ? Math.abs(e[i] - truth[i]) / Math.abs(truth[i]) : Infinity);
  return worst;
}

/** Points per curve of the phase portrait, at most. */
const MAX_POINTS = 2000;

/**
 * The phase portrait in the plane of channels 0 and 1: the truth over the whole span (dark),
 * each model's forecast beyond the window in its colour, drawn in time order. Undefined for
 * data of one channel.
 */
export function phasePortraitSpec(truth: Series, split: Split, models: readonly ConservationModel[], options: { size?: number; palette?: string[] } = {}): VegaLiteSpec | undefined {
  if (truth.y.length < 2) return undefined;
  const size = options.size ?? 360;
  const palette = options.palette ?? OKABE_ITO;
  const from = firstAfter(truth.t, split.trainUntil);
  const drawn = models.filter((m) => forecasts(m, from));
  const rows: { x: number; y: number; i: number; k: string }[] = [];
  const curve = (y: Float64Array[], lo: number, label: string) => {
    // A phase curve is smooth in time: every stride-th sample draws it.
    const stride = Math.max(1, Math.ceil((truth.t.length - lo) / MAX_POINTS));
    for (let i = lo; i < truth.t.length; i += stride) {
      if (Number.isFinite(y[0][i]) && Number.isFinite(y[1][i])) rows.push({ x: y[0][i], y: y[1][i], i, k: label });
    }
  };
  const truthLabel = 'truth';
  curve(truth.y, 0, truthLabel);
  const labels = drawn.map((m) => `${displayText(m.name)} (forecast)`);
  drawn.forEach((m, j) => curve(m.prediction, from, labels[j]));
  // The truth's range, padded: a forecast that spirals away is clipped, not allowed to shrink the truth to a dot.
  const range = (c: 0 | 1) => {
    const v = truth.y[c].filter(Number.isFinite);
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    const pad = 0.3 * (hi - lo || 1);
    return [lo - pad, hi + pad];
  };
  const domain = [truthLabel, ...labels];
  const colour = {
    field: 'k',
    type: 'nominal' as const,
    scale: { domain, range: [INK, ...drawn.map((_, j) => palette[j % palette.length])] },
    legend: { values: { expr: `[${domain.map(vegaTextExpr).join(', ')}]` }, title: null, orient: 'bottom' as const, direction: 'vertical' as const },
  };
  return {
    ...FIGURE_FRAME,
    title: { text: `Phase portrait: ${displayText(truth.names[0])} against ${displayText(truth.names[1])}`, subtitle: 'the truth over the whole span; each model beyond the training window', anchor: 'start' },
    width: size,
    height: size,
    datasets: { rows },
    layer: [
      {
        data: { name: 'rows' },
        mark: { type: 'line', clip: true, strokeWidth: 1.3 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { domain: range(0), nice: false, zero: false }, axis: { title: vegaTitle(truth.names[0]) } },
          y: { field: 'y', type: 'quantitative', scale: { domain: range(1), nice: false, zero: false }, axis: { title: vegaTitle(truth.names[1]) } },
          order: { field: 'i', type: 'quantitative' },
          color: colour,
          detail: { field: 'k' },
        },
      },
    ],
  };
}
