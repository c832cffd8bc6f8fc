/**
 * Writing what `demo` and `fit` produce into their output folder: the report (figures,
 * table, index.html, results.json), each saved model and the last good state of each fit
 * that diverged. The whole folder is built beside the target and moved into place at the
 * end (output-folder.ts), so it is always one run's. Node only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Series } from '../data/series.js';
import type { EvaluatedAttack, Split } from '../eval/evaluate.js';
import type { SavedModel } from '../models/base.js';
import type { Invariant } from '../systems/base.js';
import { attackFigureSpec, vptScatterSpec, worstAttacked } from './audit-figures.js';
import { invariantFigureSpec, phasePortraitSpec } from './conservation.js';
import { isOwnFile, stagedFolder } from './output-folder.js';
import { renderPng, renderSvg } from './render.js';
import { centralBand, reliabilitySpec } from './reliability.js';
import { serializeResults, type Results } from './results.js';
import { forecastFigureSpec, type VegaLiteSpec } from './specs.js';
import { writeReport } from './write.js';

/** Figures are drawn for at most this many channels (the first ones); the table and results.json keep them all. */
export const MAX_FIGURES = 12;

export interface RunOutput {
  /** results.json; `run` (the run id), when set, is also stamped on every saved model. */
  results: Results & { run?: string };
  /** The truth the models were scored against, on its clock. */
  truth: Series;
  split: Split;
  /** Per scored model, per channel, on the truth's clock. */
  predictions: Float64Array[][];
  /** Per scored model, per channel: a one-step family's free-running in-window curve, drawn dashed. */
  freeRuns?: (Float64Array[] | undefined)[];
  /** Per scored model: forecast quantiles beyond the window (eval's `Evaluation.quantiles`), drawn as 80% bands. */
  quantiles?: ({ from: number; levels: number[]; values: Float64Array[][] } | undefined)[];
  /** Per scored model: the adversarial probe's worst attack (eval's `Evaluation.attack`); the model it hurt most is drawn clean and attacked. */
  attacks?: (EvaluatedAttack | undefined)[];
  saved?: SavedModel[];
  /** A quantity the system conserves, as a function of the channels: the report adds the phase portrait (two channels or more) and the invariant over time. */
  invariant?: Invariant;
  /** Per saved model: text files it writes beside its saved form, by name (`Fitted.files`, e.g. `discovered.eq`). */
  modelFiles?: (Record<string, string> | undefined)[];
  /** Fits that diverged, each with the saved model of its last good state. */
  lastGood?: { name: string; saved: SavedModel }[];
  title?: string;
  /** Channels to draw, the first ones. Default `MAX_FIGURES`. */
  maxFigures?: number;
}

/**
 * What `writeRunOutput` wrote, by role: `svg`, `png`, `html`, `table`, `results`,
 * `figure:<channel>`, `model:<name>`, `last-good:<name>`, `file:<model name>:<file name>`.
 */
export type RunFiles = Record<string, string>;

/** A file-name-safe form of a model or channel name. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._=-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** File-name stems, one per name, distinct even where two names slug alike ("a b", "a-b"). */
function stems(names: readonly string[], prefix: string, taken: Set<string>): string[] {
  return names.map((n, i) => {
    let stem = `${prefix}${slug(n)}`;
    if (taken.has(stem)) stem = `${stem}-${i + 1}`;
    taken.add(stem);
    return stem;
  });
}

async function figure(out: RunOutput, channel: number): Promise<{ svg: string; png: Uint8Array }> {
  const spec = forecastFigureSpec({
    t: out.truth.t,
    truth: out.truth.y[channel],
    channel: out.truth.names[channel],
    split: out.split,
    models: out.results.models.map((m, i) => ({
      name: m.name,
      prediction: out.predictions[i][channel],
      freeRun: out.freeRuns?.[i]?.[channel],
      band: centralBand(out.quantiles?.[i], out.truth.t.length, channel),
      nrmseOut: m.metrics.nrmseOut,
    })),
    title: out.title,
  });
  const svg = await renderSvg(spec);
  return { svg, png: renderPng(svg) };
}

/** Writes the last good state of each diverged fit as model-<name>.last-good.json into `dir`; returns the paths by role. */
export function writeLastGood(dir: string, lastGood: readonly { name: string; saved: SavedModel }[], run?: string): RunFiles {
  const files: RunFiles = {};
  const names = stems(lastGood.map((l) => l.name), 'model-', new Set());
  lastGood.forEach(({ name, saved }, i) => {
    const path = join(dir, `${names[i]}.last-good.json`);
    writeFileSync(path, JSON.stringify(run ? { ...saved, run } : saved) + '\n');
    files[`last-good:${name}`] = path;
  });
  return files;
}

/**
 * Writes each model's own text files (`Fitted.files`) into `dir`: as named (`discovered.eq`)
 * when one model of the run has a file of that name, else with the model's name before the
 * extension (`discovered-sindy.eq`, `discovered-sindy-2.eq`), so no model's file hides another's.
 */
