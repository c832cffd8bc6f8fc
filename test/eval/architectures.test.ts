// `lawful demo --scenario architectures`: one entry per family and training mode, named apart,
// each with its training mode's settings under the user's overrides; pendulum-only flags refused.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLLOUT, architecturesScenario } from '../../src/eval/scenarios/architectures.js';
import { getScenario } from '../../src/eval/scenarios/index.js';
import { esnFamily } from '../../src/models/esn.js';
import { mlpFamily } from '../../src/models/mlp.js';
import { lawfulInProcess } from '../cli/in-process.js';

const small = { maxSteps: 12, hidden: 4, evalEvery: 4, batch: 8, shares: 1, horizon: 40, horizonStart: 10 };

describe('architectures scenario', () => {
  it('fits the LSTM one step ahead and through its rollout, and the GRU through its rollout, as separate named entries', async () => {
    expect(getScenario('architectures')).toBe(architecturesScenario);
    expect(architecturesScenario.models()).toEqual(['oscillator-bank', 'lstm', 'gru', 'esn', 'nvar', 'mlp']);
    const run = await architecturesScenario.run({ seed: 0, noise: 0, models: ['lstm', 'gru', 'nvar'], configs: { lstm: small, gru: small }, settings: { seeds: 1 } });
    expect(run.results.models.map((m) => m.name)).toEqual(['lstm one-step', 'lstm rollout', 'gru rollout', 'nvar']);
    const by = Object.fromEntries(run.results.models.map((m) => [m.name, m]));
    expect(by['lstm one-step'].describe.training).toBe('one-step');
    expect(by['lstm rollout'].describe.training).toBe(ROLLOUT.training);
    expect(by['gru rollout'].family).toBe('gru');
    // The user's overrides win over the mode's settings (hidden 4, not the recipe's 32).
    expect(by['lstm rollout'].describe.hidden).toBe(4);
    for (const m of run.results.models) expect(Number.isFinite(m.metrics.nrmseInFreeRun), m.name).toBe(true);
  }, 120_000);

  it('fits each model with every seed and reports one entry per model: its first seed, with the spread over all', async () => {
    const configs = { esn: { ...esnFamily.quick }, mlp: { ...mlpFamily.quick } };
    const run = await architecturesScenario.run({ seed: 0, noise: 0, models: ['esn', 'mlp'], configs, settings: { seeds: 3 } });
    expect(run.results.models.map((m) => m.name)).toEqual(['esn', 'mlp one-step', 'mlp rollout']);
    expect(run.results.config.seeds).toBe(3);
    expect(run.predictions).toHaveLength(3);
    // Each seed's value is what a run with that seed alone gives (the ESN's reservoir is drawn from the seed).
    const alone = await Promise.all([0, 1, 2].map((seed) => architecturesScenario.run({ seed, noise: 0, models: ['esn'], configs: { esn: configs.esn }, settings: { seeds: 1 } })));
    const esn = run.results.models[0].metrics;
    const over = esn.overSeeds!;
    expect(over.seeds).toEqual([0, 1, 2]);
    expect(over.nrmseOut.values).toEqual(alone.map((r) => r.results.models[0].metrics.nrmseOut));
    expect(esn.nrmseOut).toBe(over.nrmseOut.values[0]);
    expect(over.validPredictionTime.values).toEqual(alone.map((r) => r.results.models[0].metrics.validPredictionTime));
    const v = over.validPredictionTime;
    expect(new Set(v.values).size).toBeGreaterThan(1);
    const mean = v.values.reduce((a, x) => a + x, 0) / 3;
    expect(v.mean).toBeCloseTo(mean, 12);
    const half = (4.303 * Math.sqrt(v.values.reduce((a, x) => a + (x - mean) ** 2, 0) / 2)) / Math.sqrt(3);
    expect(v.interval[1] - mean).toBeCloseTo(half, 12);
    expect(mean - v.interval[0]).toBeCloseTo(half, 12);
  }, 120_000);

  it('gives every model the same tuning budget, its trials recorded', async () => {
    const run = await architecturesScenario.run({ seed: 0, noise: 0, models: ['nvar', 'esn'], configs: { esn: { ...esnFamily.quick } }, settings: { seeds: 1, tune: 3 } });
    expect(run.results.config.tuningTrials).toBe(3);
    for (const m of run.results.models) {
      const tuning = m.describe.tuning as { trials: number; best: number; log: { options: Record<string, unknown>; score: number | null }[] };
      expect(tuning.log, m.name).toHaveLength(3);
      for (const [k, v] of Object.entries(tuning.log[tuning.best].options)) expect(m.describe[k], `${m.name}.${k}`).toEqual(v);
    }
  }, 120_000);

  it('refuses the pendulum scenario’s own flags', async () => {
    const r = await lawfulInProcess(['demo', '--scenario', 'architectures', '--oscillators', '3', '--out', join(mkdtempSync(join(tmpdir(), 'lawful-arch-')), 'out')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--oscillators.*belongs to the pendulums scenario/);
  });
});
