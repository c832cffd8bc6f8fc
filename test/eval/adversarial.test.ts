// The adversarial probe (eval/adversarial.ts) against closed forms: persistence moves its whole
// forecast by the last sample's perturbation (amplification exactly 1, worst case the sign
// that adds to the error), a linear recursion x ← a·x amplifies by a^n, a model that ignores
// its context is reported unconditioned after one call, and a seed fixes the result.
import { describe, expect, it } from 'vitest';
import type { Series } from '../../src/data/series.js';
import { adversarialAttack, adversarialProbe } from '../../src/eval/adversarial.js';
import { persistenceFamily } from '../../src/models/persistence.js';
import type { Fitted } from '../../src/models/base.js';

const N = 200;
const context: Series = { t: Float64Array.from({ length: N }, (_, i) => i * 0.1), y: [Float64Array.from({ length: N }, (_, i) => Math.sin(0.3 * i))], names: ['y'] };
const times = Float64Array.from({ length: 50 }, (_, i) => (N + i) * 0.1);
const truth = [Float64Array.from(times, (t) => Math.sin(3 * t))];
const sd = (() => {
  const y = context.y[0];
  const m = y.reduce((a, b) => a + b, 0) / N;
  return Math.sqrt(y.reduce((a, b) => a + (b - m) ** 2, 0) / N);
})();

/** A sequence model through the contract: x_{k+1} = a·x_k from the context's last value. */
function recursion(a: number): Fitted {
  return {
    family: 'test-recursion',
    nParams: 1,
    inWindowMode: 'one-step',
    forecast(t, ctx) {
      let x = ctx.y[0][ctx.y[0].length - 1];
      return { t, mean: [t.map(() => (x *= a))] };
    },
    describe: () => ({ family: 'test-recursion', parameters: 1 }),
    toJSON: () => {
      throw new Error('not saved');
    },
  };
}

describe('adversarialProbe', () => {
  it('persistence: amplification 1, and the worst case is the shift of the last value toward the larger error', async () => {
    const f = await persistenceFamily.fit({ family: 'persistence', config: {} }, context, { seed: 0 });
    const clean = f.forecast(times, context).mean;
    const p = adversarialProbe(f, context, times, clean, truth, [1]);
    expect(p.conditioned).toBe(true);
    expect(p.amplification).toBeCloseTo(1, 10);
    p.eps.forEach((e, k) => {
      const nrmse = (s: number) => Math.sqrt(truth[0].reduce((acc, y, i) => acc + (clean[0][i] + s * e * sd - y) ** 2, 0) / times.length);
      expect(p.nrmseOut[k]).toBeCloseTo(Math.max(nrmse(1), nrmse(-1)), 12);
      expect(p.nrmseOut[k]).toBeGreaterThanOrEqual(p.randomNrmseOut[k]);
    });
    expect(p.forecasts).toBe(3 * (2 + 1));
  });

  it('x ← a·x amplifies a perturbation of the last value by a^n over n steps', () => {
    const a = 1.05;
    const f = recursion(a);
    const clean = f.forecast(times, context).mean;
    const p = adversarialProbe(f, context, times, clean, truth, [1]);
    expect(p.amplification / a ** times.length).toBeCloseTo(1, 10);
  });

  it('a model that ignores its context is reported unconditioned after one forecast', () => {
    const f: Fitted = { ...recursion(1), forecast: (t) => ({ t, mean: [t.map(Math.cos)] }) };
    const p = adversarialProbe(f, context, times, f.forecast(times, context).mean, truth, [1]);
    expect(p.conditioned).toBe(false);
    expect(p.forecasts).toBe(1);
    expect(p.amplification).toBe(0);
    expect(p.epsHalvingVpt).toBeNull();
  });

  it('is deterministic for a seed', () => {
    const f = recursion(0.99);
    const clean = f.forecast(times, context).mean;
    expect(adversarialProbe(f, context, times, clean, truth, [1], { seed: 4 })).toEqual(adversarialProbe(f, context, times, clean, truth, [1], { seed: 4 }));
  });
});

describe('adversarialAttack', () => {
  it('returns a context within the ε-ball of the clean one, the forecast the model makes from it, and an error no smaller than the clean forecast’s', () => {
    const f = recursion(1.02);
    const clean = f.forecast(times, context).mean;
    const { probe, attack } = adversarialAttack(f, context, times, clean, truth, [1]);
    expect(attack).toBeDefined();
    const eps = probe.eps[probe.eps.length - 1];
    expect(attack!.eps).toBe(eps);
    let moved = 0;
    attack!.context[0].forEach((v, i) => {
      const d = Math.abs(v - context.y[0][i]);
      expect(d).toBeLessThanOrEqual(eps * sd * (1 + 1e-12));
      moved = Math.max(moved, d);
    });
    expect(moved).toBeGreaterThan(0);
    // The forecast is the model's own from the perturbed context, not a copy of the clean one.
    expect(Array.from(attack!.forecast[0])).toEqual(Array.from(f.forecast(times, { ...context, y: attack!.context }).mean[0]));
    const nrmse = (p: Float64Array) => Math.sqrt(truth[0].reduce((a, y, i) => a + (p[i] - y) ** 2, 0) / times.length);
    expect(attack!.nrmseOut).toBeCloseTo(nrmse(attack!.forecast[0]), 12);
    expect(attack!.nrmseOut).toBeGreaterThanOrEqual(nrmse(clean[0]));
    expect(attack!.nrmseOut).toBe(probe.nrmseOut[probe.nrmseOut.length - 1]);
  });

  it('has no attack to show for a forecast that ignores its context', () => {
    const f: Fitted = { ...recursion(1), forecast: (t) => ({ t, mean: [t.map(Math.cos)] }) };
    expect(adversarialAttack(f, context, times, f.forecast(times, context).mean, truth, [1]).attack).toBeUndefined();
  });
});
