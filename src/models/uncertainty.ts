/**
 * Gauss–Newton (Laplace) uncertainty of a least-squares fit, shared by the parameter-level
 * families: Cov(θ) = (Σ_c J_cᵀJ_c / σ_c²)⁺ at the optimum, with σ_c² the residual variance of
 * channel c, a pseudo-inverse that drops directions the data cannot determine (and names
 * them), and the linear propagation of Cov to a prediction: Var ŷ(t) = g(t)ᵀ Cov g(t).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Eigenvalues of the scaled information matrix D⁻¹AD⁻¹ (D² = diag A) below this fraction of
 * the largest are treated as zero: their directions are left out of the covariance and
 * reported as undetermined. (Central-difference Jacobians leave ~1e-12 in exact null
 * directions; a direction at 1e-9 would have a standard error 3e4 times the best one's.)
 */
export const UNDETERMINED_EIGENVALUE = 1e-9;
/** A parameter whose loading on an undetermined direction exceeds this is itself undetermined. */
const UNDETERMINED_LOADING = 0.1;
/** Loadings printed when naming a combination. */
const NAMED_LOADINGS = 4;

/** A combination of parameters the data cannot determine. */
export interface Unidentified {
  /** The combination by its largest loadings (scaled parameters), e.g. "0.71·log ω1 − 0.70·coupling 1–2". */
  combination: string;
  /** Its eigenvalue over the largest one, in the scaled information matrix. */
  relativeEigenvalue: number;
}

export interface ParameterCovariance {
  /** Cov(θ), P×P row-major, zero along the undetermined directions. */
  covariance: Float64Array;
  /** Indices of parameters loading on an undetermined direction: their standard errors are not meaningful. */
  undetermined: number[];
  unidentified: Unidentified[];
}

/**
 * The pseudo-inverse of the information matrix `A` (P×P row-major, symmetric, e.g. JᵀJ/σ²)
 * in the coordinates scaled to unit diagonal (so units do not decide what is "small").
 *
 * @param names parameter names for the undetermined combinations
 */
export function pseudoInverseCovariance(A: Float64Array, P: number, names: readonly string[]): ParameterCovariance {
  const d = Float64Array.from({ length: P }, (_, i) => Math.sqrt(A[i * P + i]));
  const inv = d.map((x) => (x > 0 ? 1 / x : 0));
  const S = Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j) => A[i * P + j] * inv[i] * inv[j]));
  const evd = new EigenvalueDecomposition(new Matrix(S), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const top = Math.max(...lambda, 0);
  const covariance = new Float64Array(P * P);
  const unidentified: Unidentified[] = [];
  const undetermined = new Set<number>();
  // Parameters the data never touched (zero column) are undetermined too.
  d.forEach((x, i) => {
    if (!(x > 0)) undetermined.add(i);
  });
  for (let k = 0; k < P; k++) {
    const v = V.getColumn(k);
    if (!(lambda[k] > UNDETERMINED_EIGENVALUE * top)) {
      v.forEach((x, i) => {
        if (Math.abs(x) > UNDETERMINED_LOADING) undetermined.add(i);
      });
      unidentified.push({ combination: nameCombination(v, names), relativeEigenvalue: top > 0 ? Math.max(lambda[k], 0) / top : 0 });
      continue;
    }
    const w = 1 / lambda[k];
    for (let i = 0; i < P; i++) {
      const a = v[i] * w * inv[i];
      for (let j = 0; j < P; j++) covariance[i * P + j] += a * v[j] * inv[j];
    }
  }
  unidentified.sort((a, b) => a.relativeEigenvalue - b.relativeEigenvalue);
  return { covariance, undetermined: [...undetermined].sort((a, b) => a - b), unidentified };
}

/** "0.71·a − 0.70·b" from the largest loadings of v, sign fixed so the largest is positive. */
function nameCombination(v: number[], names: readonly string[]): string {
  const order = v.map((x, i) => i).sort((a, b) => Math.abs(v[b]) - Math.abs(v[a]));
  const sign = v[order[0]] < 0 ? -1 : 1;
  return order
    .slice(0, NAMED_LOADINGS)
    .filter((i) => Math.abs(v[i]) > UNDETERMINED_LOADING)
    .map((i, k) => {
      const x = sign * v[i];
      const mag = Math.abs(x).toFixed(2);
      return k === 0 ? `${mag}·${names[i]}` : `${x < 0 ? '−' : '+'} ${mag}·${names[i]}`;
    })
    .join(' ');
}

/** gᵀ Cov g for the column `g` (length P). */
export function quadraticForm(cov: Float64Array, g: ArrayLike<number>, P: number): number {
  let s = 0;
  for (let i = 0; i < P; i++) {
    if (g[i] === 0) continue;
    let r = 0;
    for (let j = 0; j < P; j++) r += cov[i * P + j] * g[j];
    s += g[i] * r;
  }
  return Math.max(s, 0);
}

/** One entry of `describe().parameters`. */
export interface ParameterEstimate {
  name: string;
  value: number;
  /** Standard error; null where the data do not determine the parameter. */
  stderr: number | null;
  /** 95% interval; null where undetermined. */
  interval: [number, number] | null;
}

