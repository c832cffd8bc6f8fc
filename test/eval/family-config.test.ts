// A family's options from --config: defaults merged with the user's overrides, and every
// option the family does not have refused by name — including names that plain objects
// inherit (constructor, toString), which an `in` check once let through.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { familyConfig } from '../../src/eval/family-config.js';
import { fourierFamily } from '../../src/models/fourier.js';

describe('familyConfig', () => {
  it('merges overrides into the defaults', () => {
    expect(familyConfig('fourier', { fourier: { terms: 6 } }, ['fourier'])).toEqual({ ...fourierFamily.defaults, terms: 6 });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'trms'])('refuses the unknown option "%s" by name', (key) => {
    const overrides = JSON.parse(`{"${key}": 1}`) as Record<string, unknown>;
    expect(() => familyConfig('fourier', { fourier: overrides }, ['fourier'])).toThrow(ConfigError);
    expect(() => familyConfig('fourier', { fourier: overrides }, ['fourier'])).toThrow(new RegExp(`fourier has no option "${key.replace(/_/g, '_')}"`));
  });

  it('refuses options for a family the run does not fit', () => {
    expect(() => familyConfig('fourier', { fourier: {}, lstm: { hidden: 3 } }, ['fourier'])).toThrow(/has options for "lstm"/);
  });
});
