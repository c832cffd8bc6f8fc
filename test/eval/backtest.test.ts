// Backtested intervals (eval/backtest.ts) against closed forms: persistence on a ramp y = s·t
// errs by exactly s·h at lead h; a state-space model off by a constant d errs by |d|; beyond
// the longest backtested lead the spread is the phase-lost ceiling √2 × the window's sd.
import { describe, expect, it } from 'vitest';
import type { Series } from '../../src/data/series.js';
import { backtestSpread, withBacktestQuantiles } from '../../src/eval/backtest.js';
import { persistenceFamily } from '../../src/models/persistence.js';
import type { Fitted } from '../../src/models/base.js';

const N = 401;
const t = Float64Array.from({ length: N }, (_, i) => i * 0.05); // [0, 20]
const slope = 0.3;
const ramp: Series = { t, y: [t.map((x) => slope * x)], names: ['y'] };
const windowSd = slope * Math.sqrt(((N - 1) * (N + 1)) / 12) * 0.05; // population sd of an evenly spaced ramp

describe('backtestSpread', () => {
  it('persistence on a ramp: the spread at lead h is s·h to within one lead bin; the ceiling beyond the longest lead', async () => {
    const f = await persistenceFamily.fit({ family: 'persistence', config: {} }, ramp, { seed: 0 });
    // Without its own quantiles: strip them to backtest the point forecast.
    const point: Fitted = { ...f, forecast: (times, ctx) => ({ t: times, mean: f.forecast(times, ctx).mean }) };
    const maxLead = 0.6 * 20;
    const bin = maxLead / 20;
    const leads = [0.5, 3, 6, 7.5]; // s·h below the ceiling √2·sd ≈ 2.46
    const sd = backtestSpread(point, ramp, Float64Array.from(leads, (h) => 20 + h))[0];
    leads.forEach((h, k) => {
      expect(sd[k]).toBeGreaterThanOrEqual(slope * (h - bin) - 1e-12);
      expect(sd[k]).toBeLessThanOrEqual(slope * (h + bin) + 1e-12);
    });
    const beyond = backtestSpread(point, ramp, Float64Array.of(20 + maxLead + 1))[0][0];
    expect(beyond / (Math.SQRT2 * windowSd)).toBeCloseTo(1, 10);
  });

  it('a state-space model off by d everywhere: spread |d| at every time; quantiles added only where the forecast has none', () => {
    const d = 0.04;
    const f: Fitted = {
      family: 'test-offset',
      nParams: 0,
      inWindowMode: 'simulated',
      forecast: (times) => ({ t: times, mean: [times.map((x) => slope * x + d)] }),
      describe: () => ({ family: 'test-offset', parameters: 0 }),
      toJSON: () => {
        throw new Error('not saved');
      },
    };
    const times = Float64Array.of(21, 30, 50);
    backtestSpread(f, ramp, times)[0].forEach((v) => expect(v).toBeCloseTo(d, 12));
    const withQ = withBacktestQuantiles(f.forecast(times, ramp), f, ramp);
    expect(withQ.quantiles!.find((q) => q.level === 0.5)!.values[0]).toEqual(withQ.mean[0]);
    const own = { t: times, mean: [times], quantiles: [{ level: 0.5, values: [times] }] };
    expect(withBacktestQuantiles(own, f, ramp)).toBe(own);
  });
});