function writeModelFiles(dir: string, models: readonly string[], modelFiles: readonly (Record<string, string> | undefined)[]): RunFiles {
  const files: RunFiles = {};
  const count = new Map<string, number>();
  for (const f of modelFiles) for (const name of Object.keys(f ?? {})) count.set(name, (count.get(name) ?? 0) + 1);
  const taken = new Set<string>();
  modelFiles.forEach((f, i) => {
    for (const [name, text] of Object.entries(f ?? {})) {
      const dot = name.lastIndexOf('.');
      let file = name;
      if (count.get(name)! > 1) {
        file = `${name.slice(0, dot)}-${slug(models[i])}${name.slice(dot)}`;
        if (taken.has(file)) file = `${name.slice(0, dot)}-${slug(models[i])}-${i + 1}${name.slice(dot)}`;
      }
      if (!isOwnFile(file) || file.includes('/')) throw new Error(`internal: model ${models[i]} names a file "${name}" that is not one of lawful's output files`);
      taken.add(file);
      const path = join(dir, file);
      writeFileSync(path, text);
      files[`file:${models[i]}:${name}`] = path;
    }
  });
  return files;
}

/**
 * Builds the output folder `dir`: figure.svg/png (first channel), figure-<channel>.svg/png
 * for the next channels up to `maxFigures`, table.txt, index.html, model-<name>.json per
 * model with its own text files (discovered.eq), model-<name>.last-good.json per diverged
 * fit and results.json — in a staging folder beside `dir`, moved into place at the end.
 * Returns every path by role, as the files will be found in `dir`. Invalid results write nothing.
 */
export async function writeRunOutput(dir: string, out: RunOutput): Promise<RunFiles> {
  serializeResults(out.results); // validates: invalid results write nothing
  const staged = stagedFolder(dir);
  try {
    const files = await writeInto(staged.path, out);
    staged.commit();
    return Object.fromEntries(Object.entries(files).map(([k, p]) => [k, join(dir, p.slice(staged.path.length + 1))]));
  } catch (err) {
    staged.discard();
    throw err;
  }
}

/** The phase portrait and the invariant over time, where the run declares an invariant. */
function conservationFigures(out: RunOutput): [string, VegaLiteSpec | undefined][] {
  if (!out.invariant) return [];
  const models = out.results.models.map((m, i) => ({ name: m.name, prediction: out.predictions[i] }));
  return [
    ['phase', phasePortraitSpec(out.truth, out.split, models)],
    ['invariant', invariantFigureSpec(out.invariant, out.truth, out.split, models)],
  ];
}

async function writeInto(dir: string, out: RunOutput): Promise<RunFiles> {
  const files: RunFiles = {};
  const C = out.truth.y.length;
  const drawn = Math.min(C, Math.max(1, out.maxFigures ?? MAX_FIGURES));
  const taken = new Set(['figure']);
  const channelStems = stems(out.truth.names.slice(1, drawn), 'figure-', taken);
  const moreSvgs: string[] = [];
  for (let c = 1; c < drawn; c++) {
    const f = await figure(out, c);
    moreSvgs.push(f.svg);
    const base = join(dir, channelStems[c - 1]);
    writeFileSync(`${base}.svg`, f.svg);
    writeFileSync(`${base}.png`, f.png);
    files[`figure:${out.truth.names[c]}`] = `${base}.png`;
  }
  const run = out.results.run;
  const modelStems = stems(out.results.models.map((m) => m.name), 'model-', new Set());
  (out.saved ?? []).forEach((m, i) => {
    const path = join(dir, `${modelStems[i]}.json`);
    writeFileSync(path, JSON.stringify(run ? { ...m, run } : m) + '\n');
    files[`model:${out.results.models[i].name}`] = path;
  });
  Object.assign(files, writeModelFiles(dir, out.results.models.map((m) => m.name), out.modelFiles ?? []));
  Object.assign(files, writeLastGood(dir, out.lastGood ?? [], run));
  const main = await figure(out, 0);
  // How well the forecasts' intervals hold beyond the window, for the models that give them.
  const reliability = reliabilitySpec(out.results);
  if (reliability) {
    const svg = await renderSvg(reliability);
    writeFileSync(join(dir, 'reliability.svg'), svg);
    writeFileSync(join(dir, 'reliability.png'), renderPng(svg));
    files.reliability = join(dir, 'reliability.png');
    moreSvgs.push(svg);
  }
  // The audit's two figures: the forecast the adversarial probe hurt most, clean and attacked, and predicted against measured trust horizons.
  const worst = out.attacks && worstAttacked(out.results.models, out.attacks);
  const audit = [
    ['adversarial', worst === undefined ? undefined : attackFigureSpec(out.results.models[worst], out.attacks![worst]!, out.truth, out.split)],
    ['vpt', vptScatterSpec([{ results: out.results }])],
    ...conservationFigures(out),
  ] as const;
  for (const [name, spec] of audit) {
    if (!spec) continue;
    const svg = await renderSvg(spec);
    writeFileSync(join(dir, `${name}.svg`), svg);
    writeFileSync(join(dir, `${name}.png`), renderPng(svg));
    files[name] = join(dir, `${name}.png`);
    moreSvgs.push(svg);
  }
  const report = writeReport(dir, { results: out.results, figures: main, moreSvgs });
  if (C > 1) files[`figure:${out.truth.names[0]}`] = report.png;
  return { ...files, ...report };
}
