/**
 * The audit in figures (issue 12, docs/audit.md), beside the reliability diagram: the clean
 * and the attacked forecast of the model the adversarial probe hurt most, and the valid
 * prediction time each forecast predicted for itself against the one measured, across the
 * models of one run or of several (`lawful audit A B C --figure vpt.svg`). Browser-safe, pure.
 */
import type { Series } from '../data/series.js';
import type { EvaluatedAttack, Split } from '../eval/evaluate.js';
import type { ModelResult, Results } from './results.js';
import { forecastFigureSpec, type VegaLiteSpec } from './specs.js';
import { FIGURE_FRAME, OKABE_ITO, RULE_COLOUR } from './theme.js';
import { displayText, vegaTextExpr } from './vega-text.js';

/** Tolerance of the trust-horizon promise: predicted within this fraction of the forecast horizon of the measured (issue 12). */
export const VPT_TOLERANCE = 0.2;

/**
 * Index of the model the probe hurt most: the largest rise of the beyond-window NRMSE from
 * the clean forecast to the worst found at the largest radius (a forecast the attack sent
 * out of the finite numbers rises infinitely). Only models with an attack to draw count;
 * undefined when none has one.
 */
export function worstAttacked(models: readonly ModelResult[], attacks: readonly (EvaluatedAttack | undefined)[]): number | undefined {
  let best: number | undefined;
  let rise = -Infinity;
  models.forEach((m, i) => {
    const a = m.metrics.adversarial;
    if (!attacks[i] || !a?.conditioned) return;
    const worst = a.nrmseOut[a.nrmseOut.length - 1] ?? Infinity;
    const clean = m.metrics.nrmseOut ?? Infinity;
    const r = Number.isFinite(clean) ? worst - clean : -Infinity;
    if (best === undefined || r > rise) {
      best = i;
      rise = r;
    }
  });
  return best;
}

/**
 * The forecast figure (specs.ts) of one model's attack on channel `channel`: a panel with
 * the observations it was conditioned on and its forecast, and a panel with the context
 * perturbed within ε × each channel's standard deviation and the forecast from it, both
 * over the truth.
 */
export function attackFigureSpec(model: ModelResult, attack: EvaluatedAttack, truth: Series, split: Split, channel = 0): VegaLiteSpec {
  const name = displayText(model.name);
  return forecastFigureSpec({
    t: truth.t,
    truth: truth.y[channel],
    channel: truth.names[channel],
    split,
    title: `Adversarial probe of ${name}: the smallest change of its context that hurts most, ε = ${attack.eps} sd`,
    models: [
      { name: `${name}, clean context and its forecast`, prediction: attack.clean[channel], nrmseOut: model.metrics.nrmseOut },
      { name: `${name}, context perturbed by at most ${attack.eps} sd and its forecast`, prediction: attack.attacked[channel], nrmseOut: attack.nrmseOut },
    ],
  });
}

/** One point of the trust-horizon scatter: a model of a run, its leads as fractions of the horizon. */
export interface VptPoint {
  /** Legend label: the model, and the run when several are drawn. */
  k: string;
  measured: number;
  predicted: number;
  lo: number;
  hi: number;
}

/** The points of `runs` (each labelled, e.g. by its folder): models with a predicted VPT, leads from the window's end over the horizon. */
export function vptPoints(runs: readonly { label?: string; results: Pick<Results, 'split' | 'models'> }[]): VptPoint[] {
  return runs.flatMap(({ label, results }) => {
    const { trainUntil, until } = results.split;
    const horizon = until - trainUntil;
    if (!(horizon > 0)) return [];
    const lead = (x: number) => (x - trainUntil) / horizon;
    return results.models.flatMap((m) => {
      const p = m.metrics.predictedVpt;
      if (!p || !Number.isFinite(m.metrics.validPredictionTime)) return [];
      return [{ k: label ? `${label}: ${m.name}` : m.name, measured: lead(m.metrics.validPredictionTime), predicted: lead(p.time), lo: lead(p.interval[0]), hi: lead(p.interval[1]) }];
    });
  });
}

/**
 * Predicted against measured valid prediction time, as leads beyond the window in fractions
 * of the forecast horizon (so runs on different clocks share the axes): one point per model
 * with the interval its own distribution gives, the 1:1 line, and the band within
 * ±`VPT_TOLERANCE` of it where the promise "trust this until about t = …" holds. The legend
 * says how many points keep it. Undefined when no model predicted its VPT.
 */
export function vptScatterSpec(runs: readonly { label?: string; results: Pick<Results, 'split' | 'models'> }[], options: { size?: number; palette?: string[] } = {}): VegaLiteSpec | undefined {
  const points = vptPoints(runs);
  if (points.length === 0) return undefined;
  const size = options.size ?? 320;
  const palette = options.palette ?? OKABE_ITO;
  const kept = points.filter((p) => Math.abs(p.predicted - p.measured) <= VPT_TOLERANCE).length;
  const domain = points.map((p) => displayText(p.k));
  const rows = points.map((p, i) => ({ ...p, k: domain[i] }));
  const axis = (title: string) => ({ type: 'quantitative' as const, scale: { domain: [0, 1], nice: false, clamp: true }, axis: { title, tickCount: 5, grid: true } });
  const x = { ...axis('measured lead / horizon'), field: 'measured' };
  const colour = {
    field: 'k',
    type: 'nominal' as const,
    scale: { domain, range: domain.map((_, i) => palette[i % palette.length]) },
    legend: { values: { expr: `[${domain.map(vegaTextExpr).join(', ')}]` }, title: null, orient: 'bottom' as const, direction: 'vertical' as const },
  };
  const diagonal = [0, 1].map((v) => ({ x: v, y: v, lo: Math.max(0, v - VPT_TOLERANCE), hi: Math.min(1, v + VPT_TOLERANCE) }));
  return {
    ...FIGURE_FRAME,
    title: {
      text: 'Valid prediction time: predicted against measured',
      subtitle: [`leads beyond the window over the forecast horizon; band: within ±${VPT_TOLERANCE * 100}% of the horizon`, `${kept} of ${points.length} predictions within it`],
      anchor: 'start',
    },
    width: size,
    height: size,
    datasets: { rows, diagonal },
    layer: [
      {
        data: { name: 'diagonal' },
        mark: { type: 'area', color: '#dddddd', opacity: 0.6 },
        encoding: { x: { ...axis('measured lead / horizon'), field: 'x' }, y: { ...axis('predicted lead / horizon'), field: 'lo' }, y2: { field: 'hi' } },
      },
      {
        data: { name: 'diagonal' },
        mark: { type: 'line', color: RULE_COLOUR, strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x: { ...axis('measured lead / horizon'), field: 'x' }, y: { ...axis('predicted lead / horizon'), field: 'y' } },
      },
      { data: { name: 'rows' }, mark: { type: 'rule', strokeWidth: 1.2 }, encoding: { x, y: { ...axis('predicted lead / horizon'), field: 'lo' }, y2: { field: 'hi' }, color: colour } },
      {
        data: { name: 'rows' },
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: { x, y: { ...axis('predicted lead / horizon'), field: 'predicted' }, color: colour, tooltip: [{ field: 'k' }] },
      },
    ],
  };
}
