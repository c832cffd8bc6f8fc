/**
 * Vega-Lite specs of lawful's figures: pure functions from data to a spec object, with no
 * Node imports, so the CLI renders them headless (render.ts) and the web app hands the
 * very same objects to vega-embed.
 */
import type { TopLevelSpec } from 'vega-lite';
import { ConfigError } from '../core/errors.js';
import { decimateMinMax } from './decimate.js';
import { formatMetric } from './format.js';
import { FIGURE_FRAME, INK, LEGEND_FONT_SIZE, LEGEND_LABEL_LIMIT, OKABE_ITO, RULE_COLOUR } from './theme.js';
import { displayText, vegaTextExpr, vegaTitle, vegaTitleText } from './vega-text.js';

/** A top-level Vega-Lite spec (v6). */
export type VegaLiteSpec = TopLevelSpec;
/** One view of a vconcat, and one layer of a layered view, derived from the public type. */
type ConcatView = Extract<VegaLiteSpec, { vconcat: unknown }>['vconcat'][number];
type Layer = Extract<ConcatView, { layer: unknown }>['layer'][number];

/** One model of the forecast figure. */
export interface FigureModel {
  /** Display name; any string (names are data, vega-text.ts). */
  name: string;
  /** The prediction at `t`: native in-window prediction, then the forecast; NaN where the model gives none. */
  prediction: Float64Array;
  /** Beyond-window NRMSE, for the panel title; null or non-finite reads "diverged". */
  nrmseOut: number | null;
  /** The panel's title instead of "<name> — beyond-window NRMSE …" (a figure of another quantity than the forecast). */
  title?: string;
  /**
   * For a one-step (teacher-forced) family: its free-running in-window prediction at `t`
   * (NaN elsewhere), drawn dashed, so one step ahead is not mistaken for a fit
   * (eval/evaluate.ts `Evaluation.freeRun`). Absent: the prediction is drawn alone.
   */
  freeRun?: Float64Array;
  /**
   * The forecast's central 80% interval at `t` (NaN where it has none, e.g. in the window),
   * shaded in the model's colour under its line (report/reliability.ts `centralBand` builds
   * it from `Evaluation.quantiles`). Absent: no band.
   */
  band?: { lo: Float64Array; hi: Float64Array };
}

/** Data of the forecast figure: one truth channel and every model's prediction on one clock. */
export interface FigureInput {
  /** Common clock, strictly increasing. */
  t: Float64Array;
  /** One channel of the truth at `t` (one figure per channel when the data has several). */
  truth: Float64Array;
  /** Name of the channel: the y-axis label, and named under the figure title. Default "y", not named. */
  channel?: string;
  /** Trained on [trainFrom, trainUntil], forecast (trainUntil, until]; the time axis spans it. */
  split: { trainFrom: number; trainUntil: number; until: number };
  /** One panel each, in this order. */
  models: FigureModel[];
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
  /** The y-scale's domain, instead of the truth's padded range (a conserved quantity's truth has no range to speak of). */
  yDomain?: [number, number];
  /** Label of the shared time axis. Default "t". */
  timeLabel?: string;
  /** Colours of the models' predictions, cycled. Default: Okabe & Ito's colour-blind-safe palette. */
  palette?: string[];
}

export { FIGURE_FONT, OKABE_ITO } from './theme.js';

const TRUTH_COLOUR = INK;
const WINDOW_FILL = '#ebebeb';
/** Dash of a free-running in-window curve (px on, px off); solid lines have none. */
const FREE_RUN_DASH = [5, 3];
const SOLID: number[] = [1, 0];

/** Legend label of a one-step family's in-window curves. */
export function oneStepLabel(name: string): string {
  return `${name} (one step ahead, teacher-forced)`;
}
export function freeRunLabel(name: string): string {
  return `${name} (free run in window)`;
}

/** Panel title: "<name> — beyond-window NRMSE 0.034"; "∞" for +Infinity, "diverged" for NaN/null. */
export function panelTitle(name: string, nrmseOut: number | null): string {
  if (nrmseOut === Number.POSITIVE_INFINITY) return `${name} — beyond-window NRMSE ∞`;
  if (nrmseOut === null || !Number.isFinite(nrmseOut)) return `${name} — diverged`;
  return `${name} — beyond-window NRMSE ${formatMetric(nrmseOut)}`;
}

