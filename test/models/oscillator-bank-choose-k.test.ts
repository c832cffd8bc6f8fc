// The bank chooses K from the data by default (oscillators: 'auto'): one mode for a one-mode
// damped sine (a fixed K = 4 reported three spurious modes), two for two, with and without
// noise; describe() states the choice, each mode's share and negligible couplings as 0.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import { oscillatorBankFamily } from '../../src/models/index.js';
import { chooseOscillators } from '../../src/models/oscillator-bank/choose-k.js';

const dt = 0.05;
const t = Float64Array.from({ length: 401 }, (_, i) => i * dt);
const series = (f: (s: number) => number): Series => ({ t, y: [Float64Array.from(t, f)], names: ['y'] });
const oneMode = series((s) => Math.exp(-0.1 * s) * Math.sin(1.7 * s));
const twoModes = (s: number) => Math.exp(-0.02 * s) * Math.cos(1.3 * s) + 0.6 * Math.exp(-0.03 * s) * Math.sin(2.1 * s);

interface Described {
  modes: { frequency: number; decay: number; share: number; negligible: boolean }[];
  oscillatorChoice?: { K: number; criterion: string; candidates: { K: number; bic: number; nrmse: number }[] };
  couplings: { strength: number }[];
  equations: string[];
}

describe('oscillator-bank K from the data', () => {
  it('chooses K = 1 on a one-mode damped sine and reports one mode, at its frequency and decay', async () => {
    const f = await oscillatorBankFamily.fit({ family: 'oscillator-bank', config: oscillatorBankFamily.defaults }, oneMode, { seed: 0 });
    const d = f.describe() as unknown as Described;
    expect(d.oscillatorChoice?.K).toBe(1);
    expect(d.oscillatorChoice?.candidates.map((c) => c.K)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(d.modes).toHaveLength(1);
    expect(d.modes[0].frequency).toBeCloseTo(1.7, 6);
    expect(d.modes[0].decay).toBeCloseTo(0.1, 6);
    expect(d.modes[0].share).toBe(1);
    expect(f.nParams).toBe(6); // log ω, damping, z0 (2), W, offset: no coupling
  });

  it('chooses K = 2 on two damped modes, clean and with 2% noise', () => {
    const rng = new Rng(3);
    const clean = series(twoModes);
    const noisy = series((s) => twoModes(s) + 0.02 * rng.normal(0, 1));
    expect(chooseOscillators(clean.t, clean.y, 8).K).toBe(2);
    expect(chooseOscillators(noisy.t, noisy.y, 8).K).toBe(2);
    // The cap is a cap, and a window too short for K is not asked for it.
    expect(chooseOscillators(clean.t, clean.y, 1).K).toBe(1);
    expect(chooseOscillators(t.subarray(0, 20), [clean.y[0].subarray(0, 20)], 8).candidates.every((c) => c.K <= 4)).toBe(true);
  });

  it('an explicit K is kept; spurious modes are flagged negligible and absent couplings print as 0', async () => {
    const f = await oscillatorBankFamily.fit({ family: 'oscillator-bank', config: { ...oscillatorBankFamily.defaults, oscillators: 4 } }, oneMode, { seed: 0 });
    const d = f.describe() as unknown as Described;
    expect(d.oscillatorChoice).toBeUndefined();
    expect(d.modes).toHaveLength(4);
    const real = d.modes.filter((m) => !m.negligible);
    expect(real).toHaveLength(1);
    expect(real[0].frequency).toBeCloseTo(1.7, 6);
    expect(d.modes.reduce((a, m) => a + m.share, 0)).toBeCloseTo(1, 3);
    // Couplings of 1e-8 and below (the exact start's) are numerically absent: 0, and no spring term.
    expect(d.couplings.every((c) => c.strength === 0)).toBe(true);
    expect(d.equations.slice(0, 4).join('\n')).not.toMatch(/·\(x\d − x\d\)|e-\d/);
  });
});

describe('oscillator-bank saved before K could be chosen', () => {
  it('a saved config without maxOscillators loads with the default cap and forecasts as before', async () => {
    const f = await oscillatorBankFamily.fit({ family: 'oscillator-bank', config: { ...oscillatorBankFamily.defaults, oscillators: 1 } }, oneMode, { seed: 0 });
    const old = f.toJSON();
    delete (old.config as Record<string, unknown>).maxOscillators;
    const g = oscillatorBankFamily.load(JSON.parse(JSON.stringify(old)));
    expect(g.toJSON().config.maxOscillators).toBe(8);
    const times = Float64Array.from([20.5, 25]);
    expect(g.forecast(times, oneMode).mean).toEqual(f.forecast(times, oneMode).mean);
  });
});
