// The contract every model family keeps (docs/architecture.md, "Model families"), tested over the `families`
// registry so a family is covered the day it is registered: fit on a small series with the
// family's `quick` config, a JSON round trip bit for bit, forecast shape and times,
// describe().parameters === nParams, abort, the same seed giving the same bits, and ≥ 2,000
// mutated saved models that either load and forecast finite numbers or fail with a
// LawfulError (never a TypeError, a RangeError or a stack trace).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbortError, DataError, LawfulError } from '../../src/core/errors.js';
import type { Series } from '../../src/data/series.js';
import type { Fitted, ModelFamily } from '../../src/models/base.js';
import { families } from '../../src/models/index.js';
import { forecastFrom, loadModel } from '../../src/models/load.js';

const dt = 0.05;
const t = Float64Array.from({ length: 241 }, (_, i) => i * dt);
/** Two damped modes and an offset on [0, 12]: every family can fit it quickly. */
const train: Series = {
  t,
  y: [Float64Array.from(t, (s) => 0.2 + Math.exp(-0.05 * s) * Math.cos(1.3 * s) + 0.5 * Math.exp(-0.02 * s) * Math.sin(2.1 * s))],
  names: ['y'],
};
/** Beyond the window, on its grid, plus one time between grid points. */
const times = Float64Array.from([...Array.from({ length: 40 }, (_, i) => 12 + (i + 1) * dt), 14.025]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fitQuick = (family: ModelFamily<any>, seed = 7, signal?: AbortSignal): Promise<Fitted> =>
  family.fit({ family: family.family, config: { ...family.defaults, ...family.quick } }, train, { seed, signal });

const bits = (a: Float64Array[]) => a.map((c) => Array.from(new Uint8Array(c.buffer, c.byteOffset, c.byteLength)));

/** Every path into a JSON value; long arrays contribute themselves and three of their entries. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) {
    const idx = v.length > 8 ? [0, v.length >> 1, v.length - 1] : v.map((_, i) => i);
    for (const i of idx) {
      out.push([...at, i]);
      paths(v[i], [...at, i], out);
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push([...at, k]);
      paths(x, [...at, k], out);
    }
  }
  return out;
}

interface Mutation {
  at: number;
  op: number;
  value: unknown;
}

const oddValues = fc.oneof(
  fc.constantFrom(1e308, -1e308, NaN, Infinity, -Infinity, 0, -0, -1, 1e-300, 2 ** 53, '4', '', 'auto', true, false, null, [], {}),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 4 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.record({ at: fc.nat(), op: fc.integer({ min: 0, max: 5 }), value: oddValues });

/** Applies one mutation: delete a field, change its value or type, shrink or grow an array, relabel the family, scale a number. */
function mutate(json: Record<string, unknown>, m: Mutation): void {
  const all = paths(json);
  const path = all[m.at % all.length];
  let parent: Record<string | number, unknown> = json;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1];
  const here = parent[key];
  switch (m.op) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return;
    case 2:
      if (Array.isArray(here) && here.length) return void here.pop();
      break;
    case 3:
      if (Array.isArray(here)) return void here.push(here.length ? structuredClone(here[here.length - 1]) : 0);
      break;
    case 4:
      json.family = typeof m.value === 'string' ? m.value : families[Math.abs(m.at) % families.length].family;
      return;
    case 5:
      if (typeof here === 'number') return void (parent[key] = here * (typeof m.value === 'number' ? m.value : -1e200));
      break;
  }
  parent[key] = m.value;
}

