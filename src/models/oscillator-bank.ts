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
import { ConfigError, DataError } from '../core/errors.js';
import { LAWFUL_VERSION } from '../core/version.js';
import type { Series } from '../data/series.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { fitBank } from './oscillator-bank/fit.js';
import { BankLayout } from './oscillator-bank/params.js';
import { simulateBank } from './oscillator-bank/simulate.js';
import { fitModeAmplitudes } from './spectral/esprit.js';
import { uniformStep } from './spectral/periodogram.js';

export interface OscillatorBankConfig {
  /** Number of oscillators K (latent state 2K). Default 4. */
  oscillators: number;
  /** Pendulum bank: −ω² sin x instead of −ω² x, stepped by RK4 (no exact propagator). Default false. */
  nonlinear: boolean;
  /** RK4 steps per sampling interval for the nonlinear bank. Default 1. */
  substeps: number;
  /**
   * How W and b are found: 'projected' solves them by least squares for every trajectory
   * (variable projection; the optimiser sees only the dynamics), 'learned' optimises them
   * with everything else. Default 'projected'.
   */
  observation: 'projected' | 'learned';
  /**
   * Starts tried: the pure ESPRIT start and `restarts − 1` seeded perturbations, each fitted
   * on the first (1 − holdout) of the window and scored on its forecast of the rest (every
   * iterate is scored, the unpolished start included, and the best kept). Skipped when the
   * ESPRIT start already reproduces the head and its tail to NRMSE 1e-6. 1 skips the held-out
   * selection. Default 3.
   */
  restarts: number;
  /**
   * Fraction of the window held out to choose among restarts and to stop their polishing
   * early. Default 0.3: a 2 s tail (0.2) is dominated by the weak modes a small bank leaves
   * out and cannot see a drift that only grows beyond it.
   */
  holdout: number;
  /** Scale of the restarts' perturbations (log-frequency sd; others scaled from it). Default 0.01. */
  perturbation: number;
  /** Iteration cap per fit (L-BFGS iterations plus Levenberg–Marquardt Jacobians). Default 500. */
  maxIterations: number;
  /** Adam step cap, used only from a poor start. Default 1000. */
  adamSteps: number;
  /** Adam's initial learning rate (cosine schedule to 0). Default 0.01. */
  adamLr: number;
  /**
   * Adam runs first only when the start's NRMSE exceeds this. Default 0.3: an ESPRIT start
   * sits at the noise level, so the reference's 1e-2 would send every noisy fit (5% noise:
   * start NRMSE 0.07) through thousands of Adam steps that L-BFGS does not need.
   */
  adamThreshold: number;
  /** Adam hands over to L-BFGS below this NRMSE. Default 1e-3. */
  adamStop: number;
  /** L-BFGS stops after 3 iterations in a row that lower the loss by less than relTol·loss. Default 1e-4. */
  relTol: number;
  /**
   * Weight κ of the penalty on cancelling oscillators: each fit adds λ Σ_i ‖W_i x_i‖² / (N·var y)
   * (every oscillator's contribution energy, invariant to its scale) with λ = κ × the start's
   * squared NRMSE. Without it a bank with too few oscillators can trade the modes it should
   * carry for two near-degenerate oscillators with huge cancelling weights — a beat that fits
   * the window a little better and explodes beyond it. Default 0.03 (measured on the demo
   * signal with 5% noise: 0 lets K = 2 and K = 4 cancel into beats with beyond-window NRMSE
   * 3–6; 0.01–0.03 keeps every seed's amplitudes bounded); 0 turns it off.
   */
  cancellationPenalty: number;
}

const DEFAULTS: OscillatorBankConfig = {
  oscillators: 4,
  nonlinear: false,
  substeps: 1,
  observation: 'projected',
  restarts: 3,
  holdout: 0.3,
  perturbation: 0.01,
  maxIterations: 500,
  adamSteps: 1000,
  adamLr: 0.01,
  adamThreshold: 0.3,
  adamStop: 1e-3,
  relTol: 1e-4,
  cancellationPenalty: 0.03,
};

function checkConfig(c: OscillatorBankConfig): void {
  const int = (v: number, name: string, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new ConfigError(`must be an integer ≥ ${min}, got ${v}`, name);
  };
  int(c.oscillators, 'oscillators', 1);
  int(c.substeps, 'substeps', 1);
  int(c.restarts, 'restarts', 1);
  int(c.maxIterations, 'maxIterations', 0);
  int(c.adamSteps, 'adamSteps', 0);
  if (!(c.holdout > 0 && c.holdout < 0.5)) throw new ConfigError(`must be in (0, 0.5), got ${c.holdout}`, 'holdout');
  if (c.observation !== 'projected' && c.observation !== 'learned') {
    throw new ConfigError(`must be 'projected' or 'learned', got ${String(c.observation)}`, 'observation');
  }
}

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
  description: 'K coupled damped oscillators (stable by construction), ESPRIT-initialised, fitted by Levenberg–Marquardt / L-BFGS through the exact propagator.',
  defaults: DEFAULTS,
  async fit(spec: ModelSpec<OscillatorBankConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
    const config: OscillatorBankConfig = { ...DEFAULTS, ...spec.config };
    checkConfig(config);
    if (train.y.length === 0) throw new DataError('oscillator-bank needs at least one channel');
    const dt = uniformStep(train.t);
    const N = train.t.length;
    if (N < 4 * config.oscillators + 4) throw new DataError(`oscillator-bank with K = ${config.oscillators} needs at least ${4 * config.oscillators + 4} samples, got ${N}`);
    train.y.forEach((ch, c) => {
      const bad = ch.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new DataError(`channel ${train.names[c]} has a non-finite value at sample ${bad} (t = ${train.t[bad]})`);
    });
    const r = await fitBank(train.t, train.y, dt, config, opts);
    return bank({ config, lay: r.lay, theta: r.theta, t0: train.t[0], dt, until: train.t[N - 1], names: [...train.names] });
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
