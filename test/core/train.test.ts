// The one training loop: it minimises, keeps the best snapshot, keeps the last good state on
// divergence, stops on abort, reports monotone progress and is deterministic.
import { describe, expect, it } from 'vitest';
import { AbortError, ConfigError, DivergenceError } from '../../src/core/errors.js';
import { Adam } from '../../src/core/optim/adam.js';
import type { Optimizer } from '../../src/core/optim/base.js';
import { train } from '../../src/core/optim/train.js';
import type { TrainProgress } from '../../src/core/optim/train.js';
import { EventLoopPacer } from '../../src/core/pace.js';

/** f(x) = ½ (x − c)ᵀ D (x − c), D = diag(d): minimum at c, f = 0. */
const c = Float64Array.of(3, -1, 0.5);
const d = Float64Array.of(1, 4, 0.25);
function quadratic(x: Float64Array, g: Float64Array): number {
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    const r = x[i] - c[i];
    g[i] = d[i] * r;
    f += 0.5 * d[i] * r * r;
  }
  return f;
}

/** Plain gradient descent θ ← θ − lr·g (an Optimizer whose steps are easy to follow). */
function descent(lr: number): Optimizer {
  let it = 0;
  return {
    get iteration() {
      return it;
    },
    step(theta, grad) {
      for (let i = 0; i < theta.length; i++) theta[i] -= lr * grad[i];
      it++;
    },
    reset() {
      it = 0;
    },
  };
}

