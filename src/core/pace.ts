/**
 * Giving the event loop a turn during long synchronous work (fits, solves): progress bars
 * redraw, abort signals fire and a browser stays responsive. One helper for every loop, so
 * every fit yields the same way: at most once per `intervalMs`, never per step (a
 * `setTimeout(0)` costs ~1 ms in Node and up to 4 ms in a browser, as much as many steps).
 * Browser-safe: `performance.now` and `setTimeout` exist in Node and in Web Workers.
 */

/** One turn of the event loop (a macrotask, so timers and I/O callbacks run, not only microtasks). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** Yields to the event loop when more than `intervalMs` have passed since the last turn. */
export class EventLoopPacer {
  private last = performance.now();

  /** @param intervalMs longest stretch of work between two turns, in ms. Default 100. */
  constructor(readonly intervalMs = 100) {}

  /** Resolves at once while within the interval, else after one turn of the event loop. */
  async tick(): Promise<void> {
    if (performance.now() - this.last <= this.intervalMs) return;
    await yieldToEventLoop();
    this.last = performance.now();
  }
}
