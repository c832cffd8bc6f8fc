import { describe, expect, it } from 'vitest';
import type { Series } from '../../src/data/series.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { channelErrors, std } from '../../src/eval/metrics.js';
import type { Fitted } from '../../src/models/base.js';
import { persistenceFamily } from '../../src/models/persistence.js';

const t = Float64Array.from({ length: 301 }, (_, i) => i * 0.1);
const signal: Series = { t, y: [Float64Array.from(t, (x) => Math.sin(x))], names: ['y'] };
const split = { trainFrom: 0, trainUntil: 10, until: 30 };

describe('evaluate: the free-running in-window prediction', () => {
  it('of a one-step family is returned: the warm-up, then its own predictions, and it is what nrmseInFreeRun scores', async () => {
    const p = await persistenceFamily.fit({ family: 'persistence', config: {} }, signal, { seed: 0 });
    const ev = evaluate(p, { observed: signal, truth: signal, split });
    expect(ev.metrics.inWindowMode).toBe('one-step');
    const free = ev.freeRun![0];
    expect(free).toHaveLength(t.length);
    // The window is samples 0..100; the warm-up its first 10 %, samples 0..9. Persistence
    // running free carries the warm-up's last value, sin(0.9), to the end of the window.
    for (let i = 0; i < 10; i++) expect(free[i]).toBeNaN();
    for (let i = 10; i <= 100; i++) expect(free[i]).toBe(Math.sin(t[9]));
    for (let i = 101; i < t.length; i++) expect(free[i]).toBeNaN();
    // It differs from the one-step curve, which follows the signal a step behind.
    expect(ev.prediction[0][50]).toBe(Math.sin(t[49]));
    const scale = [std(signal.y[0], 0, 101)];
    expect(ev.metrics.nrmseInFreeRun).toBeCloseTo(channelErrors(signal.y, ev.freeRun!, scale, 10, 101).nrmse, 14);
  });

  it('of a state-space family is not returned: its in-window prediction already runs free', () => {
    const exact: Fitted = {
      family: 'exact',
      nParams: 0,
      inWindowMode: 'simulated',
      forecast: (times) => ({ t: times, mean: [Float64Array.from(times, Math.sin)] }),
      describe: () => ({ family: 'exact', parameters: 0 }),
      toJSON: () => {
        throw new Error('not needed');
      },
    };
    const ev = evaluate(exact, { observed: signal, truth: signal, split });
    expect(ev.freeRun).toBeUndefined();
    expect(ev.metrics.inWindowMode).toBe('simulated');
  });
});
