// The bank's checkConfig refuses every numeric option that is NaN, infinite, negative or (where
// zero means nothing) zero, with a ConfigError naming the option — the same check a saved
// model's config goes through.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { checkConfig, DEFAULTS, type OscillatorBankOptions } from '../../src/models/oscillator-bank/config.js';

/** Each numeric option and the values it must refuse (0 is legal where it switches a feature off). */
const refused: [keyof OscillatorBankOptions, unknown[]][] = [
  ['oscillators', [0, -1, NaN, 2.5, Infinity, 65, '4']],
  ['maxOscillators', [0, -3, NaN, 1.5, 65]],
  ['substeps', [0, -1, NaN, 1e9, 0.5]],
  ['restarts', [0, -2, NaN, 1.5]],
  ['maxIterations', [-1, NaN, 2.5, Infinity]],
  ['adamSteps', [-1, NaN, 0.5]],
  ['holdout', [0, -0.1, NaN, 0.5, 1]],
  ['perturbation', [0, -0.01, NaN, Infinity]],
  ['adamLr', [0, -0.01, NaN, Infinity]],
  ['adamThreshold', [-0.3, NaN, Infinity]],
  ['adamStop', [0, -1e-3, NaN]],
  ['relTol', [0, -1e-4, NaN, 1]],
  ['cancellationPenalty', [-0.03, NaN, Infinity]],
];

describe('oscillator-bank checkConfig', () => {
  it('accepts the defaults, an explicit K and the documented zeros', () => {
    expect(() => checkConfig(DEFAULTS)).not.toThrow();
    expect(() => checkConfig({ ...DEFAULTS, oscillators: 3, maxIterations: 0, adamSteps: 0, adamThreshold: 0, cancellationPenalty: 0 })).not.toThrow();
  });
  for (const [option, values] of refused) {
    it(`refuses bad ${option} by name`, () => {
      for (const v of values) {
        const c = { ...DEFAULTS, [option]: v } as OscillatorBankOptions;
        expect(() => checkConfig(c), `${option} = ${String(v)}`).toThrow(ConfigError);
        expect(() => checkConfig(c)).toThrow(new RegExp(`^${option}: must be`));
      }
    });
  }
  it('refuses an unknown observation kind and a non-boolean nonlinear', () => {
    expect(() => checkConfig({ ...DEFAULTS, observation: 'psychic' as 'learned' })).toThrow(/^observation: must be 'projected' or 'learned', got "psychic"/);
    expect(() => checkConfig({ ...DEFAULTS, nonlinear: 'yes' as unknown as boolean })).toThrow(/^nonlinear: must be true or false/);
  });
});