describe('train', () => {
  it('minimises a quadratic to its closed-form minimum', async () => {
    const theta = new Float64Array(3);
    const r = await train({ lossAndGrad: quadratic, theta, optimizer: descent(0.4), steps: 2000 });
    // Gradient descent contracts coordinate i by |1 − 0.4 d_i| ≤ 0.9 per step: x = c to rounding.
    for (let i = 0; i < 3; i++) expect(theta[i]).toBeCloseTo(c[i], 12);
    expect(r.best).toEqual(theta);
    expect(r.steps).toBe(2000);
    expect(r.bestStep).toBe(2000);
    expect(r.reason).toBe('max-steps');
    expect(r.bestScore).toBeNull();

    // Adam with a decaying rate reaches it too.
    const x = new Float64Array(3);
    await train({ lossAndGrad: quadratic, theta: x, optimizer: new Adam(3, { lr: (i) => 0.1 * 0.995 ** i }), steps: 3000 });
    for (let i = 0; i < 3; i++) expect(Math.abs(x[i] - c[i])).toBeLessThan(1e-6);
  });

  it('early stopping returns the snapshot of the best check, and stops after `patience` worse checks', async () => {
    // θ moves by exactly 1 per step (f = −θ, gradient −1, lr 1); the score is lowest at θ = 7.
    const lin = (x: Float64Array, g: Float64Array) => {
      g[0] = -1;
      return -x[0];
    };
    const scored: number[] = [];
    const theta = Float64Array.of(0);
    const r = await train({
      lossAndGrad: lin,
      theta,
      optimizer: descent(1),
      steps: 100,
      validation: { every: 1, patience: 3, score: (x) => (scored.push(x[0]), (x[0] - 7) ** 2) },
    });
    expect(r.best).toEqual(Float64Array.of(7));
    expect(r.bestStep).toBe(7);
    expect(r.bestScore).toBe(0);
    expect(r.reason).toBe('patience');
    expect(r.steps).toBe(10); // checks at 8, 9, 10 are worse
    expect(theta[0]).toBe(10); // θ itself holds the last iterate
    expect(scored).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // Checked every 4 steps: the best check is step 8 (score 1), not the unseen 7.
    const r4 = await train({ lossAndGrad: lin, theta: Float64Array.of(0), optimizer: descent(1), steps: 100, validation: { every: 4, patience: 2, score: (x) => (x[0] - 7) ** 2 } });
    expect(r4.bestStep).toBe(8);
    expect(r4.best[0]).toBe(8);
    expect(r4.steps).toBe(16);
  });

  it('a non-finite loss throws DivergenceError with the last θ whose loss was finite', async () => {
    // f(θ) = θ² stays finite until θ > 5, where it becomes NaN; the step is +1 each time.
    const f = (x: Float64Array, g: Float64Array) => {
      g[0] = -1;
      return x[0] > 5 ? NaN : x[0] * x[0];
    };
    const err = await train({ lossAndGrad: f, theta: Float64Array.of(0.5), optimizer: descent(1), steps: 50, name: 'toy' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    const e = err as DivergenceError;
    expect(e.lastGood).toEqual(Float64Array.of(4.5)); // θ = 5.5 gave NaN
    expect(e.at).toBe(5);
    expect(e.message).toMatch(/^toy: training loss became NaN at step 5/);

    // A finite loss with a non-finite gradient: that θ is the last good one, and θ is not updated.
    const theta = Float64Array.of(0);
    const g = (x: Float64Array, gr: Float64Array) => {
      gr[0] = x[0] >= 3 ? Infinity : -1;
      return x[0];
    };
    const e2 = (await train({ lossAndGrad: g, theta, optimizer: descent(1), steps: 50 }).catch((x: unknown) => x)) as DivergenceError;
    expect(e2).toBeInstanceOf(DivergenceError);
    expect(e2.lastGood).toEqual(Float64Array.of(3));
    expect(e2.at).toBe(3);
    expect(theta[0]).toBe(3);

    // A non-finite validation score: the θ before that step.
    const e3 = (await train({
      lossAndGrad: (x, gr) => ((gr[0] = -1), 0),
      theta: Float64Array.of(0),
      optimizer: descent(1),
      steps: 50,
      validation: { every: 2, score: (x) => (x[0] >= 6 ? Infinity : 1 / (1 + x[0])) },
    }).catch((x: unknown) => x)) as DivergenceError;
    expect(e3).toBeInstanceOf(DivergenceError);
    expect(e3.lastGood).toEqual(Float64Array.of(5));
    expect(e3.at).toBe(6);
  });

  it('stopWhen stops before the update; a fired signal throws AbortError', async () => {
    const theta = new Float64Array(3);
    const r = await train({ lossAndGrad: quadratic, theta, optimizer: descent(0.4), steps: 1000, stopWhen: (loss) => loss < 1e-6 });
    expect(r.reason).toBe('stop-when');
    expect(r.lastLoss).toBeLessThan(1e-6);
    expect(r.steps).toBeLessThan(1000);
    expect(quadratic(theta, new Float64Array(3))).toBe(r.lastLoss); // θ was not moved after the stop

    const ac = new AbortController();
    let calls = 0;
    const aborting = (x: Float64Array, g: Float64Array) => {
      if (++calls === 7) ac.abort();
      return quadratic(x, g);
    };
    await expect(train({ lossAndGrad: aborting, theta: new Float64Array(3), optimizer: descent(0.1), steps: 100, signal: ac.signal })).rejects.toThrow(AbortError);
    expect(calls).toBe(7); // the step after the signal fired never ran
  });

  it('reports monotone progress ending at 1, and yields to the event loop during long work', async () => {
    const seen: TrainProgress[] = [];
    await train({ lossAndGrad: quadratic, theta: new Float64Array(3), optimizer: descent(0.1), steps: 95, progressEvery: 10, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.step)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 95]);
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThan(seen[i - 1].fraction);
    expect(seen.at(-1)!.fraction).toBe(1);

    // A timer set before training fires during it when the pacer's interval is 0.
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let firedDuring = false;
    const slow = (x: Float64Array, g: Float64Array) => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      firedDuring ||= fired;
      return quadratic(x, g);
    };
    await train({ lossAndGrad: slow, theta: new Float64Array(3), optimizer: descent(0.1), steps: 5, pacer: new EventLoopPacer(0) });
    expect(firedDuring).toBe(true);
  });

  it('the same inputs give the same bits', async () => {
    const run = async () => {
      const theta = Float64Array.of(0.3, -2, 7);
      const r = await train({ lossAndGrad: quadratic, theta, optimizer: new Adam(3, { lr: 0.05, clipNorm: 1 }), steps: 300, validation: { every: 7, patience: 5, score: (x) => Math.abs(x[0] - 1) } });
      return [...theta, ...r.best, r.bestStep, r.lastLoss, r.steps];
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects a step budget or check interval that cannot work, by name', async () => {
    const base = { lossAndGrad: quadratic, theta: new Float64Array(3), optimizer: descent(0.1) };
    await expect(train({ ...base, steps: -1 })).rejects.toThrow(ConfigError);
    await expect(train({ ...base, steps: 1.5 })).rejects.toThrow(/steps/);
    await expect(train({ ...base, steps: 10, validation: { every: 0, score: () => 0 } })).rejects.toThrow(/validation.every/);
  });
});
