// A fit that diverges stops with a DivergenceError and keeps its last good state as a saved
// model that loads and forecasts (the project's rule: never lose the last good state).
import { describe, expect, it } from 'vitest';
import { DivergenceError } from '../../src/core/errors.js';
import type { Series } from '../../src/data/series.js';
import { FitDivergedError, getFamily } from '../../src/models/index.js';

const dt = 0.05;
const t = Float64Array.from({ length: 400 }, (_, i) => i * dt);
const train: Series = { t, y: [Float64Array.from(t, (s) => Math.sin(1.3 * s) + 0.5 * Math.sin(2.1 * s))], names: ['y'] };

async function diverge(family: string, config: Record<string, unknown>): Promise<FitDivergedError> {
  try {
    await getFamily(family).fit({ family, config }, train, { seed: 1 });
  } catch (e) {
    expect(e).toBeInstanceOf(FitDivergedError);
    return e as FitDivergedError;
  }
  throw new Error(`${family} with ${JSON.stringify(config)} was expected to diverge and did not`);
}

describe('a diverging fit keeps its last good state', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    // A step of 1e200 sends the readout weights to ~1e200: the next loss is Infinity.
    ['lstm, non-finite loss', 'lstm', { hidden: 8, window: 20, maxSteps: 50, lr: 1e200 }],
    // The pendulum bank under Adam forced on with absurd steps: exp(log ω) overflows.
    ['oscillator-bank, non-finite loss', 'oscillator-bank', { oscillators: 2, nonlinear: true, adamThreshold: 0, adamLr: 1e3, restarts: 1 }],
    ['oscillator-bank, finite loss but non-finite gradient', 'oscillator-bank', { oscillators: 2, nonlinear: true, adamThreshold: 0, adamLr: 50, restarts: 1 }],
  ];
  for (const [title, family, config] of cases) {
    it(title, async () => {
      const e = await diverge(family, config);
      expect(e).toBeInstanceOf(DivergenceError);
      expect(e.message).toMatch(/the fit stopped and kept its last good state/);
      const saved = e.lastGoodModel;
      expect(saved.family).toBe(family);
      // The saved state is exactly the error's lastGood vector, and it is finite.
      expect(saved.params).toEqual(Array.from(e.lastGood!));
      expect(saved.params.every(Number.isFinite)).toBe(true);
      // It survives JSON (the CLI writes it to disk) and forecasts finite values.
      const model = getFamily(family).load(JSON.parse(JSON.stringify(saved)));
      const times = Float64Array.from({ length: 40 }, (_, i) => t[t.length - 1] + (i + 1) * dt);
      const fc = model.forecast(times, train);
      expect(fc.mean[0]).toHaveLength(40);
      expect(fc.mean[0].every(Number.isFinite)).toBe(true);
    }, 60_000);
  }
});