/** Width of one legend character (DejaVu Sans, about 0.58 em). */
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

/** A point of a line: time, value, segment (NaN gaps split a line), and the line's legend label. */
interface Row {
  t: number;
  y: number;
  s: number;
  /** The legend label, as data: a name in a data row is never read as code (vega-text.ts). */
  k: string;
}

function rows(t: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number, label: string): Row[] {
  const d = decimateMinMax(t, y, maxPoints);
  return d.t.map((ti, i) => ({ t: ti, y: d.y[i], s: d.segment[i], k: label }));
}

/** Opacity of a forecast's 80% band under its line. */
const BAND_OPACITY = 0.22;

/** Rows {t, lo, hi} of a band where both ends are finite, thinned to about `maxPoints` by stride (a band is smooth). */
function bandRows(t: Float64Array, lo: Float64Array, hi: Float64Array, maxPoints: number, clamp: (v: number) => number): object[] {
  const out: object[] = [];
  const stride = Math.max(1, Math.ceil(t.length / maxPoints));
  for (let i = 0; i < t.length; i++) {
    if (!(Number.isFinite(lo[i]) && Number.isFinite(hi[i]))) continue;
    if (i % stride !== 0 && i !== t.length - 1) continue;
    out.push({ t: t[i], lo: clamp(lo[i]), hi: clamp(hi[i]) });
  }
  return out;
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
    if (m.band && (m.band.lo.length !== n || m.band.hi.length !== n)) {
      throw new ConfigError(`band of "${m.name}" has ${m.band.lo.length}/${m.band.hi.length} samples, t has ${n}`, 'models');
    }
    if (m.freeRun && m.freeRun.length !== n) {
      throw new ConfigError(`free run of "${m.name}" has ${m.freeRun.length} samples, t has ${n}`, 'models');
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

/** The legend entries of one model: its prediction, and its free run when it has one. */
function modelLabels(m: FigureModel): { prediction: string; freeRun?: string } {
  const name = displayText(m.name);
  return m.freeRun ? { prediction: oneStepLabel(name), freeRun: freeRunLabel(name) } : { prediction: name };
}


/**
 * The forecast figure of the talk: one panel per model, stacked on a shared time axis.
 * Each panel draws the truth as a dark line, the model's prediction over it in its own
 * colour, the training window shaded grey, and a dashed rule where the forecast starts;
 * its title gives the beyond-window NRMSE. A one-step (teacher-forced) family's panel
 * also draws its free-running in-window curve, dashed, and the legend says which is
 * which. Lines are min/max-decimated; the y-scale is the truth's range padded by
 * `yPadding`, and predictions are clipped to it. Any channel or model name works:
 * names travel as data (vega-text.ts).
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

  const [lo, hi] = options.yDomain ?? finiteRange(input.truth, a, b) ?? [-1, 1];
  const span = hi - lo || Math.abs(hi) || 1;
  const yDomain = options.yDomain ?? [lo - yPadding * span, hi + yPadding * span];
  // Values far outside the domain are pinned just beyond it: the clipped line still leaves
  // the panel where the model diverges, without coordinates of 1e300 in the SVG.
  const yFloor = yDomain[0] - 2 * span;
  const yCeil = yDomain[1] + 2 * span;
  const clamp = (v: number): number => (Number.isNaN(v) ? NaN : Math.min(yCeil, Math.max(yFloor, v)));

  const labels = input.models.map(modelLabels);
  // The truth keeps its own legend entry (and colour) even next to a model called "truth".
  const truthLabel = labels.some((l) => l.prediction === 'truth') ? 'truth (data)' : 'truth';
  const datasets: Record<string, object[]> = {
    window: [{ from: trainFrom, until: trainUntil, mid: (trainFrom + trainUntil) / 2 }],
    truth: rows(t, input.truth.subarray(a, b), maxPoints, truthLabel),
  };
  input.models.forEach((m, i) => {
    datasets[`model${i}`] = rows(t, Array.from(m.prediction.subarray(a, b), clamp), maxPoints, labels[i].prediction);
    if (m.freeRun) datasets[`freeRun${i}`] = rows(t, Array.from(m.freeRun.subarray(a, b), clamp), maxPoints, labels[i].freeRun!);
    if (m.band) datasets[`band${i}`] = bandRows(t, m.band.lo.subarray(a, b), m.band.hi.subarray(a, b), maxPoints, clamp);
  });

  const entries = [{ label: truthLabel, colour: TRUTH_COLOUR, dash: SOLID }];
  labels.forEach((l, i) => {
    const colour = palette[i % palette.length];
    entries.push({ label: l.prediction, colour, dash: SOLID });
    if (l.freeRun) entries.push({ label: l.freeRun, colour, dash: FREE_RUN_DASH });
  });
  const domain = entries.map((e) => e.label);
  const legendColumns = legendColumnsFor(domain, width);
  const legend = {
    // Explicit values would be compiled into an expression of string literals: give it as one that reads them right.
    values: { expr: `[${domain.map(vegaTextExpr).join(', ')}]` },
    title: null, orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolStrokeWidth: 2.5,
    ...(legendColumns ? { columns: legendColumns } : {}),
  };
  // Colour and dash both encode the label, with the same domain: one legend shows both.
  const colour = { field: 'k', type: 'nominal' as const, scale: { domain, range: entries.map((e) => e.colour) }, legend };
  const strokeDash = { field: 'k', type: 'nominal' as const, scale: { domain, range: entries.map((e) => e.dash) }, legend };
  const channel = input.channel ?? 'y';
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
      axis: { title: vegaTitle(channel), tickCount: 4 },
    };
    const line = (data: string, strokeWidth: number): Layer => ({
      data: { name: data },
      mark: { type: 'line', clip: true, strokeWidth, strokeJoin: 'round' },
      encoding: { x: { ...x, field: 't' }, y, detail: { field: 's' }, color: colour, strokeDash },
    });
    const layer: Layer[] = [
      { data: { name: 'window' }, mark: { type: 'rect', color: WINDOW_FILL }, encoding: { x: { ...x, field: 'from' }, x2: { field: 'until' } } },
      {
        data: { name: 'window' },
        mark: { type: 'rule', color: RULE_COLOUR, strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x: { ...x, field: 'until' } },
      },
      line('truth', 2),
    ];
    if (m) {
      if (m.band) {
        layer.push({
          data: { name: `band${i}` },
          mark: { type: 'area', clip: true, opacity: BAND_OPACITY, color: palette[i % palette.length] },
          encoding: { x: { ...x, field: 't' }, y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
        });
      }
      if (m.freeRun) layer.push(line(`freeRun${i}`, 1.4));
      layer.push(line(`model${i}`, 1.4));
    }
    if (i === 0) {
      const label = { type: 'text', baseline: 'top', dy: 5, fontSize: 10, color: RULE_COLOUR, fontStyle: 'italic' } as const;
      layer.push(
        { data: { name: 'window' }, mark: { ...label, align: 'center' }, encoding: { x: { ...x, field: 'mid' }, y: { value: 0 }, text: { value: 'training window' } } },
        { data: { name: 'window' }, mark: { ...label, align: 'left', dx: 5 }, encoding: { x: { ...x, field: 'until' }, y: { value: 0 }, text: { value: 'forecast →' } } },
      );
    }
    const view: ConcatView = { title: m ? displayText(m.title ?? panelTitle(m.name, m.nrmseOut)) : 'truth', width, height, layer };
    return view;
  });

  // The figure's title names the channel (one figure per channel of a multi-channel fit).
  const named = input.channel !== undefined ? `channel ${displayText(input.channel)}` : undefined;
  const heading = input.title !== undefined
    ? { text: vegaTitleText(input.title), ...(named ? { subtitle: named } : {}) }
    : named ? { text: named } : undefined;
  const spec: VegaLiteSpec = {
    ...FIGURE_FRAME,
    ...(heading ? { title: { ...heading, anchor: 'start', fontSize: 15 } } : {}),
    datasets,
    vconcat: panels,
    spacing: 14,
    resolve: { scale: { color: 'shared', x: 'shared', strokeDash: 'shared' } },
  };
  return spec;
}
