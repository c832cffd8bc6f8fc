/**
 * The Fourier model's least-squares pieces: the basis, the Jacobian of a channel's fit over
 * θ = [ω, coef], a Levenberg–Marquardt polish of the frequencies and coefficients jointly
 * (the periodogram's peaks are only near the least-squares frequencies), and the
 * Gauss–Newton covariance at the optimum.
 */
import { luFactor, luSolve } from '../core/linalg.js';
import { pseudoInverseCovariance, type Unidentified } from './uncertainty.js';

/** What the least-squares pieces read of a Fourier model. */
export interface FourierFit {
  /** Angular frequencies, rad/s. */
  omega: number[];
  /** Per channel: [offset, a_1, b_1, …, a_n, b_n]. */
  coef: number[][];
  names: string[];
}

export interface FourierUncertainty {
  /** Cov(θ), Q×Q row-major over θ = [ω (n), coef (C × (1 + 2n))]. */
  covariance: number[];
  /** Residual standard deviation per channel, RSS/(N − P). */
  noiseSd: number[];
  undetermined: number[];
  unidentified: Unidentified[];
}

export function basisRow(omega: number[], t: number, row: Float64Array, at: number): void {
  row[at] = 1;
  for (let k = 0; k < omega.length; k++) {
    row[at + 1 + 2 * k] = Math.cos(omega[k] * t);
    row[at + 2 + 2 * k] = Math.sin(omega[k] * t);
  }
}

/** ∂ŷ_c(t)/∂θ over θ = [ω, coef] into g (zero outside channel c's coefficients). */
export function gradient(s: FourierFit, c: number, t: number, g: Float64Array): void {
  const nw = s.omega.length;
  const P = 1 + 2 * nw;
  g.fill(0);
  const cf = s.coef[c];
  for (let k = 0; k < nw; k++) g[k] = t * (-cf[1 + 2 * k] * Math.sin(s.omega[k] * t) + cf[2 + 2 * k] * Math.cos(s.omega[k] * t));
  basisRow(s.omega, t, g, nw + c * P);
}

/** Sum of squared residuals of the fit over all channels. */
function rss(f: FourierFit, t: Float64Array, y: Float64Array[]): number {
  const P = 1 + 2 * f.omega.length;
  const row = new Float64Array(P);
  let s = 0;
  for (let i = 0; i < t.length; i++) {
    basisRow(f.omega, t[i], row, 0);
    for (let c = 0; c < y.length; c++) {
      let v = 0;
      for (let j = 0; j < P; j++) v += row[j] * f.coef[c][j];
      s += (y[c][i] - v) ** 2;
    }
  }
  return s;
}

/**
 * Levenberg–Marquardt on θ = [ω, coef] from the periodogram's frequencies and their
 * least-squares coefficients; each step is kept only if it lowers the residual sum of
 * squares, and a frequency may not leave (0, ∞). The Gauss–Newton covariance is that of the
 * optimum, which the periodogram's peak (on its grid) is not: its bias far exceeded the
 * frequency's standard error on the tests' two-tone signals.
 */
export function refineFrequencies(f: FourierFit, t: Float64Array, y: Float64Array[], maxIterations = 20): FourierFit {
  const nw = f.omega.length;
  const P = 1 + 2 * nw;
  const C = y.length;
  const Q = nw + C * P;
  let cur = { ...f, omega: [...f.omega], coef: f.coef.map((c) => [...c]) };
  let best = rss(cur, t, y);
  let mu = 1e-3;
  const g = new Float64Array(Q);
  const row = new Float64Array(P);
  for (let it = 0; it < maxIterations; it++) {
    const A = new Float64Array(Q * Q);
    const b = new Float64Array(Q);
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < t.length; i++) {
        gradient(cur, c, t[i], g);
        basisRow(cur.omega, t[i], row, 0);
        let v = 0;
        for (let j = 0; j < P; j++) v += row[j] * cur.coef[c][j];
        const r = y[c][i] - v;
        for (let a = 0; a < Q; a++) {
          if (g[a] === 0) continue;
          b[a] += g[a] * r;
          for (let k = 0; k < Q; k++) A[a * Q + k] += g[a] * g[k];
        }
      }
    }
    let improved = false;
    for (let tries = 0; tries < 8 && !improved; tries++) {
      const M = Float64Array.from(A);
      for (let a = 0; a < Q; a++) M[a * Q + a] += mu * Math.max(A[a * Q + a], 1e-300);
      const piv = new Int32Array(Q);
      const step = Float64Array.from(b);
      if (luFactor(M, Q, piv)) {
        luSolve(M, Q, piv, step);
        const trial = { ...cur, omega: cur.omega.map((w, k) => w + step[k]), coef: cur.coef.map((cf, c) => cf.map((v, j) => v + step[nw + c * P + j])) };
        const f2 = trial.omega.every((w) => w > 0) ? rss(trial, t, y) : Infinity;
        if (f2 < best) {
          const gain = (best - f2) / best;
          cur = trial;
          best = f2;
          mu = Math.max(mu / 5, 1e-12);
          improved = true;
          if (gain < 1e-10) return cur;
          continue;
        }
      }
      mu *= 8;
    }
    if (!improved) break;
  }
  return cur;
}

/** The fit's uncertainty at the training times (θ = [ω, coef]; B the basis, n×P, already fitted). */
export function fitUncertainty(st: FourierFit, t: Float64Array, B: Float64Array, y: Float64Array[]): FourierUncertainty {
  const n = t.length;
  const nw = st.omega.length;
  const P = 1 + 2 * nw;
  const C = y.length;
  const Q = nw + C * P;
  const names = [...st.omega.map((_, k) => `ω${k + 1}`), ...st.names.flatMap((ch) => [`${ch} offset`, ...st.omega.flatMap((_, k) => [`${ch} cos ${k + 1}`, `${ch} sin ${k + 1}`])])];
  const noiseSd = y.map((yc, c) => {
    let rss = 0;
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let j = 0; j < P; j++) f += B[i * P + j] * st.coef[c][j];
      rss += (yc[i] - f) ** 2;
    }
    return Math.sqrt(rss / Math.max(1, n - P - nw / C));
  });
  const A = new Float64Array(Q * Q);
  const g = new Float64Array(Q);
  const scale = Math.max(...y.map((yc) => Math.max(...yc.map(Math.abs))), 1e-300);
  for (let c = 0; c < C; c++) {
    // A zero residual (noise-free data) would make every direction infinitely sure: floor σ at float64's resolution of the data.
    const w = 1 / Math.max(noiseSd[c], 1e-12 * scale) ** 2;
    for (let i = 0; i < n; i++) {
      gradient(st, c, t[i], g);
      for (let a = 0; a < Q; a++) {
        if (g[a] === 0) continue;
        const wa = w * g[a];
        for (let b = 0; b < Q; b++) A[a * Q + b] += wa * g[b];
      }
    }
  }
  const cov = pseudoInverseCovariance(A, Q, names);
  return { covariance: Array.from(cov.covariance), noiseSd, undetermined: cov.undetermined, unidentified: cov.unidentified };
}

