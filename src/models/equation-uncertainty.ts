/**
 * What the data say about a fitted equation's unknowns: standard errors and 95% intervals
 * from the Gauss–Newton covariance σ²(JᵀJ)⁻¹ at the optimum, and the combinations of
 * unknowns the data cannot tell apart (near-zero eigenvalues of JᵀJ).
 *
 * J = ∂r/∂(natural unknowns) of the channel-scaled residuals r_ci = (g_c(t_i) − d_ci)/sd(d_c),
 * by central differences of the simulated observations: p + 1 solves per side for p unknowns,
 * cheap for the small systems users write, and independent of the bounds' change of variables
 * (an estimate near a bound would otherwise get a vanishing slope and a huge error).
 */
import type { Series } from '../data/series.js';
import type { IntegrationOptions } from './equation-fit.js';
import { simulateObserved } from './equation-fit.js';
import type { EquationProblem } from './equation-problem.js';

export interface ParameterEstimate {
  name: string;
  value: number;
  /** Standard error (Gauss–Newton); NaN when the data do not determine the unknown. */
  stderr: number;
  /** 95% interval, value ± 1.96·stderr. */
  interval: [number, number];
}

export interface Unidentified {
  /** Eigenvalue of the scaled JᵀJ relative to its largest. */
  relativeEigenvalue: number;
  /** The direction in which the unknowns can move without changing the fit: name → loading (largest first). */
  direction: { name: string; loading: number }[];
  /** In words, e.g. "a and b are not separately determined: only 1.00·a + 1.00·b is". */
  message: string;
}

export interface Uncertainty {
  estimates: ParameterEstimate[];
  /** σ² of the scaled residuals, Σr²/(N − p). */
  sigma2: number;
  identifiability: Unidentified[];
}

/** Eigenvalues below this fraction of the largest mark a combination the data do not determine. */
export const IDENTIFIABILITY_THRESHOLD = 1e-8;

/** Symmetric eigen-decomposition by cyclic Jacobi rotations: A (n×n, row-major, copied) → values and column eigenvectors. */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) total += a[i * n + j] ** 2;
        else off += a[i * n + j] ** 2;
      }
    }
    if (off <= 1e-30 * (total + off) || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}

/** The channel-scaled residuals at `natural` (missing samples are 0), and their number N of finite samples. */
function scaledResiduals(p: EquationProblem, data: Series, natural: Float64Array, integ: IntegrationOptions): { r: Float64Array; count: number } {
  const sim = simulateObserved(p, natural, data.t[0], data.t, integ);
  const n = data.t.length;
  const r = new Float64Array(sim.length * n);
  let count = 0;
  p.columns.forEach((col, c) => {
    const d = data.y[col];
    const finite = d.filter((x) => Number.isFinite(x));
    const mean = finite.reduce((s, x) => s + x, 0) / Math.max(finite.length, 1);
    const sd = Math.sqrt(finite.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(finite.length, 1)) || 1;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(d[i])) continue;
      r[c * n + i] = (sim[c][i] - d[i]) / sd;
      count++;
    }
  });
  return { r, count };
}

const fmt = (x: number) => x.toFixed(2);

/** "1.00·a + 0.98·b" from (name, coefficient) pairs, the largest first. */
function combination(terms: { name: string; loading: number }[]): string {
  return terms.map((t, i) => `${i === 0 ? (t.loading < 0 ? '−' : '') : t.loading < 0 ? ' − ' : ' + '}${fmt(Math.abs(t.loading))}·${t.name}`).join('');
}

/**
 * Standard errors, intervals and unidentified combinations of the unknowns at `natural`
 * (the optimum), for the problem fitted to `data`.
 */
