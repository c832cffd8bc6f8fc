/**
 * Total-variation regularised differentiation (Chartrand 2011, "Numerical differentiation
 * of noisy, nonsmooth data"): the derivative u minimises
 *
 *   ½ ‖A u − (x − x₀)‖² + α Σ_i |u_{i+1} − u_i|,     A = cumulative trapezoid integral,
 *
 * so u integrates back to the data while its total variation stays small. Noise, which a
 * difference quotient amplifies by 1/dt, is averaged by the integral instead. Solved by
 * lagged diffusivity: each round linearises |·| around the current u (ε-smoothed) and solves
 * (AᵀA + α L) s = gradient by conjugate gradients with O(n) products (A and Aᵀ are running
 * sums). Each round costs up to `cgIterations` · O(n): meant for series of up to ~10⁴ samples.
 */
import { ConfigError } from '../../../core/errors.js';
import { applyStencil, type Differentiator } from './base.js';

export interface TvOptions {
  /** Weight α of the total variation, in units of x²·t / (x/t). Larger is smoother. Default 1e-2 (data of unit amplitude with 1% noise). */
  alpha?: number;
  /** Lagged-diffusivity rounds. Default 20. */
  iterations?: number;
  /** Most conjugate-gradient steps per round. Default 500. */
  cgIterations?: number;
}

/** (A u)_i = ∫₀^{t_i} u by the trapezoid rule. */
function integrate(u: Float64Array, dt: number, out: Float64Array): void {
  out[0] = 0;
  for (let i = 1; i < u.length; i++) out[i] = out[i - 1] + 0.5 * dt * (u[i - 1] + u[i]);
}

/** Aᵀ v: (Aᵀv)_j = dt/2 · (S_{j+1} + [j ≥ 1] S_j) with S_j = Σ_{i ≥ j} v_i. */
function integrateT(v: Float64Array, dt: number, out: Float64Array): void {
  const n = v.length;
  let S = 0; // S_{j+1}
  for (let j = n - 1; j >= 0; j--) {
    const Sj = S + v[j];
    out[j] = 0.5 * dt * (S + (j >= 1 ? Sj : 0));
    S = Sj;
  }
}

export function totalVariation(options: TvOptions = {}): Differentiator {
  const alpha = options.alpha ?? 1e-2;
  const iterations = options.iterations ?? 20;
  const cgIterations = options.cgIterations ?? 500;
  if (!(alpha > 0 && Number.isFinite(alpha))) throw new ConfigError(`must be a positive number, got ${alpha}`, 'differentiation.alpha');
  if (!Number.isInteger(iterations) || iterations < 1) throw new ConfigError(`must be a positive integer, got ${iterations}`, 'differentiation.iterations');
  if (!Number.isInteger(cgIterations) || cgIterations < 1) throw new ConfigError(`must be a positive integer, got ${cgIterations}`, 'differentiation.cgIterations');
  return {
    name: `total-variation alpha ${alpha}`,
    minSamples: 3,
    differentiate(x, dt) {
      const n = x.length;
      const f = x.map((v) => v - x[0]);
      const u = applyStencil(x, dt, 3, 2); // start from central differences
      const w = new Float64Array(n - 1); // lagged diffusivity 1 / √((Du)² + ε)
      const [Au, r, g, p, Hp, tmp] = Array.from({ length: 6 }, () => new Float64Array(n));
      const s = new Float64Array(n);
      const scale = Math.max(1e-300, ...Array.from(f, Math.abs));
      const eps = 1e-12 * (scale / dt) ** 2;
      /** L v = Dᵀ diag(w) D v · dt, with D v = forward differences / dt. */
      const applyL = (v: Float64Array, out: Float64Array): void => {
        out.fill(0);
        for (let i = 0; i < n - 1; i++) {
          const q = (w[i] * (v[i + 1] - v[i])) / dt;
          out[i] -= q;
          out[i + 1] += q;
        }
      };
      const applyH = (v: Float64Array, out: Float64Array): void => {
        integrate(v, dt, Au);
        integrateT(Au, dt, out);
        applyL(v, tmp);
        for (let i = 0; i < n; i++) out[i] += alpha * tmp[i];
      };
      for (let round = 0; round < iterations; round++) {
        for (let i = 0; i < n - 1; i++) w[i] = 1 / Math.sqrt(((u[i + 1] - u[i]) / dt) ** 2 + eps);
        // Gradient g = Aᵀ(Au − f) + α L u; Newton-like step s = H⁻¹ g by conjugate gradients.
        integrate(u, dt, Au);
        for (let i = 0; i < n; i++) Au[i] -= f[i];
        integrateT(Au, dt, g);
        applyL(u, tmp);
        for (let i = 0; i < n; i++) g[i] += alpha * tmp[i];
        s.fill(0);
        r.set(g);
        p.set(g);
        let rr = r.reduce((a, v) => a + v * v, 0);
        const stop = 1e-20 * rr;
        for (let k = 0; k < cgIterations && rr > stop; k++) {
          applyH(p, Hp);
          let pHp = 0;
          for (let i = 0; i < n; i++) pHp += p[i] * Hp[i];
          if (!(pHp > 0)) break;
          const a = rr / pHp;
          let rr2 = 0;
          for (let i = 0; i < n; i++) {
            s[i] += a * p[i];
            r[i] -= a * Hp[i];
            rr2 += r[i] * r[i];
          }
          for (let i = 0; i < n; i++) p[i] = r[i] + (rr2 / rr) * p[i];
          rr = rr2;
        }
        for (let i = 0; i < n; i++) u[i] -= s[i];
      }
      return u;
    },
  };
}
