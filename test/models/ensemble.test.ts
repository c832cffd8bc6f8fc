// Deep ensembles over seeds (models/ensemble.ts): the mixture's mean and spread against the
// members' own forecasts, zero spread when every member is the same fit, monotone quantiles,
// the noise level from the in-window residual, the saved form's round trip and its damage,
// and the experiment training one fit per member.
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, LawfulError } from '../../src/core/errors.js';
import { normalQuantile } from '../../src/core/normal.js';
import type { Series } from '../../src/data/series.js';
import { runExperiment } from '../../src/eval/experiment.js';
import type { Fitted } from '../../src/models/base.js';
import { ensembleOf } from '../../src/models/ensemble.js';
import { hnnScenario } from '../../src/eval/scenarios/hnn.js';
import { getFamily } from '../../src/models/index.js';
import { loadModel } from '../../src/models/load.js';

const dt = 0.05;
const t = Float64Array.from({ length: 241 }, (_, i) => i * dt);
const series: Series = { t, y: [Float64Array.from(t, (s) => Math.exp(-0.05 * s) * Math.cos(1.3 * s) + 0.5 * Math.sin(2.1 * s))], names: ['y'] };
const times = Float64Array.from({ length: 30 }, (_, i) => 12 + (i + 1) * dt);

const lstm = getFamily('lstm');
const fitLstm = (seed: number): Promise<Fitted> => lstm.fit({ family: 'lstm', config: { ...lstm.defaults, ...lstm.quick } }, series, { seed });

describe('deep ensemble', () => {
  it('of one seed repeated has no spread: its quantiles are the residual noise alone, about the member forecast', async () => {
    const a = await fitLstm(3);
    const b = await fitLstm(3);
    const ens = ensembleOf([a, b], [3, 3], series);
    const f = ens.forecast(times, series);
    const one = a.forecast(times, series).mean[0];
    expect(Array.from(f.mean[0])).toEqual(Array.from(one));
    expect(f.gaussian!.signalSd[0].every((v) => v === 0)).toBe(true);
    // The noise: the one-step residual's RMS inside the window, computed here from the member.
    const p = a.predictOneStep!(series)[0];
    let s = 0;
    let n = 0;
    p.forEach((v, i) => {
      if (Number.isFinite(v)) {
        s += (series.y[0][i] - v) ** 2;
        n++;
      }
    });
    const noise = Math.sqrt(s / n);
    expect(f.gaussian!.noiseSd[0]).toBeCloseTo(noise, 12);
    const q90 = f.quantiles!.find((q) => q.level === 0.9)!.values[0];
    q90.forEach((v, i) => expect(v - one[i]).toBeCloseTo(normalQuantile(0.9) * noise, 10));
  });

  it('of different seeds: the mean and spread of the members, quantiles increasing in level, a saved form that reloads to the same bits', async () => {
    const members = await Promise.all([0, 1, 2].map(fitLstm));
    const ens = ensembleOf(members, [0, 1, 2], series);
    const f = ens.forecast(times, series);
    const means = members.map((m) => m.forecast(times, series).mean[0]);
    for (let i = 0; i < times.length; i++) {
      const mu = (means[0][i] + means[1][i] + means[2][i]) / 3;
      const sd = Math.sqrt(means.reduce((v, m) => v + (m[i] - mu) ** 2, 0) / 3);
      expect(f.mean[0][i]).toBeCloseTo(mu, 12);
      expect(f.gaussian!.signalSd[0][i]).toBeCloseTo(sd, 12);
      for (let k = 1; k < f.quantiles!.length; k++) expect(f.quantiles![k].values[0][i]).toBeGreaterThan(f.quantiles![k - 1].values[0][i]);
    }
    expect(f.gaussian!.signalSd[0].some((v) => v > 0)).toBe(true);
    expect(ens.nParams).toBe(3 * members[0].nParams);
    expect(ens.describe()).toMatchObject({ parameters: ens.nParams, ensemble: { members: 3, seeds: [0, 1, 2] } });

    const json = JSON.stringify(ens.toJSON());
    const back = loadModel(json).model.forecast(times, series);
    expect(back.mean[0]).toEqual(f.mean[0]);
    expect(back.quantiles![2].values[0]).toEqual(f.quantiles![2].values[0]);

    const saved = JSON.parse(json);
    const damage = (edit: (s: typeof saved) => void) => {
      const s = structuredClone(saved);
      edit(s);
      return () => loadModel(s, 'ens.json');
    };
    expect(damage((s) => s.ensemble.seeds.pop())).toThrow(/ensemble\.seeds: has 2 seeds for 3 members/);
    expect(damage((s) => (s.ensemble.members[1].family = 'gru'))).toThrow(/ensemble\.members\[1\]\.family/);
    expect(damage((s) => (s.ensemble.noiseSd = [1, 2]))).toThrow(DataError);
    expect(damage((s) => (s.ensemble.members[0].params[0] = 'x'))).toThrow(/ens\.json \(ensemble\.members\[0\]\)/);
    // Any field of the block set to an odd value: a LawfulError naming the file, or a model that forecasts finite numbers.
    const odd: unknown[] = [null, -1, 1.5, 'x', [], {}, 1e308, [0.1]];
    const fields: ((s: typeof saved, v: unknown) => void)[] = [
      (s, v) => (s.ensemble = v),
      (s, v) => (s.ensemble.seeds = v),
      (s, v) => (s.ensemble.seeds[1] = v),
      (s, v) => (s.ensemble.noiseSd = v),
      (s, v) => (s.ensemble.noiseSd[0] = v),
      (s, v) => (s.ensemble.members = v),
      (s, v) => (s.ensemble.members[0] = v),
      (s, v) => (s.ensemble.members[1].config = v),
    ];
    for (const set of fields) {
      for (const v of odd) {
        let model;
        try {
          model = damage((s) => set(s, v))().model;
        } catch (e) {
          expect(e).toBeInstanceOf(LawfulError);
          expect((e as Error).message).toContain('ens.json');
          continue;
        }
        expect(model.forecast(times, series).mean[0].every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('in an experiment: one fit per member for families trained from random weights, none for the others', async () => {
    const names: string[] = [];
    const split = { trainFrom: 0, trainUntil: 10, until: 12 };
    const train: Series = { t: t.subarray(0, 201), y: [series.y[0].subarray(0, 201)], names: ['y'] };
    const jobs = ['lstm', 'persistence'].map((family) => ({ name: family, spec: { family, config: { ...getFamily(family).defaults, ...getFamily(family).quick } }, train, seed: 4 }));
    const run = await runExperiment({ jobs, observed: series, truth: series, split, ensemble: 3, onDone: (job) => names.push(job.name) });
    expect(names.sort()).toEqual(['lstm [seed 4]', 'lstm [seed 5]', 'lstm [seed 6]', 'persistence']);
    const [l, p] = run.models;
    expect(l.describe.ensemble).toMatchObject({ members: 3, seeds: [4, 5, 6] });
    expect(l.metrics.intervals).toBe('model');
    expect(l.metrics.coverage!['80']).toBeGreaterThanOrEqual(0);
    expect(p.describe.ensemble).toBeUndefined();
    expect(run.saved[0].ensemble!.members).toHaveLength(2);
  });

  it('a scenario that fits outside the experiment refuses an ensemble rather than ignoring it', async () => {
    await expect(hnnScenario.run({ seed: 0, noise: 0, ensemble: 3 })).rejects.toThrow(ConfigError);
    await expect(hnnScenario.run({ seed: 0, noise: 0, ensemble: 3 })).rejects.toThrow(/trains no ensembles/);
  });
});
