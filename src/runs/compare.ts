/**
 * `lawful runs compare`: every model of every run in one table and one figure. Pure
 * functions from records to rows and a Vega-Lite spec (no Node imports), so the web run
 * browser can draw the same figure.
 *
 * results.json holds metrics, not predictions, so the figure compares metrics: in-window
 * vs beyond-window NRMSE (log scale) and the valid prediction time, one row per model,
 * one colour per run.
 */
import { ConfigError } from '../core/errors.js';
import { isFiniteMetric } from '../report/format.js';
import type { ModelResult, Results } from '../report/results.js';
import { FIGURE_FONT, OKABE_ITO } from '../report/specs.js';
import type { VegaLiteSpec } from '../report/specs.js';
import type { MetricsRow } from '../report/table.js';
import { shortId } from './format.js';
import type { RunRecord } from './record.js';

/** A run that can be compared: it completed and has results. */
export type ComparedRun = RunRecord & { results: Results };

/** The runs themselves, or a `ConfigError` naming the first one without results (failed, interrupted, still running). */
export function comparable(runs: readonly RunRecord[]): ComparedRun[] {
  if (runs.length === 0) throw new ConfigError('name at least one run to compare', 'ID');
  for (const r of runs) {
    if (!r.results) throw new ConfigError(`run ${shortId(r.id)} has no results to compare (it is ${r.status})`, 'ID');
  }
  return runs as ComparedRun[];
}

/** The label of a run in the table and the legend: short id and command. */
export function runLabel(run: RunRecord): string {
  return `${shortId(run.id)} ${run.command}`;
}

/** One table row per model per run, named "<short id> <model name>", in the order given. */
export function compareRows(runs: readonly ComparedRun[]): MetricsRow[] {
  return runs.flatMap((r) => r.results.models.map((m) => ({ ...m, name: `${shortId(r.id)} ${m.name}` })));
}

/** The common forecast horizon of the runs, when they share one (the table then shows "never"). */
export function commonUntil(runs: readonly ComparedRun[]): number | undefined {
  const u = runs[0].results.split.until;
  return runs.every((r) => r.results.split.until === u) ? u : undefined;
}

/** Layout of the compare figure. Every field is optional. */
export interface CompareFigureOptions {
  /** Width of each of the three panels in px. Default 230. */
  panelWidth?: number;
  /** Height per model row and run, in px. Default 11. */
  barHeight?: number;
  /** Colours of the runs, cycled. Default Okabe & Ito. */
  palette?: string[];
  /** Figure title. Default "Runs compared". */
  title?: string;
}

interface Point {
  run: string;
  model: string;
  nrmseIn: number;
  nrmseOut: number;
  inShown: string;
  outShown: string;
  inDiverged: boolean;
  outDiverged: boolean;
  trainUntil: number;
  vpt: number;
  never: boolean;
}

/**
 * Three panels sharing one row per model name: in-window NRMSE and beyond-window NRMSE
 * (points, log scale) and the valid prediction time (a bar from the end of the training
 * window to the time the forecast broke down). Each run has its colour and is offset
 * within the row. A diverged (non-finite) NRMSE is drawn as a cross at the right edge of
 * the scale; zero errors are drawn at its left edge.
 */
