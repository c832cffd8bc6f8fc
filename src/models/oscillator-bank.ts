/**
 * The oscillator bank: K coupled damped oscillators as a model family (issue 3),
 *
 *   x_i'' = −ω_i² x_i − γ_i x_i' − Σ_j L_ij x_j     (or −ω_i² sin x_i with `nonlinear`)
 *   y_c   = Σ_i W_ci x_i + b_c,
 *
 * with L the Laplacian of non-negative couplings, latent state z = [x, x'] (2K), fitted
 * initial state z(t₀) at the window's first sample. Stable by construction (params.ts),
 * initialised from ESPRIT modes and polished by Levenberg–Marquardt or L-BFGS, guarded
 * against cancelling oscillators (oscillator-bank/fit.ts).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ConfigError, DataError, DivergenceError } from '../core/errors.js';
import { LAWFUL_VERSION } from '../core/version.js';
import { uniformStep, type Series } from '../data/series.js';
import { FitDivergedError } from './base.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { fitBank } from './oscillator-bank/fit.js';
import { BankLayout } from './oscillator-bank/params.js';
import { simulateBank } from './oscillator-bank/simulate.js';
import { checkConfig, DEFAULTS, type OscillatorBankConfig } from './oscillator-bank/config.js';
import { fitModeAmplitudes } from './spectral/esprit.js';


export type { OscillatorBankConfig } from './oscillator-bank/config.js';

interface BankState {
  config: OscillatorBankConfig;
  lay: BankLayout;
  theta: Float64Array;
  t0: number;
  dt: number;
  until: number;
  names: string[];
}

const f5 = (x: number) => Number(x.toPrecision(5));

function bank(s: BankState): Fitted {
  const { lay, theta, config } = s;
  const K = lay.K;
  const h = s.dt / config.substeps;
  const forecast = (times: Float64Array) => {
    const order = Array.from(times.keys()).sort((a, b) => times[a] - times[b]);
    const tau = Float64Array.from(order, (i) => times[i] - s.t0);
    const sim = simulateBank(lay, theta, tau, config.nonlinear, h);
    const mean = sim.map((ch) => {
      const m = new Float64Array(times.length);
      order.forEach((i, k) => (m[i] = ch[k]));
      return m;
    });
    return mean;
  };
  return {
    family: 'oscillator-bank',
    nParams: lay.size,
    inWindowMode: 'simulated',
    forecast(times: Float64Array) {
      return { t: times, mean: forecast(times) };
    },
    describe() {
      const n = 2 * K;
      const A = new Float64Array(n * n);
      lay.matrix(theta, A, new Float64Array(K * K));
      const evd = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n)))));
      const lambdas = evd.realEigenvalues
        .map((re, k) => ({ re, im: evd.imaginaryEigenvalues[k] }))
        .filter((l) => l.im > 1e-12)
        .sort((a, b) => a.im - b.im);
      // Amplitudes in the observed channels: project the model's own in-window output on its modes.
      const m = Math.max(4 * n + 1, Math.round((s.until - s.t0) / s.dt) + 1);
      const tt = Float64Array.from({ length: m }, (_, i) => s.t0 + ((s.until - s.t0) * i) / (m - 1));
      const amp = fitModeAmplitudes(tt, forecast(tt), lambdas, true, 'frequency');
      const omega = Array.from({ length: K }, (_, i) => f5(lay.omegaOf(theta, i)));
      const gamma = Array.from({ length: K }, (_, i) => f5(lay.gammaOf(theta, i)));
      const couplings = Array.from({ length: lay.nPairs }, (_, p) => ({ i: lay.pairI[p] + 1, j: lay.pairJ[p] + 1, strength: f5(lay.couplingOf(theta, p)) }));
      const x = (i: number) => `x${i + 1}`;
      const equations = Array.from({ length: K }, (_, i) => {
        const springs = couplings.filter((c) => c.i === i + 1 || c.j === i + 1).map((c) => ` − ${c.strength}·(${x(i)} − ${x((c.i === i + 1 ? c.j : c.i) - 1)})`);
        const restoring = config.nonlinear ? `sin ${x(i)}` : x(i);
        return `${x(i)}'' = −${omega[i]}²·${restoring} − ${gamma[i]}·${x(i)}'${springs.join('')}`;
      });
      s.names.forEach((name, c) => {
        const terms = Array.from({ length: K }, (_, i) => `${f5(theta[lay.W + c * K + i])}·${x(i)}`);
        equations.push(`${name} = ${terms.join(' + ')} + ${f5(theta[lay.offset + c])}`);
      });
      return {
        family: 'oscillator-bank',
        parameters: lay.size,
        equations,
        modes: amp.modes
          .sort((a, b) => a.frequency - b.frequency)
          .map((md) => ({ frequency: md.frequency, decay: md.decay, amplitude: md.channels.map((c) => c.amplitude) })),
        modesNote: config.nonlinear
          ? 'normal modes of the bank linearised about rest (small angles); amplitudes of the model output on them'
          : 'normal modes: eigenvalues −decay ± i·frequency of the fitted system matrix; amplitude per observed channel at the window start',
        oscillators: omega.map((w, i) => ({ omega: w, gamma: gamma[i] })),
        couplings,
        caveat:
          s.names.length === 1
            ? 'One observed channel identifies the normal modes (frequency, decay, amplitude), not each oscillator’s natural frequency and coupling: many (ω, γ, coupling) sets give the same modes. Compare modes, not ω.'
            : 'Per-oscillator frequencies and couplings are identified only as far as the observed channels resolve them; the normal modes are the robust summary.',
      };
    },
    toJSON(): SavedModel {
      return {
        format: 'lawful-model',
        version: 1,
        lawful: LAWFUL_VERSION,
        family: 'oscillator-bank',
        config: { ...config },
        layout: lay.layout.map((b) => ({ ...b, shape: [...b.shape] })),
        params: Array.from(theta),
        extra: { t0: s.t0, dt: s.dt },
        training: { from: s.t0, until: s.until, channels: [...s.names] },
      };
    },
  };
}

export const oscillatorBankFamily: ModelFamily<OscillatorBankConfig> = {
  family: 'oscillator-bank',
  capabilities: { uniformGrid: true, relativeCost: 2, reports: ['modes'], referenceVariants: (config, s) => s.sizes.map((K) => ({ suffix: `K=${K}`, config: { ...config, oscillators: K, nonlinear: s.nonlinear } })) },
  description: 'K coupled damped oscillators (stable by construction), ESPRIT-initialised, fitted by Levenberg–Marquardt / L-BFGS through the exact propagator.',
  defaults: DEFAULTS,
  check: checkConfig,
  async fit(spec: ModelSpec<OscillatorBankConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
    const config: OscillatorBankConfig = { ...DEFAULTS, ...spec.config };
    checkConfig(config);
    if (train.y.length === 0) throw new DataError('oscillator-bank needs at least one channel');
    const dt = uniformStep(train.t, 'the training window');
    const N = train.t.length;
    if (N < 4 * config.oscillators + 4) throw new DataError(`oscillator-bank with K = ${config.oscillators} needs at least ${4 * config.oscillators + 4} samples, got ${N}`);
    train.y.forEach((ch, c) => {
      const bad = ch.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new DataError(`channel ${train.names[c]} has a non-finite value at sample ${bad} (t = ${train.t[bad]})`);
    });
    const state = (lay: BankLayout, theta: Float64Array): BankState => ({ config, lay, theta, t0: train.t[0], dt, until: train.t[N - 1], names: [...train.names] });
    try {
      const r = await fitBank(train.t, train.y, dt, config, opts);
      return bank(state(r.lay, r.theta));
    } catch (e) {
      // Keep the last good state: the last finite iterate of the optimiser that broke.
      const lay = new BankLayout(config.oscillators, train.y.length);
      if (e instanceof DivergenceError && e.lastGood?.length === lay.size && e.lastGood.every(Number.isFinite)) {
        throw new FitDivergedError(e, bank(state(lay, e.lastGood)).toJSON());
      }
      throw e;
    }
  },
  load(saved: SavedModel): Fitted {
    if (saved.family !== 'oscillator-bank') throw new ConfigError(`expected an oscillator-bank model, got ${saved.family}`, 'family');
    const config: OscillatorBankConfig = { ...DEFAULTS, ...(saved.config as Partial<OscillatorBankConfig>) };
    const W = saved.layout.find((b) => b.name === 'W');
    const C = W ? W.shape[0] : 1;
    const lay = new BankLayout(config.oscillators, C);
    if (saved.params.length !== lay.size) throw new DataError(`oscillator-bank K = ${lay.K} expects ${lay.size} parameters, the saved model has ${saved.params.length}`);
    const extra = saved.extra as { t0: number; dt: number };
    return bank({
      config,
      lay,
      theta: Float64Array.from(saved.params),
      t0: extra.t0,
      dt: extra.dt,
      until: saved.training?.until ?? extra.t0,
      names: saved.training?.channels ?? Array.from({ length: C }, (_, c) => `y${c}`),
    });
  },
};
