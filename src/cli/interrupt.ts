/**
 * Ctrl-C during a long command (`demo`, `fit`). The first SIGINT aborts the work through
 * `signal`: the fits stop, the run is recorded as interrupted and the process exits 130 once
 * the work has unwound. If the user presses Ctrl-C again before that, the run is recorded
 * as interrupted at once (a synchronous write) and the process exits 130 there and then,
 * so the run never shows as stale. Node only.
 */
import type { RunHandle } from '../runs/store.js';

export interface Interrupt {
  /** Fires on the first Ctrl-C. */
  readonly signal: AbortSignal;
  /** The run to record as interrupted on a second Ctrl-C. */
  track(run: RunHandle): void;
  /** Removes the SIGINT handler (call when the command ends). */
  dispose(): void;
}

export interface InterruptOptions {
  /** Ends the process. Default `process.exit`. */
  exit?: (code: number) => void;
  /** Where the one-line notice goes. Default stderr. */
  write?: (text: string) => void;
}

export function onInterrupt(opts: InterruptOptions = {}): Interrupt {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const write = opts.write ?? ((text: string) => process.stderr.write(text));
  const controller = new AbortController();
  let run: RunHandle | undefined;
  const onSigint = () => {
    if (!controller.signal.aborted) {
      controller.abort('interrupted');
      return;
    }
    try {
      run?.interrupt('interrupted (Ctrl-C twice)');
    } finally {
      write('lawful: interrupted\n');
      exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  return {
    signal: controller.signal,
    track: (handle) => {
      run = handle;
    },
    dispose: () => {
      process.off('SIGINT', onSigint);
    },
  };
}