export function compareFigureSpec(runs: readonly ComparedRun[], options: CompareFigureOptions = {}): VegaLiteSpec {
  const width = options.panelWidth ?? 230;
  const palette = options.palette ?? OKABE_ITO;
  const finite: number[] = [];
  for (const r of runs) for (const m of r.results.models) for (const x of [m.metrics.nrmseIn, m.metrics.nrmseOut]) if (isFiniteMetric(x) && x > 0) finite.push(x);
  const lo = finite.length ? Math.min(...finite) / 2 : 1e-3;
  const hi = finite.length ? Math.max(...finite) * 2 : 10;
  const place = (x: number | null): number => (!isFiniteMetric(x) ? hi : Math.max(lo, x));
  const shown = (x: number | null): string => (isFiniteMetric(x) ? String(x) : 'diverged');
  const labels = runs.map(runLabel);
  const points: Point[] = runs.flatMap((r, i) =>
    r.results.models.map((m: ModelResult) => ({
      run: labels[i],
      model: m.name,
      nrmseIn: place(m.metrics.nrmseIn),
      nrmseOut: place(m.metrics.nrmseOut),
      inShown: shown(m.metrics.nrmseIn),
      outShown: shown(m.metrics.nrmseOut),
      inDiverged: !isFiniteMetric(m.metrics.nrmseIn),
      outDiverged: !isFiniteMetric(m.metrics.nrmseOut),
      trainUntil: r.results.split.trainUntil,
      vpt: m.metrics.validPredictionTime,
      never: m.metrics.validPredictionTime >= r.results.split.until,
    })),
  );
  // Grid lines and labels at the powers of ten only (every other one when the range is wide).
  const e0 = Math.ceil(Math.log10(lo));
  const e1 = Math.floor(Math.log10(hi));
  const every = Math.max(1, Math.ceil((e1 - e0 + 1) / 7));
  const decades: number[] = [];
  for (let e = e0; e <= e1; e += every) decades.push(10 ** e);
  const models = [...new Set(points.map((p) => p.model))];
  const tMin = Math.min(...runs.map((r) => r.results.split.trainUntil));
  const tMax = Math.max(...runs.map((r) => r.results.split.until));
  const step = Math.max(14, (options.barHeight ?? 11) * runs.length + 6);

  const y = { field: 'model', type: 'nominal' as const, sort: models, title: null };
  const yOffset = { field: 'run', type: 'nominal' as const, sort: labels };
  const color = {
    field: 'run',
    type: 'nominal' as const,
    scale: { domain: labels, range: labels.map((_, i) => palette[i % palette.length]) },
    legend: { title: 'run', orient: 'top' as const, direction: 'horizontal' as const },
  };
  const logX = (field: 'nrmseIn' | 'nrmseOut', title: string) => ({
    field,
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: [lo, hi], nice: false },
    axis: {
      title,
      values: decades,
      labelExpr: "datum.value >= 0.001 && datum.value < 10000 ? format(datum.value, '~g') : replace(format(datum.value, '.0e'), 'e+', 'e')",
      grid: true,
      gridColor: '#eeeeee',
    },
  });
  const errorPanel = (field: 'nrmseIn' | 'nrmseOut', diverged: 'inDiverged' | 'outDiverged', shownField: 'inShown' | 'outShown', title: string, first: boolean) => ({
    title,
    width,
    height: { step },
    mark: { type: 'point' as const, filled: true, size: 55, opacity: 0.9 },
    encoding: {
      x: logX(field, 'NRMSE (log)'),
      y: first ? y : { ...y, axis: { labels: false, ticks: false } },
      yOffset,
      color,
      shape: {
        field: diverged,
        type: 'nominal' as const,
        scale: { domain: [false, true], range: ['circle', 'cross'] },
        legend: null,
      },
      tooltip: [{ field: 'run' }, { field: 'model' }, { field: shownField, title: 'NRMSE' }],
    },
  });
  const spec: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title ?? 'Runs compared', anchor: 'start', fontSize: 15 },
    background: 'white',
    padding: 12,
    data: { values: points },
    hconcat: [
      errorPanel('nrmseIn', 'inDiverged', 'inShown', `in-window NRMSE${points.some((p) => p.inDiverged) ? ' (+ diverged)' : ''}`, true),
      errorPanel('nrmseOut', 'outDiverged', 'outShown', `beyond-window NRMSE${points.some((p) => p.outDiverged) ? ' (+ diverged)' : ''}`, false),
      {
        title: `valid prediction time${points.some((p) => p.never) ? ' (pale: never broke down)' : ''}`,
        width,
        height: { step },
        mark: { type: 'bar', height: { band: 0.8 } },
        encoding: {
          x: { field: 'trainUntil', type: 'quantitative', scale: { domain: [tMin, tMax], nice: false, zero: false }, axis: { title: 't (bar from end of training)', grid: true, gridColor: '#eeeeee' } },
          x2: { field: 'vpt' },
          y: { ...y, axis: { labels: false, ticks: false } },
          yOffset,
          color,
          opacity: { field: 'never', type: 'nominal', scale: { domain: [false, true], range: [0.9, 0.45] }, legend: null },
          tooltip: [{ field: 'run' }, { field: 'model' }, { field: 'vpt', title: 'valid until' }],
        },
      },
    ],
    spacing: 16,
    resolve: { scale: { y: 'shared', color: 'shared' } },
    config: {
      font: FIGURE_FONT,
      view: { stroke: '#bdbdbd' },
      title: { anchor: 'start', fontSize: 12.5, fontWeight: 600, offset: 6, color: '#1b1b1b' },
      axis: { labelFontSize: 10.5, titleFontSize: 11, titleFontWeight: 'normal', domainColor: '#888', tickColor: '#888', labelColor: '#333', titleColor: '#333', labelLimit: 260 },
      legend: { labelFontSize: 11.5, labelLimit: 320 },
    },
  };
  return spec;
}
