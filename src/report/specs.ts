/**
 * Vega-Lite specs of lawful's figures: pure functions from data to a spec object, with no
 * Node imports, so the CLI renders them headless (render.ts) and the web app hands the
 * very same objects to vega-embed.
 */
import type { TopLevelSpec } from 'vega-lite';
import { ConfigError } from '../core/errors.js';
import { decimateMinMax } from './decimate.js';
import { formatMetric } from './format.js';

/** A top-level Vega-Lite spec (v6). */
export type VegaLiteSpec = TopLevelSpec;
/** One view of a vconcat, and one layer of a layered view, derived from the public type. */
type ConcatView = Extract<VegaLiteSpec, { vconcat: unknown }>['vconcat'][number];
type Layer = Extract<ConcatView, { layer: unknown }>['layer'][number];

/** Data of the forecast figure: one truth channel and every model's prediction on one clock. */
export interface FigureInput {
  /** Common clock, strictly increasing. */
  t: Float64Array;
  /** One channel of the truth at `t` (one figure per channel when the data has several). */
  truth: Float64Array;
  /** Name of the channel, used as the y-axis label; default "y". */
  channel?: string;
  /** Trained on [trainFrom, trainUntil], forecast (trainUntil, until]; the time axis spans it. */
  split: { trainFrom: number; trainUntil: number; until: number };
  /** One panel each, in this order. `prediction` is at `t`, NaN where the model gives none. */
  models: { name: string; prediction: Float64Array; nrmseOut: number | null }[];
  /** Figure title; default none. */
  title?: string;
}

/** Layout and styling of the forecast figure. Every field is optional. */
export interface FigureOptions {
  /** Width of each panel's plot area in px. Default 720. */
  width?: number;
  /** Height of each panel's plot area in px. Default 110. */
  panelHeight?: number;
  /** Points per line after min/max decimation. Default 1500. */
  maxPoints?: number;
  /**
   * Fraction of the truth's range added above and below it to make the y-scale domain.
   * Predictions beyond it are clipped, so a diverging forecast cannot squash the truth.
   * Default 0.3.
   */
  yPadding?: number;
  /** Label of the shared time axis. Default "t". */
  timeLabel?: string;
  /** Colours of the models' predictions, cycled. Default: Okabe & Ito's colour-blind-safe palette. */
  palette?: string[];
}

/**
 * Okabe & Ito (2008) colours, distinguishable with every common colour-vision deficiency;
 * their black is the truth's, and their yellow is left out (too faint on white).
 */
