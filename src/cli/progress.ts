/**
 * Progress bars for work longer than a second, on stderr so stdout stays clean for data.
 * Quiet when stderr is not a terminal (CI logs, pipes) unless forced.
 */
import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(fraction: number, stage?: string): void;
  stop(): void;
}

export interface MultiProgress {
  bar(label: string): ProgressBar;
  stop(): void;
}

const FORMAT = ' {label} |{bar}| {percentage}% {stage}';

/** One bar per concurrent job (e.g. one per model family). */
export function multiProgress(enabled = Boolean(process.stderr.isTTY)): MultiProgress {
  if (!enabled) {
    return { bar: () => ({ update() {}, stop() {} }), stop() {} };
  }
  const multi = new cliProgress.MultiBar(
    { format: FORMAT, stream: process.stderr, hideCursor: true, clearOnComplete: false, barsize: 24, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  const width = 22;
  return {
    bar(label: string) {
      const b = multi.create(1000, 0, { label: label.padEnd(width).slice(0, width), stage: '' });
      return {
        update(fraction, stage) {
          b.update(Math.round(1000 * Math.min(1, Math.max(0, fraction))), stage !== undefined ? { stage } : {});
        },
        stop() {
          b.update(1000);
        },
      };
    },
    stop() {
      multi.stop();
    },
  };
}
