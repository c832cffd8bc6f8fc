/**
 * The default scenario, the reference experiment: N coupled pendulums observed as one signal,
 * every model trained on t ≤ 10 and asked to forecast to t = 30 (`reference-run.ts`).
 */
import { referenceModels, runReferenceExperiment, type ReferenceRun, type ReferenceRunOptions } from '../reference-run.js';
import type { Scenario, ScenarioOptions, ScenarioRun } from './index.js';

/** The pendulums' own options (`--oscillators`, `--nonlinear`, `--observe`, `--bank`, `--train-until`, `--until`). */
export type PendulumSettings = Pick<ReferenceRunOptions, 'oscillators' | 'nonlinear' | 'observe' | 'bank' | 'trainUntil' | 'until'>;

export const pendulumsScenario: Scenario = {
  name: 'pendulums',
  summary: 'coupled pendulums seen as one signal: an oscillator bank that extrapolates, an LSTM that does not (the default)',
  models: referenceModels,
  async run(o: ScenarioOptions): Promise<ScenarioRun> {
    const settings = (o.settings ?? {}) as PendulumSettings;
    const run = await runReferenceExperiment({ ...settings, seed: o.seed, noise: o.noise, models: o.models, configs: o.configs, fitter: o.fitter, ensemble: o.ensemble, signal: o.signal, onProgress: o.onProgress, onDone: o.onDone });
    const c = run.data.config;
    const seen = c.observe === 'all' ? 'each pendulum observed' : 'seen as y = Σ θᵢ';
    const title = `${c.oscillators} coupled ${c.nonlinear ? '' : 'small-angle '}pendulums ${seen} — trained on t ≤ ${c.trainUntil}`;
    return { ...run, truth: run.data.truth, split: run.data.split, title, lines: modeLines(run) };
  },
};

/** The true modes, and each model's recovered ones (families that report modes), as the terminal shows them. */
export function modeLines(run: Pick<ReferenceRun, 'results' | 'data'>): string[] {
  const { results, data } = run;
  const digits = (x: number) => String(Number(x.toPrecision(3)));
  const truth = data.modes.map((m) => `${m.frequency.toFixed(4)} (${(100 * m.varianceShare).toFixed(1)}%)`).join(', ');
  const which = data.config.nonlinear ? 'Modes of the small-angle linearisation' : 'True modes';
  const lines = [`${which}, rad/s (share of the window's variance): ${truth}`];
  for (const m of results.models) {
    const rec = m.describe.recoveredModes as { fittedFrequency: number; relativeError: number }[] | undefined;
    if (!rec) continue;
    const worst = Math.max(...rec.map((r) => r.relativeError));
    const against = rec.length === data.modes.length ? '' : `${rec.length} strongest `;
    lines.push(`${m.name}: fitted modes ${[...new Set(rec.map((r) => r.fittedFrequency.toFixed(4)))].join(', ')} (worst relative error against the ${against}true modes ${digits(worst)})`);
  }
  return lines;
}
