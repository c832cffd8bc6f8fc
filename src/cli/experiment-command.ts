/**
 * What `demo` and `fit` share around the library's experiment: the output folder checked
 * and locked before any fitting, the run recorded in the store, Ctrl-C, progress bars, the
 * output written whole, and what the terminal says. The library assembles; this asks and prints.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { AbortError, ConfigError } from '../core/errors.js';
import type { ExperimentRecord } from '../eval/record.js';
import type { ExperimentResult, FitJob, FitOutcome } from '../eval/experiment.js';
import type { FitProgress, SavedModel } from '../models/base.js';
import { checkOutputFolder, lockOutputFolder, stagedFolder } from '../report/output-folder.js';
import { formatSeconds } from '../report/format.js';
import { formatTable } from '../report/table.js';
import { MAX_FIGURES, writeLastGood, writeRunOutput, type RunFiles, type RunOutput } from '../report/run-output.js';
import { RunStore } from '../runs/store.js';
import { withRun } from '../runs/with-run.js';
import { shortId } from '../runs/format.js';
import type { RunInfo } from '../runs/store.js';
import { onInterrupt } from './interrupt.js';
import { multiProgress, type MultiProgress } from './progress.js';

/** What the experiment callback receives from the command. */
export interface ExperimentHooks {
  signal: AbortSignal;
  onProgress: (job: FitJob, p: FitProgress) => void;
  onDone: (job: FitJob, o: FitOutcome) => void;
}

/** A finished experiment, as the command hands it back for writing and printing. */
export interface ExperimentRun extends ExperimentResult {
  results: ExperimentRecord;
  /** How to draw it (truth, split, title); `predictions` and `saved` come from the result. */
  output: Pick<RunOutput, 'truth' | 'split' | 'title' | 'invariant'>;
  /** Notes for stderr (e.g. the file reader's warnings). */
  notes?: string[];
}

export interface ExperimentCommandOptions<R extends ExperimentRun> {
  info: RunInfo;
  /** `--out`. */
  out: string;
  /** `--store`. */
  store?: string;
  /** Runs the experiment. */
  run: (hooks: ExperimentHooks) => Promise<R>;
  /** Extra lines after the table (e.g. the demo's recovered modes). */
  extra?: (run: R) => string[];
}

/** The report's figures beyond the forecast figure, by role (report/run-output.ts), with what each shows. */
const AUDIT_FIGURES = [
  ['reliability', 'calibration of the intervals'],
  ['adversarial', 'the forecast the adversarial probe hurt most, clean and attacked'],
  ['vpt', 'predicted against measured valid prediction time'],
  ['phase', 'phase portrait'],
  ['invariant', 'the invariant over time'],
] as const;

