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
import { formatMetric, isFiniteMetric } from '../report/format.js';
import type { ModelResult, Results } from '../report/results.js';
import type { VegaLiteSpec } from '../report/specs.js';
import { FIGURE_FRAME, GRID_COLOUR, OKABE_ITO } from '../report/theme.js';
import { displayText, vegaTextExpr, vegaTitleText } from '../report/vega-text.js';
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

/**
 * One table row per model per run, named "<short id> <model name>", in the order given.
 * Each row carries its own run's horizon, so a forecast that never broke down reads
 * "never" even when the runs' horizons differ.
 */
export function compareRows(runs: readonly ComparedRun[]): MetricsRow[] {
  return runs.flatMap((r) => r.results.models.map((m) => ({ ...m, name: `${shortId(r.id)} ${m.name}`, until: r.results.split.until })));
}

/** The common forecast horizon of the runs, when they share one. */
export function commonUntil(runs: readonly ComparedRun[]): number | undefined {
  const u = runs[0].results.split.until;
  return runs.every((r) => r.results.split.until === u) ? u : undefined;
}

/** "sha256:0123456789ab…": enough of a fingerprint to tell data sets apart. */
function shortFingerprint(fingerprint: string): string {
  return fingerprint.length > 19 ? `${fingerprint.slice(0, 19)}…` : fingerprint;
}

/**
 * What makes the runs' numbers not comparable, one sentence each: different data (by
 * fingerprint), a different truth (clean signal vs observations), or a different split.
 * Empty when the runs were on the same data and split.
 */
export function compareWarnings(runs: readonly ComparedRun[]): string[] {
  const warnings: string[] = [];
  const distinct = <T>(f: (r: ComparedRun) => T): boolean => new Set(runs.map(f)).size > 1;
  if (distinct((r) => r.results.data.fingerprint)) {
    const each = runs.map((r) => `${shortId(r.id)} ${r.results.data.source} (${shortFingerprint(r.results.data.fingerprint)})`);
    warnings.push(`the runs were on different data — ${each.join(', ')}: their errors are not comparable`);
  } else if (distinct((r) => r.results.data.truth)) {
    warnings.push(`the runs were scored against different truths — ${runs.map((r) => `${shortId(r.id)} ${r.results.data.truth}`).join(', ')}`);
  }
  if (distinct((r) => `${r.results.split.trainFrom},${r.results.split.trainUntil},${r.results.split.until}`)) {
    const each = runs.map((r) => `${shortId(r.id)} trained on [${r.results.split.trainFrom}, ${r.results.split.trainUntil}], forecast to ${r.results.split.until}`);
    warnings.push(`the runs were split differently — ${each.join('; ')}`);
  }
  return warnings;
}

/** Layout of the compare figure. Every field is optional. */
export interface CompareFigureOptions {
  /** Width of each of the three panels in px. Default 220. */
  panelWidth?: number;
  /** Height of one run's mark within a model's row, in px. Default 9. */
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
  vptShown: string;
  never: boolean;
  /** Order of the model's row and of the run's slot: sorting by a field keeps names out of Vega expressions (report/vega-text.ts). */
  modelOrder: number;
  runOrder: number;
}

/** The run label and model name of a point, as they are drawn (names are data, report/vega-text.ts). */
function labelled(run: ComparedRun, m: ModelResult): { run: string; model: string } {
  return { run: displayText(runLabel(run)), model: displayText(m.name) };
}

/**
 * Three panels sharing one row per model name: in-window NRMSE and beyond-window NRMSE
 * (points, log scale) and the valid prediction time (a bar from the end of the training
 * window to the time the forecast broke down, with a tick at that time, so a forecast
 * that broke down at once is still seen; a pale bar to the end of the horizon when it
 * never broke down). Each run has its colour and its own slot within the row. A diverged
 * (non-finite) NRMSE is drawn as a cross at the right edge of the scale; zero errors at its
 * left edge. When the runs are not comparable (compareWarnings) the subtitle says why.
 */
