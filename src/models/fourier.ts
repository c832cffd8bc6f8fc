/**
 * Fourier baseline: a sum of undamped sinusoids plus an offset per channel, with the
 * frequencies at the strongest peaks of the periodogram of the training window and the
 * amplitudes from linear least squares. The simple baseline a skeptic asks for: it
 * extrapolates periodic structure but knows nothing of damping or coupling, and it cannot
 * separate two frequencies closer than about 2π/T.
 */
import { z } from 'zod';
import { ConfigError, DataError, throwIfAborted } from '../core/errors.js';
import { leastSquares } from '../core/linalg.js';
import { gaussianQuantiles } from '../core/normal.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from './base.js';
import { uniformStep, type Series } from '../data/series.js';
import { checkLayout, checkParamCount, param, savedHeader, trainingSchema, validateSaved } from './saved.js';
import { periodogram, periodogramPeaks } from './spectral/periodogram.js';
import { quadraticForm, transformedEstimate, type ParameterEstimate, type Unidentified } from './uncertainty.js';
import { basisRow, fitUncertainty, gradient, refineFrequencies, type FourierUncertainty } from './fourier-least-squares.js';

/** Most sinusoids a Fourier model may have: a saved `terms` beyond it is damage. */
const MAX_TERMS = 1000;

export interface FourierConfig {
  /** Number of sinusoids (periodogram peaks) fitted. Default 4. */
  terms: number;
}

interface FourierState {
  /** Angular frequencies, rad/s. */
  omega: number[];
  /** Per channel: [offset, a_1, b_1, …, a_n, b_n] for offset + Σ a_k cos ω_k t + b_k sin ω_k t. */
  coef: number[][];
  names: string[];
  config: FourierConfig;
  training: { from: number; until: number };
  /**
   * The fit's Gauss–Newton uncertainty (absent in models saved before it existed): θ =
   * [ω, coef] (the saved params' order) is N(θ̂, (Σ_c J_cᵀJ_c/σ_c²)⁺) with J_c the Jacobian of
   * channel c's fit at the training times — the regression covariance of the coefficients
   * widened by the frequencies' own uncertainty, which dominates far beyond the window.
   */
  uncertainty?: FourierUncertainty;
}

function fitted(s: FourierState): Fitted {
  const P = 1 + 2 * s.omega.length;
  return {
    family: 'fourier',
    nParams: s.omega.length + s.coef.length * P,
    inWindowMode: 'simulated',
    forecast(times: Float64Array) {
      const row = new Float64Array(P);
      const mean = s.coef.map(() => new Float64Array(times.length));
      for (let i = 0; i < times.length; i++) {
        basisRow(s.omega, times[i], row, 0);
        for (let c = 0; c < s.coef.length; c++) {
          let v = 0;
          for (let j = 0; j < P; j++) v += row[j] * s.coef[c][j];
          mean[c][i] = v;
        }
      }
      const u = s.uncertainty;
      if (!u) return { t: times, mean };
      const M = Float64Array.from(u.covariance);
      const Q = s.omega.length + s.coef.length * P;
      const g = new Float64Array(Q);
      const signalSd = s.coef.map((_, c) =>
        times.map((t) => {
          gradient(s, c, t, g);
          return Math.sqrt(quadraticForm(M, g, Q));
        }),
      );
      const total = signalSd.map((sd, c) => sd.map((v) => Math.hypot(v, u.noiseSd[c])));
      return { t: times, mean, quantiles: gaussianQuantiles(mean, total), gaussian: { signalSd, noiseSd: [...u.noiseSd] } };
    },
    describe() {
      const sinusoids = s.omega.map((w, k) => ({
        frequency: w,
        period: (2 * Math.PI) / w,
        amplitude: s.coef.map((cf) => Math.hypot(cf[1 + 2 * k], cf[2 + 2 * k])),
      }));
      return {
        family: 'fourier',
        parameters: s.omega.length + s.coef.length * P,
        sinusoids,
        offset: s.coef.map((cf) => cf[0]),
        ...(s.uncertainty ? fourierParameters(s, s.uncertainty) : {}),
        equations: s.names.map((name, c) => `${name}(t) = ${fmt(s.coef[c][0])}${s.omega.map((w, k) => ` + ${fmt(Math.hypot(s.coef[c][1 + 2 * k], s.coef[c][2 + 2 * k]))}·cos(${fmt(w)}·t + ${fmt(Math.atan2(-s.coef[c][2 + 2 * k], s.coef[c][1 + 2 * k]))})`).join('')}`),
      };
    },
    toJSON(): SavedModel {
      return {
        ...savedHeader('fourier'),
        config: { ...s.config },
        layout: [
          { name: 'omega', offset: 0, shape: [s.omega.length] },
          { name: 'coef', offset: s.omega.length, shape: [s.coef.length, P] },
        ],
        params: [...s.omega, ...s.coef.flat()],
        training: { ...s.training, channels: [...s.names] },
        ...(s.uncertainty ? { extra: { uncertainty: structuredClone(s.uncertainty) } } : {}),
      };
    },
  };
}

