/**
 * Monomials of the variables up to a total degree, in PySINDy's order: degree 0 (`1`, when
 * `bias`), then degree 1 (`x`, `y`, …), then degree 2 (`x^2`, `x*y`, …), each degree as the
 * combinations with replacement of the variables in order.
 */
import { ConfigError } from '../../../core/errors.js';
import { MAX_FEATURES, type FeatureLibrary } from './base.js';

/** Number of monomials of degree ≤ d (or 1 ≤ … without bias) in n variables, C(n + d, d); capped at MAX_FEATURES + 1. */
export function polynomialSize(nVars: number, degree: number, bias = true): number {
  let c = 1;
  for (let k = 1; k <= degree; k++) {
    c = (c * (nVars + k)) / k;
    if (c > MAX_FEATURES + 1) return MAX_FEATURES + 1;
  }
  return Math.round(c) - (bias ? 0 : 1);
}

/** Exponent vectors of the monomials, in library order. */
function monomials(nVars: number, degree: number, bias: boolean): Int32Array[] {
  const out: Int32Array[] = [];
  if (bias) out.push(new Int32Array(nVars));
  const rec = (d: number, from: number, e: Int32Array): void => {
    if (d === 0) return void out.push(e.slice());
    for (let j = from; j < nVars; j++) {
      e[j]++;
      rec(d - 1, j, e);
      e[j]--;
    }
  };
  for (let d = 1; d <= degree; d++) rec(d, 0, new Int32Array(nVars));
  return out;
}

function monomialName(e: Int32Array, vars: readonly string[]): string {
  const parts: string[] = [];
  for (let j = 0; j < e.length; j++) if (e[j] > 0) parts.push(e[j] === 1 ? vars[j] : `${vars[j]}^${e[j]}`);
  return parts.length ? parts.join('*') : '1';
}

/**
 * Θ's columns for the monomials `terms`, the storage of column k from `storage(k)`. A degree-1
 * term is the variable itself (columns are read-only), a product is formed in one pass per
 * factor beyond the first two: at 10⁶ samples, allocation and passes over memory are the cost.
 */
function productColumns(x: readonly Float64Array[], terms: readonly Int32Array[], storage: (k: number) => Float64Array): Float64Array[] {
  const n = x[0]?.length ?? 0;
  return terms.map((e, k) => {
    const factors: Float64Array[] = [];
    for (let j = 0; j < e.length; j++) for (let p = 0; p < e[j]; p++) factors.push(x[j]);
    if (factors.length === 1) return factors[0];
    const col = storage(k);
    if (factors.length === 0) return col.fill(1);
    const [a, b] = factors;
    for (let i = 0; i < n; i++) col[i] = a[i] * b[i];
    for (let f = 2; f < factors.length; f++) {
      const c = factors[f];
      for (let i = 0; i < n; i++) col[i] *= c[i];
    }
    return col;
  });
}

export function polynomialLibrary(degree = 2, bias = true): FeatureLibrary {
  if (!Number.isInteger(degree) || degree < 1) throw new ConfigError(`must be a positive integer, got ${degree}`, 'library.degree');
  const cache = new Map<number, Int32Array[]>();
  const terms = (nVars: number): Int32Array[] => {
    let t = cache.get(nVars);
    if (!t) {
      const size = polynomialSize(nVars, degree, bias);
      if (size > MAX_FEATURES) throw new ConfigError(`degree ${degree} in ${nVars} variables makes more than ${MAX_FEATURES} features`, 'library.degree');
      t = monomials(nVars, degree, bias);
      cache.set(nVars, t);
    }
    return t;
  };
  /** Term k is the product of x[factor[f]] for f in [start[k], start[k + 1]): the ODE's hot path. */
  const flat = new Map<number, { start: Int32Array; factor: Int32Array }>();
  const factorsOf = (nVars: number) => {
    let fl = flat.get(nVars);
    if (!fl) {
      const t = terms(nVars);
      const factor: number[] = [];
      const start = new Int32Array(t.length + 1);
      t.forEach((e, k) => {
        for (let j = 0; j < nVars; j++) for (let p = 0; p < e[j]; p++) factor.push(j);
        start[k + 1] = factor.length;
      });
      fl = { start, factor: Int32Array.from(factor) };
      flat.set(nVars, fl);
    }
    return fl;
  };
  return {
    spec: { kind: 'polynomial', degree, bias },
    size: (nVars) => polynomialSize(nVars, degree, bias),
    names: (vars) => terms(vars.length).map((e) => monomialName(e, vars)),
    columns(x) {
      const n = x[0]?.length ?? 0;
      return productColumns(x, terms(x.length), () => new Float64Array(n));
    },
    columnsTo(x, store) {
      const n = x[0]?.length ?? 0;
      return productColumns(x, terms(x.length), (k) => store[k].subarray(0, n));
    },
    point(x, out) {
      // Repeated products in the order of `columns`, so a point and a column agree bit for bit.
      const { start, factor } = factorsOf(x.length);
      for (let k = 0; k + 1 < start.length; k++) {
        let v = 1;
        for (let f = start[k]; f < start[k + 1]; f++) v *= x[factor[f]];
        out[k] = v;
      }
    },
    pointAt(x, which, out) {
      const { start, factor } = factorsOf(x.length);
      for (let a = 0; a < which.length; a++) {
        const k = which[a];
        let v = 1;
        for (let f = start[k]; f < start[k + 1]; f++) v *= x[factor[f]];
        out[k] = v;
      }
    },
    gradient(x, J) {
      const t = terms(x.length);
      const d = x.length;
      for (let k = 0; k < t.length; k++) {
        const e = t[k];
        for (let j = 0; j < d; j++) {
          if (!e[j]) {
            J[k * d + j] = 0;
            continue;
          }
          let v = e[j] * x[j] ** (e[j] - 1);
          for (let l = 0; l < d; l++) if (l !== j && e[l]) v *= x[l] ** e[l];
          J[k * d + j] = v;
        }
      }
    },
  };
}
