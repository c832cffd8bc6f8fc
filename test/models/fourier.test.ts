import { describe, expect, it } from 'vitest';
import { fourierFamily } from '../../src/models/fourier.js';
import { ConfigError } from '../../src/core/errors.js';
import { dampedCosines } from './signals.js';

describe('fourier', () => {
  const s = dampedCosines({ n: 1001, dt: 0.01, freq: [1.3, 4.1], decay: [0, 0], amp: [1, 0.6], phase: [0.4, -1.2], offset: 0.25 });
  const train = { t: s.t, y: [s.y], names: ['y'] };

  it('recovers the frequencies of a well-separated two-tone signal and extrapolates it', async () => {
    const f = await fourierFamily.fit({ family: 'fourier', config: { terms: 2 } }, train, { seed: 0 });
    const d = f.describe() as unknown as { sinusoids: { frequency: number; amplitude: number[] }[]; offset: number[] };
    const w = d.sinusoids.map((x) => x.frequency);
    expect(Math.abs(w[0] - 1.3) / 1.3).toBeLessThan(5e-3);
    expect(Math.abs(w[1] - 4.1) / 4.1).toBeLessThan(5e-3);
    expect(Math.abs(d.sinusoids[0].amplitude[0] - 1)).toBeLessThan(0.02);
    expect(Math.abs(d.offset[0] - 0.25)).toBeLessThan(0.02);
    const later = Float64Array.from({ length: 200 }, (_, i) => 10 + 0.05 * i);
    const fc = f.forecast(later, train).mean[0];
    let err = 0;
    later.forEach((t, i) => (err = Math.max(err, Math.abs(fc[i] - (0.25 + Math.cos(1.3 * t + 0.4) + 0.6 * Math.cos(4.1 * t - 1.2))))));
    expect(err).toBeLessThan(0.2); // periodogram-peak frequencies are biased ~0.2% by the other tone's leakage
    expect(f.describe().equations?.[0]).toMatch(/^y\(t\) = /);
  });

  it('reloads and forecasts identically', async () => {
    const f = await fourierFamily.fit({ family: 'fourier', config: { terms: 3 } }, train, { seed: 0 });
    const g = fourierFamily.load(JSON.parse(JSON.stringify(f.toJSON())));
    const times = Float64Array.from({ length: 50 }, (_, i) => 3 + 0.37 * i);
    expect(g.forecast(times, train).mean[0]).toEqual(f.forecast(times, train).mean[0]);
    expect(g.nParams).toBe(f.nParams);
  });

  it('rejects a non-positive number of terms', async () => {
    await expect(fourierFamily.fit({ family: 'fourier', config: { terms: 0 } }, train, { seed: 0 })).rejects.toThrow(ConfigError);
  });
});
