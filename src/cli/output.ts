/** Writing what `demo` and `fit` produce: figures per channel, the report, saved models. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Series } from '../data/series.js';
import type { Split } from '../eval/evaluate.js';
import { ConfigError } from '../core/errors.js';
import type { SavedModel } from '../models/base.js';
import type { Failure } from './experiment.js';
import { writeFileAtomic } from '../report/atomic.js';
import { renderPng, renderSvg } from '../report/render.js';
import { serializeResults, type Results } from '../report/results.js';
import { forecastFigureSpec } from '../report/specs.js';
import { writeReport } from '../report/write.js';

export interface RunOutput {
  results: Results;
  /** The truth the models were scored against, on its clock. */
  truth: Series;
  split: Split;
  /** Per scored model, per channel, on the truth's clock. */
  predictions: Float64Array[][];
  saved?: SavedModel[];
  /** Fits that diverged, each with the saved model of its last good state. */
  lastGood?: { name: string; saved: SavedModel }[];
  title?: string;
}

async function figure(out: RunOutput, channel: number): Promise<{ svg: string; png: Uint8Array }> {
  const spec = forecastFigureSpec({
    t: out.truth.t,
    truth: out.truth.y[channel],
    channel: out.truth.names[channel],
    split: out.split,
    models: out.results.models.map((m, i) => ({ name: m.name, prediction: out.predictions[i][channel], nrmseOut: m.metrics.nrmseOut })),
    title: out.title,
  });
  const svg = await renderSvg(spec);
  return { svg, png: renderPng(svg) };
}

/** The last good states of the fits that diverged, as `RunOutput.lastGood` takes them. */
export function lastGoodOf(failures: readonly Failure[]): { name: string; saved: SavedModel }[] {
  return failures.flatMap((f) => (f.lastGood ? [{ name: f.name, saved: f.lastGood }] : []));
}

/** One line per failed fit, naming the file that keeps a diverged fit's last good state. */
export function failureLines(failures: readonly Failure[], files: Record<string, string>): string[] {
  return failures.map((f) => {
    const kept = files[`last-good:${f.name}`];
    return `${f.name}: fit failed — ${f.error}` + (kept ? `\n  saved to ${kept} (lawful forecast takes it like any saved model)` : '');
  });
}

/** Writes model-<name>.last-good.json for each diverged fit (atomically); returns the paths by role. */
export function writeLastGood(dir: string, lastGood: readonly { name: string; saved: SavedModel }[]): Record<string, string> {
  const files: Record<string, string> = {};
  if (lastGood.length) mkdirSync(dir, { recursive: true });
  for (const { name, saved } of lastGood) {
    const path = join(dir, `model-${slug(name)}.last-good.json`);
    writeFileAtomic(path, JSON.stringify(saved) + '\n');
    files[`last-good:${name}`] = path;
  }
  return files;
}

/**
 * When no fit succeeded there is nothing to report: writes only the last good states of the
 * fits that diverged, prints why each fit failed, and throws a ConfigError. An earlier
 * report in `dir` is left as it was.
 */
export function failAllFits(dir: string, failures: readonly Failure[], write: (text: string) => void): never {
  const kept = writeLastGood(dir, lastGoodOf(failures));
  for (const line of failureLines(failures, kept)) write(`${line}\n`);
  throw new ConfigError(`every fit failed (see above); no report was written to ${dir}`, '--model');
}

/** A file-name-safe form of a model or channel name. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._=-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/**
 * Writes figure.svg/png (first channel; figure-<channel>.svg/png for the others), table.txt,
 * index.html, model-<name>.json per model, model-<name>.last-good.json per fit that diverged
 * and, last, results.json — each atomically.
 * Returns every path written, by role.
 */
export async function writeRunOutput(dir: string, out: RunOutput): Promise<Record<string, string>> {
  serializeResults(out.results); // validates: invalid results write nothing
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  const moreSvgs: string[] = [];
  for (let c = 1; c < out.truth.y.length; c++) {
    const f = await figure(out, c);
    moreSvgs.push(f.svg);
    const base = join(dir, `figure-${slug(out.truth.names[c])}`);
    writeFileAtomic(`${base}.svg`, f.svg);
    writeFileAtomic(`${base}.png`, f.png);
    files[`figure:${out.truth.names[c]}`] = `${base}.png`;
  }
  (out.saved ?? []).forEach((m, i) => {
    const path = join(dir, `model-${slug(out.results.models[i].name)}.json`);
    writeFileAtomic(path, JSON.stringify(m) + '\n');
    files[`model:${out.results.models[i].name}`] = path;
  });
  Object.assign(files, writeLastGood(dir, out.lastGood ?? []));
  const main = await figure(out, 0);
  Object.assign(files, writeReport(dir, { results: out.results, figures: main, moreSvgs }));
  return files;
}
