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
import { DataError, DivergenceError, throwIfAborted } from '../core/errors.js';
import { uniformStep, type Series } from '../data/series.js';
import { FitDivergedError } from './base.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { chooseOscillators } from './oscillator-bank/choose-k.js';
import { fitBank } from './oscillator-bank/fit.js';
import { BankLayout } from './oscillator-bank/params.js';
import { bankTrajectoryModel } from './oscillator-bank/trajectory.js';
import { trajectorySimulator } from './trajectory/paths.js';
import { readSavedBank, type BankSaved } from './oscillator-bank/saved.js';
import { checkConfig, DEFAULTS, type OscillatorBankConfig, type OscillatorBankOptions } from './oscillator-bank/config.js';
import { savedHeader } from './saved.js';
import { fitModeAmplitudes } from './spectral/esprit.js';
import { gaussianQuantiles } from '../core/normal.js';
import { bankEstimates, bankSignalSpread, bankUncertainty, modeEstimates, type BankSimulate } from './oscillator-bank/uncertainty.js';

export type { OscillatorBankConfig, OscillatorBankOptions } from './oscillator-bank/config.js';

type BankState = BankSaved;

const f5 = (x: number) => Number(x.toPrecision(5));

/** Share of the modes' energy below which a mode is reported as negligible. */
const NEGLIGIBLE_SHARE = 0.01;
/** Couplings below this fraction of the largest ω² are printed as 0 (numerically absent). */
const COUPLING_TOLERANCE = 1e-6;