/**
 * A parameter's estimate from the estimate u of its unconstrained coordinate and u's
 * variance: the interval is u ± 1.96·se mapped through `f` (so a positive parameter keeps a
 * positive interval), the standard error by the delta method, |f′(u)|·se.
 */
export function transformedEstimate(name: string, u: number, variance: number | null, f: (u: number) => number, df: (u: number) => number): ParameterEstimate {
  const value = f(u);
  if (variance === null || !Number.isFinite(variance)) return { name, value, stderr: null, interval: null };
  const se = Math.sqrt(Math.max(variance, 0));
  const a = f(u - 1.959964 * se);
  const b = f(u + 1.959964 * se);
  return { name, value, stderr: Math.abs(df(u)) * se, interval: [Math.min(a, b), Math.max(a, b)] };
}

/**
 * Standard deviation of white observation noise on a finely sampled smooth signal, from its
 * differences alone (no model): the k-th difference of noise of variance σ² has variance
 * C(2k, k)·σ², and a smooth signal's k-th difference shrinks like (ω·dt)ᵏ, so
 * mean((Δᵏy)²)/C(2k, k) approaches σ² from above; the smallest over k = 1…4 is taken
 * (Gasser, Sroka & Jennen-Steinmetz 1986 use the same idea with k = 2). A residual
 * variance above this one is structure the model leaves out, not noise.
 */
export function differenceNoiseSd(y: ArrayLike<number>): number {
  let d = Array.from(y);
  let best = Infinity;
  const binomial = [2, 6, 20, 70];
  for (let k = 0; k < binomial.length && d.length > 1; k++) {
    d = d.slice(1).map((v, i) => v - d[i]);
    let s = 0;
    for (const v of d) s += v * v;
    best = Math.min(best, s / d.length / binomial[k]);
  }
  return Number.isFinite(best) ? Math.sqrt(best) : 0;
}

/**
 * Lag of the first non-positive autocorrelation of residuals pooled over channels (at least 1,
 * at most half the samples): how long the residuals stay correlated — 1 for white noise, a
 * quarter period for an oscillation the model left out.
 */
export function correlationLength(residuals: readonly ArrayLike<number>[]): number {
  const N = residuals[0]?.length ?? 0;
  const lagSum = (l: number) => {
    let s = 0;
    for (const r of residuals) for (let i = 0; i + l < N; i++) s += r[i] * r[i + l];
    return s;
  };
  const zero = lagSum(0);
  const max = Math.max(1, Math.floor(N / 2));
  for (let l = 1; l < max; l++) if (!(lagSum(l) > 0) || zero === 0) return l;
  return max;
}

/**
 * The sandwich covariance A⁺ B A⁺ of a least-squares fit whose residuals may be correlated
 * or hold structure the model lacks (White 1982; Newey & West 1987): A⁺ is the Gauss–Newton
 * covariance (`cov`, the information matrix's pseudo-inverse), B the long-run variance of the
 * scores s_i (∂ loss/∂θ of sample i, length P) with Bartlett weights 1 − |l|/(L + 1) up to lag
 * L = `bandwidth`. B is computed as Σ_m S_m S_mᵀ/(L + 1) over the sums S_m of L + 1
 * consecutive scores (every window, partial ones at the ends included), which equals the
 * Bartlett sum exactly and is positive semi-definite by construction. With white residuals
 * of the assumed variance B ≈ A and the sandwich is A⁺ again.
 */
export function sandwichCovariance(cov: Float64Array, scores: readonly Float64Array[], P: number, bandwidth: number): Float64Array {
  const L = Math.max(0, Math.floor(bandwidth));
  const N = scores.length;
  const B = new Float64Array(P * P);
  const S = new Float64Array(P);
  // Window m covers samples [m, m + L]; S slides over it, adding the sample entering and dropping the one leaving.
  for (let m = -L; m < N; m++) {
    const enter = m + L;
    if (enter < N) for (let j = 0; j < P; j++) S[j] += scores[enter][j];
    for (let a = 0; a < P; a++) {
      if (S[a] === 0) continue;
      for (let b = 0; b < P; b++) B[a * P + b] += S[a] * S[b];
    }
    if (m >= 0) for (let j = 0; j < P; j++) S[j] -= scores[m][j];
  }
  const w = 1 / (L + 1);
  for (let k = 0; k < B.length; k++) B[k] *= w;
  const CB = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let k = 0; k < P; k++) {
      const x = cov[i * P + k];
      if (x === 0) continue;
      for (let j = 0; j < P; j++) CB[i * P + j] += x * B[k * P + j];
    }
  }
  const out = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let k = 0; k < P; k++) {
      const x = CB[i * P + k];
      if (x === 0) continue;
      for (let j = 0; j < P; j++) out[i * P + j] += x * cov[k * P + j];
    }
  }
  // Symmetrise: the two products round differently.
  for (let i = 0; i < P; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (out[i * P + j] + out[j * P + i]);
      out[i * P + j] = v;
      out[j * P + i] = v;
    }
  }
  return out;
}
