// Equal tuning budgets (src/eval/tune.ts): every declared search space draws valid
// configurations; a search finds a better configuration than a bad given one, scored on the
// held-out tail only, refits it on the whole window and records every trial in results.json.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { Series } from '../../src/data/series.js';
import { runExperiment } from '../../src/eval/experiment.js';
import { drawOptions, tuneConfig } from '../../src/eval/tune.js';
import { families, nvarFamily } from '../../src/models/index.js';

function signal(n: number, dt: number): Series {
  const t = Float64Array.from({ length: n }, (_, k) => k * dt);
  return { t, y: [t.map((s) => Math.sin(1.1 * s) + 0.4 * Math.sin(2.3 * s + 1))], names: ['y'] };
}

describe('tuning budgets', () => {
  it('every search space a family declares names its options and draws configurations it accepts', () => {
    const declared = families.filter((f) => f.capabilities?.searchSpace);
    expect(declared.map((f) => f.family)).toEqual(expect.arrayContaining(['lstm', 'gru', 'esn', 'nvar', 'mlp']));
    const rng = new Rng(5);
    for (const f of declared) {
      for (const key of Object.keys(f.capabilities!.searchSpace!)) expect(Object.keys(f.defaults), `${f.family}.${key}`).toContain(key);
      for (let i = 0; i < 50; i++) expect(() => f.check?.({ ...f.defaults, ...drawOptions(f.capabilities!.searchSpace!, rng) })).not.toThrow();
    }
  });

  it('finds a better configuration than a poor given one, scored on the held-out tail, and logs a failing trial', async () => {
    const s = signal(600, 0.05);
    // A linear NVAR with two delays continues a sum of two sinusoids exactly; an enormous ridge ruins it.
    const poor = { ...nvarFamily.defaults, order: 1, ridge: 1e4 };
    const r = await tuneConfig(nvarFamily, poor, s, { trials: 8 }, { seed: 0 });
    expect(r.record.log).toHaveLength(8);
    expect(r.record.log[0].options).toEqual({});
    expect(r.record.best).not.toBe(0);
    const scores = r.record.log.map((l) => l.score ?? Infinity);
    expect(scores[r.record.best]).toBe(Math.min(...scores));
    expect(scores[r.record.best]).toBeLessThan(0.2 * scores[0]);
    expect(r.config).toEqual({ ...poor, ...r.record.log[r.record.best].options });
    // A draw that fails (a singular readout) is logged with its reason, not fatal.
    const singular = await tuneConfig(nvarFamily, { ...poor, ridge: 0, delays: 5 }, s, { trials: 3 }, { seed: 0 });
    expect(singular.record.log[0].score).toBeNull();
    expect(singular.record.log[0].error).toMatch(/ConfigError: ridge/);
    expect(singular.record.best).not.toBe(0);
  });

  it('runs its trials without the worker threads, which serve one fit each and are kept for the final fit', async () => {
    const seen: unknown[] = [];
    const spy = { ...nvarFamily, fit: (spec: Parameters<typeof nvarFamily.fit>[0], train: Series, opts: Parameters<typeof nvarFamily.fit>[2]) => (seen.push(opts.workers), nvarFamily.fit(spec, train, opts)) };
    const workers = [{ postMessage() {}, on() {}, off() {} }] as unknown as Parameters<typeof nvarFamily.fit>[2]['workers'];
    await tuneConfig(spy, { ...nvarFamily.defaults, order: 1 }, signal(300, 0.05), { trials: 3 }, { seed: 0, workers });
    expect(seen).toEqual([undefined, undefined, undefined]);
  });

  it('a tuned job is refitted with the chosen configuration on the whole window, its trials in describe().tuning', async () => {
    const s = signal(800, 0.05);
    const train: Series = { t: s.t.slice(0, 600), y: [s.y[0].slice(0, 600)], names: s.names };
    const poor = { ...nvarFamily.defaults, order: 1, ridge: 1e4 };
    const res = await runExperiment({
      jobs: [{ name: 'nvar', spec: { family: 'nvar', config: poor }, train, seed: 0, tune: { trials: 6 } }],
      observed: s, truth: s, split: { trainFrom: 0, trainUntil: s.t[599], until: s.t[799] },
    });
    const m = res.models[0];
    const tuning = m.describe.tuning as { best: number; log: { options: Record<string, unknown> }[] };
    expect(tuning.log).toHaveLength(6);
    expect(m.describe.ridge).toBe(tuning.log[tuning.best].options.ridge);
    expect(res.saved[0].training!.until).toBe(s.t[599]);
    expect(m.metrics.nrmseOut).toBeLessThan(0.05);
  });
});