/**
 * describe().estimates: the parameters with standard errors and 95% intervals: per channel the offset
 * and each sinusoid's amplitude √(a² + b²) (delta method from the coefficients' covariance;
 * interval on the amplitude, clipped at 0); frequencies come from the periodogram and carry none.
 */
function fourierParameters(s: FourierState, u: FourierUncertainty): { estimates: ParameterEstimate[]; unidentified: Unidentified[]; estimatesNote: string } {
  const nw = s.omega.length;
  const P = 1 + 2 * nw;
  const Q = nw + s.coef.length * P;
  const M = u.covariance;
  const undetermined = new Set(u.undetermined);
  const id = (x: number) => x;
  const one = () => 1;
  const parameters: ParameterEstimate[] = s.omega.map((w, k) => transformedEstimate(`ω${k + 1}`, w, undetermined.has(k) ? null : M[k * Q + k], id, one));
  s.coef.forEach((cf, c) => {
    const ch = s.names[c];
    const at = nw + c * P;
    parameters.push(transformedEstimate(`${ch} offset`, cf[0], undetermined.has(at) ? null : M[at * Q + at], id, one));
    s.omega.forEach((_, k) => {
      const ia = at + 1 + 2 * k;
      const ib = ia + 1;
      const a = cf[1 + 2 * k];
      const b = cf[2 + 2 * k];
      const A = Math.hypot(a, b);
      if (undetermined.has(ia) || undetermined.has(ib) || !(A > 0)) {
        parameters.push({ name: `${ch} amplitude ${k + 1}`, value: A, stderr: null, interval: null });
        return;
      }
      const ga = a / A;
      const gb = b / A;
      const se = Math.sqrt(Math.max(0, ga * ga * M[ia * Q + ia] + 2 * ga * gb * M[ia * Q + ib] + gb * gb * M[ib * Q + ib]));
      parameters.push({ name: `${ch} amplitude ${k + 1}`, value: A, stderr: se, interval: [Math.max(0, A - 1.959964 * se), A + 1.959964 * se] });
    });
  });
  return {
    estimates: parameters,
    unidentified: u.unidentified,
    estimatesNote: 'Gauss–Newton standard errors of the frequencies and coefficients jointly, σ from the residuals; 95% intervals (amplitudes clipped at 0)',
  };
}

/**
 * The saved form: `terms` sinusoids at most, layout [omega [n], coef [C, 1 + 2n]] with the
 * channels of the training block, positive frequencies, finite coefficients.
 */