export const OKABE_ITO = ['#D55E00', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

const TRUTH_COLOUR = '#1b1b1b';
const WINDOW_FILL = '#ebebeb';
const RULE_COLOUR = '#6b6b6b';
/** A font stack that browsers resolve to their sans-serif and resvg to DejaVu Sans. */
export const FIGURE_FONT = 'Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif';

/** Panel title: "<name> — beyond-window NRMSE 0.034"; "∞" for +Infinity, "diverged" for NaN/null. */
export function panelTitle(name: string, nrmseOut: number | null): string {
  if (nrmseOut === Number.POSITIVE_INFINITY) return `${name} — beyond-window NRMSE ∞`;
  if (nrmseOut === null || !Number.isFinite(nrmseOut)) return `${name} — diverged`;
  return `${name} — beyond-window NRMSE ${formatMetric(nrmseOut)}`;
}

/** Legend label size in px, the longest label shown in full, and the width of one character (DejaVu Sans, about 0.58 em). */
const LEGEND_FONT_SIZE = 11.5;
const LEGEND_LABEL_LIMIT = 320;
const LEGEND_CHAR_WIDTH = 0.58 * LEGEND_FONT_SIZE;

/**
 * Columns of the legend: undefined (one row) when every entry fits across the panel width,
 * else as many equal columns as the longest entry allows, so a long list wraps instead of
 * widening the figure. Widths are estimated; the renderer measures the real ones.
 */
function legendColumnsFor(labels: string[], width: number): number | undefined {
  const entry = (s: string): number => Math.min(LEGEND_LABEL_LIMIT, s.length * LEGEND_CHAR_WIDTH) + 36;
  const total = labels.reduce((sum, s) => sum + entry(s), 0);
  if (total <= width) return undefined;
  return Math.max(1, Math.floor(width / Math.max(...labels.map(entry))));
}

interface Row {
  t: number;
  y: number;
  s: number;
}

function rows(t: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number): Row[] {
  const d = decimateMinMax(t, y, maxPoints);
  return d.t.map((ti, i) => ({ t: ti, y: d.y[i], s: d.segment[i] }));
}

/** Indices [a, b) of the samples with lo <= t <= hi (t increasing). */
function window(t: Float64Array, lo: number, hi: number): [number, number] {
  let a = 0;
  while (a < t.length && t[a] < lo) a++;
  let b = a;
  while (b < t.length && t[b] <= hi) b++;
  return [a, b];
}

function checkInput(input: FigureInput): void {
  const n = input.t.length;
  const { trainFrom, trainUntil, until } = input.split;
  if (!(trainFrom < trainUntil && trainUntil <= until)) {
    throw new ConfigError(`needs trainFrom < trainUntil <= until; got ${trainFrom}, ${trainUntil}, ${until}`, 'split');
  }
  if (input.truth.length !== n) throw new ConfigError(`truth has ${input.truth.length} samples, t has ${n}`, 'truth');
  for (const m of input.models) {
    if (m.prediction.length !== n) {
      throw new ConfigError(`prediction of "${m.name}" has ${m.prediction.length} samples, t has ${n}`, 'models');
    }
  }
}

/** [lo, hi] of the finite values in y[a..b), or undefined when there are none. */
function finiteRange(y: Float64Array, a: number, b: number): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = a; i < b; i++) {
    const v = y[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * The forecast figure of the talk: one panel per model, stacked on a shared time axis.
 * Each panel draws the truth as a dark line, the model's prediction over it in its own
 * colour, the training window shaded grey, and a dashed rule where the forecast starts;
 * its title gives the beyond-window NRMSE. Lines are min/max-decimated; the y-scale is the
 * truth's range padded by `yPadding`, and predictions are clipped to it.
 */
export function forecastFigureSpec(input: FigureInput, options: FigureOptions = {}): VegaLiteSpec {
  checkInput(input);
  const width = options.width ?? 720;
  const height = options.panelHeight ?? 110;
  const maxPoints = options.maxPoints ?? 1500;
  const yPadding = options.yPadding ?? 0.3;
  const palette = options.palette ?? OKABE_ITO;
  const { trainFrom, trainUntil, until } = input.split;
  const x0 = input.t.length > 0 ? Math.min(trainFrom, input.t[0]) : trainFrom;
  const [a, b] = window(input.t, x0, until);
  const t = input.t.subarray(a, b);

  const [lo, hi] = finiteRange(input.truth, a, b) ?? [-1, 1];
  const span = hi - lo || Math.abs(hi) || 1;
  const yDomain = [lo - yPadding * span, hi + yPadding * span];
  // Values far outside the domain are pinned just beyond it: the clipped line still leaves
  // the panel where the model diverges, without coordinates of 1e300 in the SVG.
  const yFloor = yDomain[0] - 2 * span;
  const yCeil = yDomain[1] + 2 * span;
  const clamp = (v: number): number => (Number.isNaN(v) ? NaN : Math.min(yCeil, Math.max(yFloor, v)));

  const datasets: Record<string, object[]> = {
    window: [{ from: trainFrom, until: trainUntil, mid: (trainFrom + trainUntil) / 2 }],
    truth: rows(t, input.truth.subarray(a, b), maxPoints),
  };
  input.models.forEach((m, i) => {
    datasets[`model${i}`] = rows(t, Array.from(m.prediction.subarray(a, b), clamp), maxPoints);
  });

  const names = input.models.map((m) => m.name);
  const legendColumns = legendColumnsFor(['truth', ...names], width);
  const colour = {
    type: 'nominal' as const,
    scale: { domain: ['truth', ...names], range: [TRUTH_COLOUR, ...names.map((_, i) => palette[i % palette.length])] },
    legend: {
      title: null, orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolStrokeWidth: 2.5,
      ...(legendColumns ? { columns: legendColumns } : {}),
    },
  };
  const panels = (input.models.length ? input.models : [undefined]).map((m, i, all) => {
    const last = i === all.length - 1;
    const x = {
      type: 'quantitative' as const,
      scale: { domain: [x0, until], nice: false, zero: false },
      axis: last ? { title: options.timeLabel ?? 't' } : { title: null, labels: false },
    };
    const y = {
      field: 'y',
      type: 'quantitative' as const,
      scale: { domain: yDomain, nice: false, zero: false },
      axis: { title: input.channel ?? 'y', tickCount: 4 },
    };
    const layer: Layer[] = [
      { data: { name: 'window' }, mark: { type: 'rect', color: WINDOW_FILL }, encoding: { x: { ...x, field: 'from' }, x2: { field: 'until' } } },
      {
        data: { name: 'window' },
        mark: { type: 'rule', color: RULE_COLOUR, strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x: { ...x, field: 'until' } },
      },
      {
        data: { name: 'truth' },
        mark: { type: 'line', clip: true, strokeWidth: 2, strokeJoin: 'round' },
        encoding: { x: { ...x, field: 't' }, y, detail: { field: 's' }, color: { ...colour, datum: 'truth' } },
      },
    ];
    if (m) {
      layer.push({
        data: { name: `model${i}` },
        mark: { type: 'line', clip: true, strokeWidth: 1.4, strokeJoin: 'round' },
        encoding: { x: { ...x, field: 't' }, y, detail: { field: 's' }, color: { ...colour, datum: m.name } },
      });
    }
    if (i === 0) {
      const label = { type: 'text', baseline: 'top', dy: 5, fontSize: 10, color: RULE_COLOUR, fontStyle: 'italic' } as const;
      layer.push(
        { data: { name: 'window' }, mark: { ...label, align: 'center' }, encoding: { x: { ...x, field: 'mid' }, y: { value: 0 }, text: { value: 'training window' } } },
        { data: { name: 'window' }, mark: { ...label, align: 'left', dx: 5 }, encoding: { x: { ...x, field: 'until' }, y: { value: 0 }, text: { value: 'forecast →' } } },
      );
    }
    const view: ConcatView = { title: m ? panelTitle(m.name, m.nrmseOut) : 'truth', width, height, layer };
    return view;
  });

  const spec: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(input.title ? { title: { text: input.title, anchor: 'start', fontSize: 15 } } : {}),
    background: 'white',
    padding: 12,
    datasets,
    vconcat: panels,
    spacing: 14,
    resolve: { scale: { color: 'shared', x: 'shared' } },
    config: {
      font: FIGURE_FONT,
      view: { stroke: '#bdbdbd' },
      title: { anchor: 'start', fontSize: 12.5, fontWeight: 600, offset: 6, color: '#1b1b1b' },
      axis: { grid: false, labelFontSize: 10.5, titleFontSize: 11, titleFontWeight: 'normal', domainColor: '#888', tickColor: '#888', labelColor: '#333', titleColor: '#333' },
      legend: { labelFontSize: LEGEND_FONT_SIZE, labelLimit: LEGEND_LABEL_LIMIT },
    },
  };
  return spec;
}