function bank(s: BankState): Fitted {
  const { lay, theta, config } = s;
  const K = lay.K;
  // Forecasts go through the trajectory layer, which hands them to the bank's fast path.
  const simulate = bankSimulate(s);
  /** `simulated` at any order of times: sorted for the simulator, handed back in the caller's order. */
  const inOrder = (times: Float64Array, simulated: (sorted: Float64Array) => Float64Array[]) => {
    const order = Array.from(times.keys()).sort((a, b) => times[a] - times[b]);
    const sim = simulated(Float64Array.from(order, (i) => times[i]));
    return sim.map((ch) => {
      const m = new Float64Array(times.length);
      order.forEach((i, k) => (m[i] = ch[k]));
      return m;
    });
  };
  const forecast = (times: Float64Array) => inOrder(times, (sorted) => simulate(theta, sorted));
  return {
    family: 'oscillator-bank',
    nParams: lay.size,
    inWindowMode: 'simulated',
    forecast(times: Float64Array) {
      const mean = forecast(times);
      const u = s.uncertainty;
      if (!u) return { t: times, mean };
      const signalSd = inOrder(times, (sorted) => bankSignalSpread(simulate, lay, theta, u, sorted));
      const total = signalSd.map((sd, c) => sd.map((v) => Math.hypot(v, u.noiseSd[c])));
      return { t: times, mean, quantiles: gaussianQuantiles(mean, total), gaussian: { signalSd, noiseSd: [...u.noiseSd] } };
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
      const tiny = COUPLING_TOLERANCE * Math.max(...omega.map((w) => w * w));
      const couplings = Array.from({ length: lay.nPairs }, (_, p) => {
        const c = lay.couplingOf(theta, p);
        return { i: lay.pairI[p] + 1, j: lay.pairJ[p] + 1, strength: c < tiny ? 0 : f5(c) };
      });
      const shares = modeShares(tt, amp);
      const x = (i: number) => `x${i + 1}`;
      const equations = Array.from({ length: K }, (_, i) => {
        const springs = couplings.filter((c) => c.strength > 0 && (c.i === i + 1 || c.j === i + 1)).map((c) => ` − ${c.strength}·(${x(i)} − ${x((c.i === i + 1 ? c.j : c.i) - 1)})`);
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
          .map((md, k) => ({ frequency: md.frequency, decay: md.decay, amplitude: md.channels.map((c) => c.amplitude), share: shares[k], negligible: shares[k] < NEGLIGIBLE_SHARE }))
          .sort((a, b) => a.frequency - b.frequency),
        sharesNote: `share: the mode's part of the modes' total energy over the training window (shares sum to 1); negligible below ${NEGLIGIBLE_SHARE * 100}%`,
        ...(s.kChoice ? { oscillatorChoice: structuredClone(s.kChoice) } : {}),
        ...(s.uncertainty
          ? {
              estimates: [...modeEstimates(lay, theta, s.uncertainty), ...bankEstimates(lay, theta, s.uncertainty)],
              estimatesNote:
                'sandwich (Gauss–Newton with a Newey–West long-run variance of the residuals) standard errors at the optimum; 95% intervals; null where the data do not determine the parameter (see unidentified)',
              intervalsNote:
                'forecast bands: the clean signal’s spread is the parameters’ (linearised) with the in-window discrepancy (residual beyond the noise) added, at most √2 × the window’s standard deviation; a new observation adds the noise estimated from the data’s differences',
              noise: { observation: s.uncertainty.noiseSd.map(f5), ...(s.uncertainty.discrepancySd ? { discrepancy: s.uncertainty.discrepancySd.map(f5) } : {}) },
              unidentified: structuredClone(s.uncertainty.unidentified),
            }
          : {}),
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
        ...savedHeader('oscillator-bank'),
        config: { ...config },
        layout: lay.layout.map((b) => ({ ...b, shape: [...b.shape] })),
        params: Array.from(theta),
        extra: { t0: s.t0, dt: s.dt, ...(s.kChoice ? { kChoice: structuredClone(s.kChoice) } : {}), ...(s.uncertainty ? { uncertainty: structuredClone(s.uncertainty) } : {}) },
        training: { from: s.t0, until: s.until, channels: [...s.names] },
      };
    },
  };
}

/** The bank's simulator at sorted times, through the trajectory layer (its fast path). */
function bankSimulate(s: BankState): BankSimulate {
  const simulator = trajectorySimulator(bankTrajectoryModel(s.lay, { nonlinear: s.config.nonlinear, substeps: s.config.substeps, dt: s.dt }), s.t0);
  return (theta, times) => simulator.simulate(theta, times);
}

/**
 * Each mode's share of the modes' total energy over the window at `t` (Σ over samples and
 * channels of the mode's own signal squared), so the shares sum to 1. The model output
 * itself is not needed: the amplitudes were fitted to it.
 */
function modeShares(t: Float64Array, amp: ReturnType<typeof fitModeAmplitudes>): number[] {
  const energy = amp.modes.map((md) => {
    let e = 0;
    for (const a of md.channels) {
      for (let i = 0; i < t.length; i++) {
        const s = t[i] - amp.t0;
        e += (a.amplitude * Math.exp(-md.decay * s) * Math.cos(md.frequency * s + a.phase)) ** 2;
      }
    }
    return e;
  });
  const total = energy.reduce((a, e) => a + e, 0);
  return energy.map((e) => (total > 0 ? Number((e / total).toPrecision(4)) : 0));
}

export const oscillatorBankFamily: ModelFamily<OscillatorBankOptions> = {
  family: 'oscillator-bank',
  capabilities: { uniformGrid: true, relativeCost: 2, reports: ['modes'], referenceVariants: (config, s) => s.sizes.map((K) => ({ suffix: `K=${K}`, config: { ...config, oscillators: K, nonlinear: s.nonlinear } })) },
  description: 'K coupled damped oscillators (stable by construction), ESPRIT-initialised, fitted by Levenberg–Marquardt / L-BFGS through the exact propagator; K chosen from the data unless given.',
  defaults: DEFAULTS,
  quick: { oscillators: 'auto', maxOscillators: 3, restarts: 1, maxIterations: 30 },
  check: checkConfig,
  async fit(spec: ModelSpec<OscillatorBankOptions>, train: Series, opts: FitOptions): Promise<Fitted> {
    const options: OscillatorBankOptions = { ...DEFAULTS, ...spec.config };
    checkConfig(options);
    throwIfAborted(opts.signal);
    if (train.y.length === 0) throw new DataError('oscillator-bank needs at least one channel');
    const dt = uniformStep(train.t, 'the training window');
    const N = train.t.length;
    train.y.forEach((ch, c) => {
      const bad = ch.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new DataError(`channel ${train.names[c]} has a non-finite value at sample ${bad} (t = ${train.t[bad]})`);
    });
    if (options.oscillators === 'auto') opts.onProgress?.({ fraction: 0, stage: `choosing K ≤ ${options.maxOscillators} (BIC of ESPRIT fits)` });
    const kChoice = options.oscillators === 'auto' ? chooseOscillators(train.t, train.y, options.maxOscillators) : undefined;
    const config: OscillatorBankConfig = { ...options, oscillators: kChoice?.K ?? (options.oscillators as number) };
    if (N < 4 * config.oscillators + 4) throw new DataError(`oscillator-bank with K = ${config.oscillators} needs at least ${4 * config.oscillators + 4} samples, got ${N}`);
    const state = (lay: BankLayout, theta: Float64Array): BankState => ({ config, lay, theta, t0: train.t[0], dt, until: train.t[N - 1], names: [...train.names], kChoice });
    try {
      const r = await fitBank(train.t, train.y, dt, config, opts);
      const fitted = state(r.lay, r.theta);
      opts.onProgress?.({ fraction: 1, stage: 'Gauss–Newton covariance' });
      return bank({ ...fitted, uncertainty: bankUncertainty(bankSimulate(fitted), r.lay, r.theta, train) });
    } catch (e) {
      // Keep the last good state: the last finite iterate of the optimiser that broke.
      const lay = new BankLayout(config.oscillators, train.y.length);
      if (e instanceof DivergenceError && e.lastGood?.length === lay.size && e.lastGood.every(Number.isFinite)) {
        throw new FitDivergedError(e, bank(state(lay, e.lastGood)).toJSON());
      }
      throw e;
    }
  },
  load(saved: SavedModel, source?: string): Fitted {
    return bank(readSavedBank(saved, source));
  },
};