for (const family of families) {
  describe(`the model contract: ${family.family}`, () => {
    it('fits on a small series; forecasts have the asked times and shape; describe() counts nParams', async () => {
      const f = await fitQuick(family);
      expect(f.family).toBe(family.family);
      const fcast = f.forecast(times, train);
      expect(fcast.t).toEqual(times);
      expect(fcast.mean).toHaveLength(train.y.length);
      for (const ch of fcast.mean) {
        expect(ch).toHaveLength(times.length);
        expect(ch.every(Number.isFinite)).toBe(true);
      }
      const d = f.describe();
      expect(d.family).toBe(family.family);
      expect(d.parameters).toBe(f.nParams);
      expect(f.toJSON().params).toHaveLength(f.nParams);
    });

    it('a forecast with quantiles has the 7 standard levels (and 2.5/97.5%), finite and ordered at every time, around the mean', async () => {
      const f = await fitQuick(family);
      const fcast = f.forecast(times, train);
      if (!fcast.quantiles) return; // a family without intervals (the LSTM until its ensembles)
      const levels = fcast.quantiles.map((q) => q.level);
      for (const l of [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]) expect(levels.some((x) => Math.abs(x - l) < 1e-12)).toBe(true);
      expect([...levels].sort((a, b) => a - b)).toEqual(levels);
      const median = fcast.quantiles.find((q) => Math.abs(q.level - 0.5) < 1e-12)!;
      for (let c = 0; c < fcast.mean.length; c++) {
        for (let i = 0; i < times.length; i++) {
          const v = fcast.quantiles.map((q) => q.values[c][i]);
          expect(v.every(Number.isFinite)).toBe(true);
          for (let k = 1; k < v.length; k++) expect(v[k]).toBeGreaterThanOrEqual(v[k - 1]);
          expect(median.values[c][i]).toBeCloseTo(fcast.mean[c][i], 9);
        }
      }
      // the round trip keeps the intervals bit for bit
      const g = loadModel(JSON.stringify(f.toJSON()), 'round-trip.json').model;
      expect(bits(g.forecast(times, train).quantiles!.flatMap((q) => q.values))).toEqual(bits(fcast.quantiles.flatMap((q) => q.values)));
    });

    it('survives a JSON round trip bit for bit: the same saved form, the same forecast and description', async () => {
      const f = await fitQuick(family);
      const text = JSON.stringify(f.toJSON());
      const g = loadModel(text, 'round-trip.json').model;
      expect(JSON.stringify(g.toJSON())).toBe(text);
      expect(bits(g.forecast(times, train).mean)).toEqual(bits(f.forecast(times, train).mean));
      expect(JSON.stringify(g.describe())).toBe(JSON.stringify(f.describe()));
      expect(g.nParams).toBe(f.nParams);
    });

    it('the same seed gives the same bits', async () => {
      const [a, b] = [await fitQuick(family, 3), await fitQuick(family, 3)];
      expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    });

    it('an aborted signal stops the fit with an AbortError', async () => {
      const ac = new AbortController();
      ac.abort();
      await expect(fitQuick(family, 7, ac.signal)).rejects.toThrow(AbortError);
    });

    it('one parameter too many or too few is a DataError naming the file and params, as in every family', async () => {
      const saved = (await fitQuick(family)).toJSON();
      const more = { ...saved, params: [...saved.params, 0] };
      const fewer = { ...saved, params: saved.params.slice(1) };
      for (const damaged of saved.params.length ? [more, fewer] : [more]) {
        expect(() => loadModel(damaged, 'm.json')).toThrow(DataError);
        expect(() => loadModel(damaged, 'm.json')).toThrow(/^m\.json: params: /);
        expect(() => family.load(damaged, 'm.json')).toThrow(/^m\.json: params: /);
      }
    });

    it('a mutated saved model (2,000 cases) loads and forecasts finite numbers, or is refused with a LawfulError', async () => {
      const saved = (await fitQuick(family)).toJSON();
      const outcome = { loaded: 0, refused: 0 };
      fc.assert(
        // As parsed JSON (NaN, Infinity and -0 survive) or as the text a file would hold.
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (ms, asText) => {
          const json = structuredClone(saved) as unknown as Record<string, unknown>;
          for (const m of ms) mutate(json, m);
          try {
            const loaded = loadModel(asText ? JSON.stringify(json) : json, 'mutated.json');
            const fcast = forecastFrom(loaded, train, times);
            expect(fcast.mean.every((c) => c.every(Number.isFinite))).toBe(true);
            loaded.model.describe();
            outcome.loaded++;
          } catch (e) {
            if (!(e instanceof LawfulError)) throw e;
            expect(e.message).not.toMatch(/\n/);
            outcome.refused++;
          }
        }),
        { numRuns: 2000, seed: 20261202 },
      );
      // Both outcomes occur: the mutations reach fields that matter and fields that do not.
      expect(outcome.refused).toBeGreaterThan(500);
      if (family.family !== 'persistence') expect(outcome.loaded).toBeGreaterThan(0);
    }, 60_000);
  });
}