const fourierSavedSchema = z
  .object({
    family: z.literal('fourier'),
    config: z.strictObject({ terms: z.number().int().min(1).max(MAX_TERMS) }),
    layout: z.array(z.object({ name: z.string(), offset: z.number().int(), shape: z.array(z.number().int()) })),
    params: z.array(param),
    training: trainingSchema,
    extra: z
      .strictObject({
        uncertainty: z.strictObject({
          covariance: z.array(param),
          noiseSd: z.array(z.number().nonnegative()),
          undetermined: z.array(z.number().int().nonnegative()),
          unidentified: z.array(z.strictObject({ combination: z.string(), relativeEigenvalue: z.number().nonnegative() })),
        }),
      })
      .optional(),
  })
  .loose()
  .superRefine((m, ctx) => {
    const nw = m.layout[0]?.shape[0];
    const C = m.training.channels.length;
    if (!(Number.isInteger(nw) && nw >= 1 && nw <= m.config.terms)) {
      ctx.addIssue({ code: 'custom', path: ['layout', 0, 'shape'], message: `must hold between 1 and config.terms = ${m.config.terms} frequencies` });
      return;
    }
    const expected = [
      { name: 'omega', offset: 0, shape: [nw] },
      { name: 'coef', offset: nw, shape: [C, 1 + 2 * nw] },
    ];
    const what = `a Fourier model of ${nw} sinusoids and ${C} channel${C > 1 ? 's' : ''}`;
    checkLayout(m.layout, expected, ctx, what);
    checkParamCount(m.params, nw + C * (1 + 2 * nw), ctx, what);
    for (let k = 0; k < nw && k < m.params.length; k++) {
      if (!(m.params[k] > 0)) ctx.addIssue({ code: 'custom', path: ['params', k], message: `frequency ${m.params[k]} is not positive` });
    }
    const u = m.extra?.uncertainty;
    if (u) {
      const P = nw + C * (1 + 2 * nw);
      if (u.covariance.length !== P * P) ctx.addIssue({ code: 'custom', path: ['extra', 'uncertainty', 'covariance'], message: `must hold ${P}×${P} = ${P * P} numbers for ${what}, got ${u.covariance.length}` });
      if (u.noiseSd.length !== C) ctx.addIssue({ code: 'custom', path: ['extra', 'uncertainty', 'noiseSd'], message: `must hold one number per channel (${C}), got ${u.noiseSd.length}` });
      const bad = u.undetermined.findIndex((i) => i >= P);
      if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['extra', 'uncertainty', 'undetermined', bad], message: `${u.undetermined[bad]} is not a parameter index below ${P}` });
    }
  });

function fmt(x: number): string {
  return Number(x.toPrecision(5)).toString();
}

export const fourierFamily: ModelFamily<FourierConfig> = {
  family: 'fourier',
  capabilities: { uniformGrid: true, relativeCost: 1 },
  description: 'Sum of sinusoids at the periodogram peaks of the training window, amplitudes by linear least squares.',
  defaults: { terms: 4 },
  quick: { terms: 2 },
  check(config: FourierConfig): void {
    if (!Number.isInteger(config.terms) || config.terms < 1) throw new ConfigError(`must be a positive integer, got ${config.terms}`, 'terms');
  },
  async fit(spec: ModelSpec<FourierConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
    const config = { ...fourierFamily.defaults, ...spec.config };
    fourierFamily.check!(config);
    throwIfAborted(opts.signal);
    const n = train.t.length;
    if (n < 2 * config.terms + 2) throw new DataError(`fourier with ${config.terms} terms needs at least ${2 * config.terms + 2} samples, got ${n}`);
    const dt = uniformStep(train.t, 'the training window');
    const T = train.t[n - 1] - train.t[0];
    const peaks = periodogramPeaks(periodogram(train.y, dt), config.terms, Math.PI / T);
    const omega = peaks.map((p) => p.omega).sort((a, b) => a - b);
    const P = 1 + 2 * omega.length;
    const B = new Float64Array(n * P);
    for (let i = 0; i < n; i++) basisRow(omega, train.t[i], B, i * P);
    const coef = train.y.map((yc) => Array.from(leastSquares(B, n, P, yc, { ridge: 1e-12 * n })));
    // The periodogram's peaks are near the least-squares frequencies, not at them: polish both jointly.
    const refined = refineFrequencies({ omega, coef, names: [...train.names] }, train.t, train.y);
    const order = refined.omega.map((_, k) => k).sort((a, b) => refined.omega[a] - refined.omega[b]);
    const st = {
      omega: order.map((k) => refined.omega[k]),
      coef: refined.coef.map((cf) => [cf[0], ...order.flatMap((k) => [cf[1 + 2 * k], cf[2 + 2 * k]])]),
      names: refined.names,
    };
    for (let i = 0; i < n; i++) basisRow(st.omega, train.t[i], B, i * P);
    return fitted({ ...st, config, training: { from: train.t[0], until: train.t[n - 1] }, uncertainty: fitUncertainty(st, train.t, B, train.y) });
  },
  load(saved: SavedModel, source?: string): Fitted {
    const m = validateSaved(fourierSavedSchema, saved, source);
    const nw = m.layout[0].shape[0];
    const [C, P] = m.layout[1].shape;
    return fitted({
      omega: m.params.slice(0, nw),
      coef: Array.from({ length: C }, (_, c) => m.params.slice(nw + c * P, nw + (c + 1) * P)),
      names: [...m.training.channels],
      config: { terms: m.config.terms },
      training: { from: m.training.from, until: m.training.until },
      ...(m.extra?.uncertainty ? { uncertainty: structuredClone(m.extra.uncertainty) } : {}),
    });
  },
};
