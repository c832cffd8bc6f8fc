// `lawful demo --scenario hnn` as a library call, with small networks so it runs in seconds:
// one results.json entry per task and family with the energy audit beside the usual metrics,
// the published table beside ours, and the papers' claim in the small: on the mass–spring
// the HNN keeps the energy far better than the same MLP predicting the derivatives, and the
// double pendulum is fitted by the LNN and the baseline only.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { readDataset } from '../../src/data/read.js';
import { hnnScenario } from '../../src/eval/scenarios/hnn.js';
import { invariantFigureSpec } from '../../src/report/conservation.js';

const small = { hidden: [32], steps: 400, lr: 1e-2 };

describe('the hnn scenario', () => {
  it('fits each task\'s families (HNN and baseline on three tasks, LNN and baseline on the double pendulum) and reports energyMse and energyDrift for each', async () => {
    const real = (await readDataset('real-pendulum')).trajectories[0].series;
    const run = await hnnScenario.run({ seed: 0, noise: 0, configs: { hnn: small, 'mlp-vector-field': small, lnn: { hidden: [16], steps: 300, lr: 1e-2 } }, settings: { datasets: { 'real-pendulum': real } } });
    const names = run.results.models.map((m) => m.name);
    expect(names).toEqual([...['mass-spring', 'ideal-pendulum', 'real-pendulum'].flatMap((t) => [`hnn ${t}`, `mlp-vector-field ${t}`]), 'mlp-vector-field double-pendulum', 'lnn double-pendulum']);
    for (const m of run.results.models) {
      // A network this small may not learn the double pendulum: its rollouts that fail are counted, the others scored.
      const failed = m.describe.auditFailedStarts as number;
      expect(failed === 0 || m.describe.task === 'double-pendulum', m.name).toBe(true);
      expect(Number.isFinite(m.metrics.energyMse), m.name).toBe(failed < 10);
      expect(Number.isFinite(m.metrics.energyDrift), m.name).toBe(failed < 10);
      expect(m.describe.integrator).toMatch(/dopri5/);
      // The error at the horizon is one of the errors the drift takes the largest of (the reference energy is constant there).
      if (m.describe.task !== 'real-pendulum' && failed === 0) expect(m.describe.finalEnergyError as number, m.name).toBeLessThanOrEqual(m.metrics.energyDrift! * (1 + 1e-12));
    }
    const lnn = run.results.models.find((m) => m.name === 'lnn double-pendulum')!;
    expect(lnn.family).toBe('lnn');
    expect(lnn.describe.state).toEqual(['q1', 'q2', 'w1', 'w2']);
    expect((lnn.describe.published as { energyDrift: number }).energyDrift).toBe(0.004);
    const byName = Object.fromEntries(run.results.models.map((m) => [m.name, m]));
    expect(byName['hnn mass-spring'].metrics.energyMse!).toBeLessThan(byName['mlp-vector-field mass-spring'].metrics.energyMse! / 5);
    expect(run.lines!.join('\n')).toMatch(/published/);
    expect(run.predictions).toHaveLength(8);
    expect(run.predictions[0][0]).toHaveLength(run.truth.t.length);
    expect(run.saved.map((s) => s.family)).toEqual(['hnn', 'mlp-vector-field', 'hnn', 'mlp-vector-field', 'hnn', 'mlp-vector-field', 'mlp-vector-field', 'lnn']);
    // The report's conservation figures: the drawn mass–spring's energy H = q² + p², one panel per model forecasting it.
    const [q, p] = run.truth.y;
    expect(run.invariant!.value(Float64Array.of(q[0], p[0]))).toBeCloseTo(q[0] ** 2 + p[0] ** 2, 12);
    const models = run.results.models.map((m, i) => ({ name: m.name, prediction: run.predictions[i] }));
    const spec = invariantFigureSpec(run.invariant!, run.truth, run.split, models) as unknown as { vconcat: { title: string }[] };
    expect(spec.vconcat.map((v) => v.title.split(' — ')[0])).toEqual(['hnn mass-spring', 'mlp-vector-field mass-spring']);
  }, 300_000);

  it('leaves the real pendulum out without its data, refuses a family it cannot fit, and runs only the tasks asked for', async () => {
    const run = await hnnScenario.run({ seed: 1, noise: 0.1, models: ['hnn'], configs: { hnn: { hidden: [4], steps: 5 } } });
    expect(run.results.models.map((m) => m.name)).toEqual(['hnn mass-spring', 'hnn ideal-pendulum']);
    expect(run.lines!.join('\n')).toMatch(/real-pendulum: left out/);
    await expect(hnnScenario.run({ seed: 0, noise: 0, models: ['lstm'] })).rejects.toThrow(ConfigError);
    const one = await hnnScenario.run({ seed: 1, noise: 0.1, models: ['hnn'], configs: { hnn: { hidden: [4], steps: 5 } }, settings: { tasks: ['ideal-pendulum'] } });
    expect(one.results.models.map((m) => m.name)).toEqual(['hnn ideal-pendulum']);
    expect(one.title).toMatch(/^ideal-pendulum/);
    await expect(hnnScenario.run({ seed: 0, noise: 0, settings: { tasks: ['triple-pendulum'] } })).rejects.toThrow(/"triple-pendulum"; the tasks are mass-spring, ideal-pendulum, double-pendulum/);
  }, 60_000);
});