/** A time on the data's clock with sensible digits: 5.46699 → "5.467", 12345.6 → "12346", 0.012345 → "0.01235". */
export function formatTime(x: number): string {
  if (!Number.isFinite(x) || x === 0) return String(x);
  const decimals = Math.min(6, Math.max(0, 3 - Math.floor(Math.log10(Math.abs(x)))));
  const s = x.toFixed(decimals);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** One line per failed fit, naming the file that keeps a diverged fit's last good state. */
export function failureLines(failures: ExperimentResult['failures'], files: RunFiles): string[] {
  return failures.map((f) => {
    const kept = files[`last-good:${f.name}`];
    return `${f.name}: fit failed — ${f.error}` + (kept ? `\n  saved to ${kept} (lawful forecast takes it like any saved model)` : '');
  });
}

function lastGoodOf(run: ExperimentResult): { name: string; saved: SavedModel }[] {
  return run.failures.flatMap((f) => (f.lastGood ? [{ name: f.name, saved: f.lastGood }] : []));
}

/** The split in words: "Trained on 0 ≤ t ≤ 8 (161 samples), forecast to t = 20." */
function splitLine(run: ExperimentRun): string {
  const { trainFrom, trainUntil, until } = run.results.split;
  return `Trained on ${formatTime(trainFrom)} ≤ t ≤ ${formatTime(trainUntil)}, forecast (${formatTime(trainUntil)}, ${formatTime(until)}].`;
}

/** What valid prediction time means, in one line. */
function vptLine(run: ExperimentRun): string {
  const against = run.results.data.truth === 'clean' ? 'the clean signal' : 'the data';
  const { trainUntil, until } = run.results.split;
  return `Valid prediction time: the time t at which the forecast first strays beyond 0.2 NRMSE of ${against} (the window ends at t = ${formatTime(trainUntil)}); "never" = within it to the end (t = ${formatTime(until)}).`;
}

/** "figure.png (theta), figure-omega.png (omega)": every channel's figure, named by file and channel. */
function figuresPart(files: RunFiles, channels: string[]): string {
  if (channels.length === 1) return basename(files.png);
  return channels
    .slice(0, MAX_FIGURES)
    .map((c) => `${basename(files[`figure:${c}`])} (${c})`)
    .join(', ');
}

/**
 * Runs a command's experiment as one recorded run whose output folder is never half one
 * run and half another. Exit paths: completed (prints the report), every fit failed
 * (ConfigError, exit 1), Ctrl-C (the finished models are written and the run is recorded
 * `interrupted` with them; AbortError, exit 130).
 */
export async function runExperimentCommand<R extends ExperimentRun>(opts: ExperimentCommandOptions<R>, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const out = resolve(opts.out);
  checkOutputFolder(out); // before any fitting: a file, a read-only folder, someone else's files
  const store = RunStore.open(opts.store);
  const interrupt = onInterrupt();
  let progress: MultiProgress | undefined;
  let barsStopped = false;
  // A second stop() of cli-progress moves the cursor up over what was printed since: stop once.
  const stopBars = () => {
    if (!progress || barsStopped) return;
    barsStopped = true;
    progress.stop();
  };
  // Stop the bars first, so what follows (the notice, the report) is not drawn over.
  interrupt.signal.addEventListener('abort', stopBars, { once: true });
  const started = performance.now();
  try {
    const { run, files, interrupted, id } = await withRun(
      store,
      opts.info,
      async (handle) => {
        interrupt.track(handle);
        const lock = lockOutputFolder(out, handle.id);
        try {
          progress = multiProgress();
          const bars = new Map<string, { bar: ReturnType<MultiProgress['bar']>; fraction: number }>();
          const bar = (job: FitJob) => bars.get(job.name) ?? bars.set(job.name, { bar: progress!.bar(job.name), fraction: 0 }).get(job.name)!;
          let run: R;
          try {
            run = await opts.run({
              signal: interrupt.signal,
              // Once stopped, a bar must not be created or updated: cli-progress would start drawing again.
              onProgress: (job, p) => {
                if (barsStopped) return;
                const b = bar(job);
                b.fraction = p.fraction;
                b.bar.update(p.fraction, p.stage);
              },
              onDone: (job, o) => {
                if (barsStopped) return;
                const b = bar(job);
                if (o.ok) b.bar.update(1, formatSeconds(o.fitSeconds));
                else b.bar.update(b.fraction, o.interrupted ? 'interrupted' : 'failed'); // the bar shows how far it got
              },
            });
          } finally {
            stopBars();
          }
          for (const note of run.notes ?? []) process.stderr.write(`note: ${note}\n`);
          const results = { ...run.results, run: handle.id };
          const cut = interrupt.signal.aborted ? run.interrupted : [];
          if (run.models.length === 0) {
            if (interrupt.signal.aborted) throw new AbortError('interrupted before any fit finished; nothing was written');
            const kept = lastGoodOf(run).length ? writeLastGoodBeside(out, run, handle.id) : {};
            for (const line of failureLines(run.failures, kept)) write(`${line}\n`);
            throw new ConfigError(`every fit failed (see above); no report was written to ${out}`, '--model');
          }
          const files = await writeRunOutput(out, {
            ...run.output,
            results,
            predictions: run.predictions,
            freeRuns: run.freeRuns,
            quantiles: run.quantiles,
            attacks: run.attacks,
            saved: run.saved,
            modelFiles: run.modelFiles,
            lastGood: lastGoodOf(run),
          });
          const reason = cut.length ? `interrupted (Ctrl-C); cut short: ${cut.join(', ')}` : undefined;
          return { run: { ...run, results }, results, files, interrupted: reason, id: handle.id };
        } finally {
          lock.release();
        }
      },
      { signal: interrupt.signal },
    );
    write(report(run, files, opts.extra?.(run) ?? []));
    const saved = Object.entries(files).filter(([k]) => k.startsWith('model:')).map(([, v]) => basename(v));
    const beside = Object.entries(files).filter(([k]) => k.startsWith('file:')).map(([, v]) => basename(v));
    write(
      `\nWrote to ${out}: ${figuresPart(files, run.output.truth.names)}${AUDIT_FIGURES.filter(([k]) => files[k]).map(([k, what]) => `, ${k}.png (${what})`).join('')}, index.html, results.json` +
        (saved.length ? ` and ${saved.length} saved model${saved.length > 1 ? 's' : ''} (${saved.join(', ')})` : '') +
        (beside.length ? ` with ${beside.join(', ')}` : '') +
        ` in ${formatSeconds((performance.now() - started) / 1000)}.\n`,
    );
    const C = run.output.truth.names.length;
    if (C > MAX_FIGURES) write(`Figures show the first ${MAX_FIGURES} of ${C} channels; the table and results.json cover them all.\n`);
    write(`Run ${shortId(id)} recorded in ${store.path} (lawful runs show ${shortId(id)}).\n`);
    if (interrupted) {
      write(`\nInterrupted: ${run.interrupted.join(', ')} ${run.interrupted.length > 1 ? 'were' : 'was'} cut short; the report covers the ${run.models.length} finished model${run.models.length > 1 ? 's' : ''}.\n`);
      throw new AbortError('interrupted');
    }
  } finally {
    stopBars();
    store.close();
    interrupt.dispose();
  }
}

/** The terminal report: the table, the split, what valid prediction time means, the failures. */
function report(run: ExperimentRun, files: RunFiles, extra: string[]): string {
  return [tableOf(run), '', splitLine(run), vptLine(run), ...extra, ...failureLines(run.failures, files)].join('\n') + '\n';
}

function tableOf(run: ExperimentRun): string {
  return formatTable(run.results.models, { until: run.results.split.until }).trimEnd();
}

/**
 * When no fit succeeded, --out keeps the earlier run's folder untouched; the last good states
 * of the fits that diverged go to a folder of their own beside it, `<out>.last-good`.
 */
function writeLastGoodBeside(out: string, run: ExperimentRun, id: string): RunFiles {
  const target = join(dirname(out), `${basename(out)}.last-good`);
  const staged = stagedFolder(target);
  try {
    const files = writeLastGood(staged.path, lastGoodOf(run), id);
    staged.commit();
    return Object.fromEntries(Object.entries(files).map(([k, p]) => [k, join(target, basename(p))]));
  } catch (err) {
    staged.discard();
    throw err;
  }
}
