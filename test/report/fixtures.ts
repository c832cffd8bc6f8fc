/** Shared inputs of the report tests: the reference experiment's shape, synthetic numbers. */
import type { FigureInput } from '../../src/report/specs.js';
import type { Results } from '../../src/report/results.js';

/** Sum of four damped modes on [0, 30], dt = 0.01 (the shape of bench/bank/task.py). */
export function pendulumFigureInput(): FigureInput {
  const n = 3001;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = i * 0.01;
  const w = [1.24453, 1.70884, 2.26421, 2.9269];
  const g = [0.0222, 0.0237, 0.0191, 0.0209];
  const amp = [0.68, 0.64, 0.77, 0.24];
  const truth = t.map((ti) => w.reduce((s, wk, k) => s + amp[k] * Math.exp(-g[k] * ti) * Math.cos(wk * ti + k), 0));
  const bank = truth.map((v, i) => v + 1e-6 * Math.sin(t[i]));
  // An LSTM-like forecast: exact in the window (NaN during its 1 s warm-up), exploding after it.
  const lstm = t.map((ti, i) => (ti < 1 ? NaN : ti <= 10 ? truth[i] : truth[i] + Math.exp(2 * (ti - 10))));
  return {
    t,
    truth,
    channel: 'y',
    split: { trainFrom: 0, trainUntil: 10, until: 30 },
    models: [
      { name: 'oscillator-bank K=4', prediction: bank, nrmseOut: 0.0342 },
      { name: 'LSTM', prediction: lstm, nrmseOut: Infinity },
    ],
  };
}

/** A valid results.json record with two models, one of which diverged. */
export function exampleResults(): Results {
  return {
    schema: 1,
    lawful: '0.1.0',
    command: 'demo',
    seed: 0,
    config: { system: 'coupled-pendulums', n: 4, models: ['oscillator-bank', 'lstm'] },
    data: { source: 'simulated:coupled-pendulums', fingerprint: `sha256:${'ab'.repeat(32)}`, truth: 'clean' },
    split: { trainFrom: 0, trainUntil: 10, until: 30 },
    models: [
      {
        name: 'oscillator-bank K=4',
        family: 'oscillator-bank',
        parameters: 27,
        metrics: {
          rmseIn: 4.8e-9, nrmseIn: 6.2e-9, inWindowMode: 'simulated', nrmseInFreeRun: 6.2e-9,
          rmseOut: 4.4e-8, nrmseOut: 5.6e-8, validPredictionTime: 30, fitSeconds: 0.23,
        },
        describe: { equations: ["x1'' = -2.2e-2 x1' - 1.55 x1"], modes: [1.24453, 1.70884] },
      },
      {
        name: 'LSTM',
        family: 'lstm',
        parameters: 17217,
        metrics: {
          rmseIn: 0.00156, nrmseIn: 0.002, inWindowMode: 'one-step', nrmseInFreeRun: 0.35,
          rmseOut: Infinity, nrmseOut: NaN, validPredictionTime: 10.64, fitSeconds: 144,
        },
        describe: { hidden: 64 },
      },
    ],
  };
}