export function uncertaintyAt(p: EquationProblem, data: Series, natural: Float64Array, integ: IntegrationOptions, names: string[]): Uncertainty {
  const P = natural.length;
  const { r: r0, count } = scaledResiduals(p, data, natural, integ);
  const M = r0.length;
  const J = new Float64Array(M * P); // column-major: J[k*M + i]
  for (let k = 0; k < P; k++) {
    const h = 1e-5 * Math.max(Math.abs(natural[k]), 1e-2);
    const plus = Float64Array.from(natural);
    const minus = Float64Array.from(natural);
    plus[k] += h;
    minus[k] -= h;
    const rp = scaledResiduals(p, data, plus, integ).r;
    const rm = scaledResiduals(p, data, minus, integ).r;
    for (let i = 0; i < M; i++) J[k * M + i] = (rp[i] - rm[i]) / (2 * h);
  }
  const sigma2 = r0.reduce((s, x) => s + x * x, 0) / Math.max(count - P, 1);
  // JᵀJ scaled by column norms, so that "near zero" does not depend on the unknowns' units.
  const scale = Float64Array.from({ length: P }, (_, k) => Math.sqrt(J.subarray(k * M, (k + 1) * M).reduce((s, x) => s + x * x, 0)) || 1);
  const S = new Float64Array(P * P);
  for (let a = 0; a < P; a++) {
    for (let b = a; b < P; b++) {
      let s = 0;
      for (let i = 0; i < M; i++) s += J[a * M + i] * J[b * M + i];
      S[a * P + b] = S[b * P + a] = s / (scale[a] * scale[b]);
    }
  }
  const { values, vectors } = symmetricEigen(S, P);
  const largest = Math.max(...values);
  // Covariance σ² (JᵀJ)⁻¹ = σ² D⁻¹ V Λ⁻¹ Vᵀ D⁻¹, with the unidentified directions left out (their variance is unbounded).
  const variance = new Float64Array(P);
  const identifiability: Unidentified[] = [];
  const unbounded = new Set<number>();
  for (let e = 0; e < P; e++) {
    const column = Array.from({ length: P }, (_, k) => vectors[k * P + e]);
    if (values[e] > IDENTIFIABILITY_THRESHOLD * largest) {
      for (let k = 0; k < P; k++) variance[k] += (sigma2 * (column[k] / scale[k]) ** 2) / values[e];
      continue;
    }
    // The natural direction δθ_k = v_k / scale_k, normalised so its largest loading is 1.
    const natural = column.map((x, k) => x / scale[k]);
    const top = Math.max(...natural.map(Math.abs));
    const direction = natural
      .map((x, k) => ({ name: names[k], loading: x / top, k }))
      .filter((d) => Math.abs(d.loading) >= 0.05)
      .sort((x, y) => Math.abs(y.loading) - Math.abs(x.loading));
    direction.forEach((d) => unbounded.add(d.k));
    let message = `the data do not determine ${combination(direction)} (relative eigenvalue ${(values[e] / largest).toExponential(1)})`;
    if (direction.length === 2) {
      // Along (d₁, d₂) only the functional d₂·θ₁ − d₁·θ₂ is constant: that is what the data fix.
      const [d1, d2] = direction;
      const m = Math.max(Math.abs(d1.loading), Math.abs(d2.loading));
      const sign = d2.loading < 0 ? -1 : 1;
      message = `${d1.name} and ${d2.name} are not separately determined: only ${combination([
        { name: d1.name, loading: (sign * d2.loading) / m },
        { name: d2.name, loading: (-sign * d1.loading) / m },
      ])} is`;
    }
    identifiability.push({ relativeEigenvalue: values[e] / largest, direction: direction.map(({ name, loading }) => ({ name, loading })), message });
  }
  const estimates = names.map((name, k) => {
    const stderr = unbounded.has(k) ? NaN : Math.sqrt(variance[k]);
    return { name, value: natural[k], stderr, interval: [natural[k] - 1.96 * stderr, natural[k] + 1.96 * stderr] as [number, number] };
  });
  return { estimates, sigma2, identifiability };
}
