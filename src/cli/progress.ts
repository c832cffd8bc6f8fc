/**
 * Progress bars for work longer than a second, on stderr so stdout stays clean for data.
 * Quiet when stderr is not a terminal (CI logs, pipes) unless forced.
 *
 * Each bar shows its percentage, the time since its job started, and an estimate of the
 * time left; the percentage never moves backwards. `log` writes a line of text on its
 * own line above the bars (the interrupt notice), never into the middle of one.
 */
import cliProgress from 'cli-progress';

export interface ProgressBar {
  /** Fraction done in [0, 1] (a smaller value than already shown is held, not drawn), and what is being done. */
  update(fraction: number, stage?: string): void;
  stop(): void;
}

export interface MultiProgress {
  bar(label: string): ProgressBar;
  /**
   * Writes `text` on a line of its own above the bars (e.g. "lawful: stopping after the
   * current step; Ctrl-C again to quit now"); a missing final newline is added. When the
   * bars are off it goes straight to stderr.
   */
  log(text: string): void;
  stop(): void;
}

/** Options of `multiProgress`. */
export interface ProgressOptions {
  /** Draw the bars. Default: when stderr is a terminal. */
  enabled?: boolean;
  /** Where to draw them. Default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** The clock, in ms (tests pass a fake one). Default Date.now. */
  now?: () => number;
}

/**
 * A duration for a progress bar, like a stopwatch: "0:07", "2:05", "1:02:03" (h:mm:ss from
 * an hour on). Rounded down to the second; "—" when unknown (negative, NaN, infinite).
 */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * Seconds left at a constant rate: elapsed × (1 − f) / f. Undefined until the estimate
 * means something: under 1 % done or under 2 s in, when the first steps (compilation,
 * worker start-up) would dominate it.
 */
export function estimateSecondsLeft(elapsedSeconds: number, fraction: number): number | undefined {
  if (!(fraction >= 0.01) || !(elapsedSeconds >= 2)) return undefined;
  if (fraction >= 1) return 0;
  return (elapsedSeconds * (1 - fraction)) / fraction;
}

/** The timing part of a bar: "0:42 elapsed, about 1:10 left"; "queued" before its job starts. */
export function timingText(elapsedSeconds: number | undefined, fraction: number): string {
  if (elapsedSeconds === undefined) return 'queued';
  if (fraction >= 1) return `took ${formatClock(elapsedSeconds)}`;
  const left = estimateSecondsLeft(elapsedSeconds, fraction);
  return `${formatClock(elapsedSeconds)} elapsed${left === undefined ? '' : `, about ${formatClock(left)} left`}`;
}

const FORMAT = ' {label} |{bar}| {percentage}%  {timing}  {stage}';
const LABEL_WIDTH = 22;
/** Ticks of a bar: 1000 gives a percentage with no visible rounding jumps. */
const TOTAL = 1000;

/** One bar per concurrent job (e.g. one per model family). */
export function multiProgress(options: ProgressOptions | boolean = {}): MultiProgress {
  const opts = typeof options === 'boolean' ? { enabled: options } : options;
  const stream = opts.stream ?? process.stderr;
  const enabled = opts.enabled ?? Boolean(stream.isTTY);
  const now = opts.now ?? Date.now;
  if (!enabled) {
    return {
      bar: () => ({ update() {}, stop() {} }),
      log: (text) => void stream.write(text.endsWith('\n') ? text : `${text}\n`),
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    { format: FORMAT, stream, hideCursor: true, clearOnComplete: false, barsize: 24, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  const running = new Set<() => void>();
  // Elapsed time moves between a job's reports (an LSTM reports every few seconds).
  const clock = setInterval(() => running.forEach((refresh) => refresh()), 1000);
  clock.unref();
  let stopped = false;
  return {
    bar(label: string) {
      const b = multi.create(TOTAL, 0, { label: label.padEnd(LABEL_WIDTH).slice(0, LABEL_WIDTH), stage: '', timing: timingText(undefined, 0) });
      let started: number | undefined;
      let shown = 0;
      const elapsed = (): number | undefined => (started === undefined ? undefined : (now() - started) / 1000);
      const refresh = (): void => b.update(Math.round(TOTAL * shown), { timing: timingText(elapsed(), shown) });
      return {
        update(fraction, stage) {
          started ??= now();
          running.add(refresh);
          // A fit that re-plans its work (an LSTM's retrain after early stopping) may report
          // less than before: hold the bar rather than move it backwards.
          shown = Math.max(shown, Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)));
          if (shown >= 1) running.delete(refresh);
          b.update(Math.round(TOTAL * shown), { timing: timingText(elapsed(), shown), ...(stage !== undefined ? { stage } : {}) });
        },
        stop() {
          running.delete(refresh);
          shown = 1;
          b.update(TOTAL, { timing: timingText(elapsed(), 1) });
        },
      };
    },
    log(text: string) {
      const line = text.endsWith('\n') ? text : `${text}\n`;
      // After stop() the bars are no longer redrawn, so the buffer would never be flushed.
      if (stopped) stream.write(line);
      else {
        multi.log(line);
        multi.update(); // flush now: the process may be about to exit
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(clock);
      running.clear();
      multi.stop();
    },
  };
}
