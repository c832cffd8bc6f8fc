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