export function compareFigureSpec(runs: readonly ComparedRun[], options: CompareFigureOptions = {}): VegaLiteSpec {
  const width = options.panelWidth ?? 220;
  const barHeight = options.barHeight ?? 9;
  const palette = options.palette ?? OKABE_ITO;
  const finite: number[] = [];
  for (const r of runs) for (const m of r.results.models) for (const x of [m.metrics.nrmseIn, m.metrics.nrmseOut]) if (isFiniteMetric(x) && x > 0) finite.push(x);
  const lo = finite.length ? Math.min(...finite) / 2 : 1e-3;
  const hi = finite.length ? Math.max(...finite) * 2 : 10;
  const place = (x: number | null): number => (!isFiniteMetric(x) ? hi : Math.max(lo, x));
  const shown = (x: number | null): string => (isFiniteMetric(x) ? formatMetric(x) : 'diverged');
  const labels = runs.map((r) => displayText(runLabel(r)));
  const modelOrder = new Map<string, number>();
  for (const r of runs) for (const m of r.results.models) if (!modelOrder.has(displayText(m.name))) modelOrder.set(displayText(m.name), modelOrder.size);
  const points: Point[] = runs.flatMap((r, runOrder) =>
    r.results.models.map((m: ModelResult) => {
      const never = m.metrics.validPredictionTime >= r.results.split.until;
      return {
        ...labelled(r, m),
        nrmseIn: place(m.metrics.nrmseIn),
        nrmseOut: place(m.metrics.nrmseOut),
        inShown: shown(m.metrics.nrmseIn),
        outShown: shown(m.metrics.nrmseOut),
        inDiverged: !isFiniteMetric(m.metrics.nrmseIn),
        outDiverged: !isFiniteMetric(m.metrics.nrmseOut),
        trainUntil: r.results.split.trainUntil,
        vpt: m.metrics.validPredictionTime,
        vptShown: never ? `never (≥ ${formatMetric(r.results.split.until)})` : formatMetric(m.metrics.validPredictionTime),
        never,
        modelOrder: modelOrder.get(displayText(m.name))!,
        runOrder,
      };
    }),
  );
  // Grid lines and labels at the powers of ten only (every other one when the range is wide).
  const e0 = Math.ceil(Math.log10(lo));
  const e1 = Math.floor(Math.log10(hi));
  const every = Math.max(1, Math.ceil((e1 - e0 + 1) / 6));
  const decades: number[] = [];
  for (let e = e0; e <= e1; e += every) decades.push(10 ** e);
  const tMin = Math.min(...runs.map((r) => r.results.split.trainUntil));
  const tMax = Math.max(...runs.map((r) => r.results.split.until));

  // The height step is one run's slot (yOffset); a model's row is one slot per run, plus padding.
  const height = { step: barHeight };
  const y = { field: 'model', type: 'nominal' as const, sort: { field: 'modelOrder', op: 'min' as const }, title: null, scale: { paddingInner: 0.35, paddingOuter: 0.2 } };
  const yOffset = { field: 'run', type: 'nominal' as const, sort: { field: 'runOrder', op: 'min' as const }, scale: { paddingInner: 0.15 } };
  const noLabels = { ...y, axis: { labels: false, ticks: false } };
  const color = {
    field: 'run',
    type: 'nominal' as const,
    scale: { domain: labels, range: labels.map((_, i) => palette[i % palette.length]) },
    legend: { title: null, orient: 'top' as const, direction: 'horizontal' as const, values: { expr: `[${labels.map(vegaTextExpr).join(', ')}]` } },
  };
  const logX = (field: 'nrmseIn' | 'nrmseOut') => ({
    field,
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: [lo, hi], nice: false },
    axis: {
      title: 'NRMSE (log)',
      values: decades,
      labelExpr: "datum.value >= 0.001 && datum.value < 10000 ? format(datum.value, '~g') : replace(format(datum.value, '.0e'), 'e+', 'e')",
      grid: true,
      gridColor: GRID_COLOUR,
    },
  });
  const errorPanel = (field: 'nrmseIn' | 'nrmseOut', diverged: 'inDiverged' | 'outDiverged', shownField: 'inShown' | 'outShown', title: string, first: boolean) => ({
    title,
    width,
    height,
    mark: { type: 'point' as const, filled: true, size: 40, opacity: 0.9 },
    encoding: {
      x: logX(field),
      y: first ? y : noLabels,
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
  // A little room left of the end of training, so a forecast that broke down at once shows its tick clear of the axis.
  const time = { type: 'quantitative' as const, scale: { domain: [tMin - 0.02 * (tMax - tMin || 1), tMax], nice: false, zero: false }, axis: { title: 't (from the end of training)', grid: true, gridColor: GRID_COLOUR } };
  const vptTooltip = [{ field: 'run' }, { field: 'model' }, { field: 'vptShown', title: 'valid until' }];
  const vptPanel = {
    title: `valid prediction time${points.some((p) => p.never) ? ' (pale: never broke down)' : ''}`,
    width,
    height,
    layer: [
      {
        mark: { type: 'bar' as const, height: { band: 1 } },
        encoding: {
          x: { ...time, field: 'trainUntil' },
          x2: { field: 'vpt' },
          y: noLabels,
          yOffset,
          color,
          opacity: { field: 'never', type: 'nominal' as const, scale: { domain: [false, true], range: [0.9, 0.4] }, legend: null },
          tooltip: vptTooltip,
        },
      },
      {
        // A tick where the forecast broke down: visible even when that is the end of training.
        transform: [{ filter: '!datum.never' }],
        mark: { type: 'tick' as const, thickness: 2, bandSize: barHeight },
        encoding: { x: { ...time, field: 'vpt' }, y: noLabels, yOffset, color, tooltip: vptTooltip },
      },
    ],
  };
  const warnings = compareWarnings(runs);
  const spec: VegaLiteSpec = {
    ...FIGURE_FRAME,
    title: {
      text: vegaTitleText(options.title ?? 'Runs compared'),
      anchor: 'start',
      fontSize: 15,
      ...(warnings.length ? { subtitle: warnings.map((w) => `⚠ ${displayText(w)}`), subtitleColor: '#b3261e' } : {}),
    },
    data: { values: points },
    hconcat: [
      errorPanel('nrmseIn', 'inDiverged', 'inShown', `in-window NRMSE${points.some((p) => p.inDiverged) ? ' (+ diverged)' : ''}`, true),
      errorPanel('nrmseOut', 'outDiverged', 'outShown', `beyond-window NRMSE${points.some((p) => p.outDiverged) ? ' (+ diverged)' : ''}`, false),
      vptPanel,
    ],
    spacing: 14,
    resolve: { scale: { y: 'shared', color: 'shared' } },
    config: { ...FIGURE_FRAME.config, axis: { ...FIGURE_FRAME.config.axis, labelLimit: 260 } },
  };
  return spec;
}

