// Ctrl-C in demo and fit: the first aborts the work; a second records the run as
// interrupted at once and exits 130, so the run never reads as stale.
import { describe, expect, it } from 'vitest';
import { onInterrupt } from '../../src/cli/interrupt.js';
import { RunStore } from '../../src/runs/store.js';
import { tempStore } from '../runs/fixtures.js';

/** Runs the handler onInterrupt installed (the newest SIGINT listener), as a Ctrl-C would, without touching the runner's own. */
function ctrlC(): void {
  (process.listeners('SIGINT').at(-1) as () => void)();
}

describe('onInterrupt', () => {
  it('first SIGINT aborts; a second records the tracked run as interrupted and exits 130', () => {
    const store = RunStore.open(tempStore());
    const exits: number[] = [];
    const notices: string[] = [];
    const before = process.listenerCount('SIGINT');
    const interrupt = onInterrupt({ exit: (code) => exits.push(code), write: (t) => notices.push(t) });
    try {
      const run = store.begin({ command: 'fit', config: {}, argv: ['fit'] });
      interrupt.track(run);
      expect(process.listenerCount('SIGINT')).toBe(before + 1);

      ctrlC();
      expect(interrupt.signal.aborted).toBe(true);
      expect(interrupt.signal.reason).toBe('interrupted');
      expect(exits).toEqual([]); // the work unwinds by itself and withRun records it
      expect(store.get(run.id).status).toBe('running');

      ctrlC();
      expect(exits).toEqual([130]);
      expect(notices).toEqual(['lawful: interrupted\n']);
      const record = store.get(run.id);
      expect(record.status).toBe('interrupted');
      expect(record.error).toBe('interrupted (Ctrl-C twice)');
    } finally {
      interrupt.dispose();
      store.close();
    }
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('a second SIGINT with no run begun yet still exits 130', () => {
    const exits: number[] = [];
    const interrupt = onInterrupt({ exit: (code) => exits.push(code), write: () => {} });
    ctrlC();
    ctrlC();
    interrupt.dispose();
    expect(exits).toEqual([130]);
  });
});
