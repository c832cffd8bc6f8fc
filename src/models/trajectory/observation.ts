/**
 * Observation maps of trajectory models: what is measured of the latent state, y = h(z, φ),
 * with its vector–Jacobian product, so the layer's loss can be differentiated through it.
 * Same conventions as a term (ode/term.ts): `observe` overwrites, `vjp` accumulates.
 */
import { ConfigError } from '../../core/errors.js';

export interface ObservationMap {
  /** Length of the latent state z. */
  readonly stateDim: number;
  /** Observed channels C. */
  readonly channels: number;
  /** Length of the observation's parameters φ. */
  readonly nParams: number;
  /** Writes h(z, φ) into `y` (length `channels`). */
  observe(z: Float64Array, phi: Float64Array, y: Float64Array): void;
  /** Accumulates gᵀ ∂h/∂z into `dz` and gᵀ ∂h/∂φ into `dPhi`, for g = ∂ℓ/∂y (length `channels`). */
  vjp(z: Float64Array, phi: Float64Array, g: Float64Array, dz: Float64Array, dPhi: Float64Array): void;
}

/** Options of {@link linearObservation}. */
export interface LinearObservationOptions {
  /** Length of the latent state z. @example 4 */
  stateDim: number;
  /** Observed channels C. Default 1. */
  channels?: number;
  /**
   * The observation reads only the first `observed` entries of z (the positions of a
   * second-order system z = [x, x′], say). Default `stateDim` (all of z).
   */
  observed?: number;
}

/**
 * y = W z[0 : m] + b with φ = [W (C × m, row-major), b (C)]: the usual linear read-out
 * (the oscillator bank's, with m = K positions of z = [x, x′]).
 */
export function linearObservation(opts: LinearObservationOptions): ObservationMap {
  const n = opts.stateDim;
  const C = opts.channels ?? 1;
  const m = opts.observed ?? n;
  if (!(Number.isInteger(n) && n >= 1)) throw new ConfigError(`must be a positive integer; got ${n}`, 'stateDim');
  if (!(Number.isInteger(C) && C >= 1)) throw new ConfigError(`must be a positive integer; got ${C}`, 'channels');
  if (!(Number.isInteger(m) && m >= 1 && m <= n)) throw new ConfigError(`must be an integer in [1, stateDim = ${n}]; got ${m}`, 'observed');
  const bAt = C * m;
  return {
    stateDim: n,
    channels: C,
    nParams: C * m + C,
    observe(z, phi, y) {
      for (let c = 0; c < C; c++) {
        let s = phi[bAt + c];
        for (let i = 0; i < m; i++) s += phi[c * m + i] * z[i];
        y[c] = s;
      }
    },
    vjp(z, phi, g, dz, dPhi) {
      for (let c = 0; c < C; c++) {
        const gc = g[c];
        dPhi[bAt + c] += gc;
        for (let i = 0; i < m; i++) {
          dz[i] += gc * phi[c * m + i];
          dPhi[c * m + i] += gc * z[i];
        }
      }
    },
  };
}
