/**
 * The start of a bank whose channels each observe one of its oscillators (C = K: every
 * pendulum observed, `lawful demo --observe all`): the bank's own equations fitted to the
 * data by linear least squares, with W = I and b = 0.
 *
 * Why: from the modes, the bank has to be assembled from damped sinusoids, and with N = 16
 * pendulums the 16 modes lie 0.10–0.15 rad/s apart; over a 10 s window their sinusoids are
 * nearly dependent (condition number 3e15 at the true frequencies), and no ESPRIT variant
 * recovered more than 14 of them (block-esprit.ts). The equations themselves,
 *
 *   x_i'' = −ω_i² f(x_i) − γ_i x_i' − Σ_j c_ij (x_i − x_j),   f(x) = x, or sin x for the pendulum bank,
 *
 * are linear in (ω², γ, c) once x is known, and every channel gives one equation at every
 * instant: a regression with K·(samples) rows and 2K + K(K−1)/2 unknowns that sees no modes
 * at all. It is written in weak form (as weak SINDy, Messenger & Bortz 2021): each equation is
 * multiplied by a smooth bump φ(τ − s) and integrated, moving both derivatives onto φ,
 *
 *   ∫ φ'' x_i = −ω_i² ∫ φ f(x_i) + γ_i ∫ φ' x_i − Σ_j c_ij ∫ φ (x_i − x_j),
 *
 * so no derivative of the data is taken. With φ = (1 − (τ/h)²)^8 (seven derivatives vanish at
 * ±h) the sample sums are accurate far beyond the trapezoidal rule's h²: on the N = 16 window
 * (clean) ω², γ and c come out within 2e-11 of the truth. With noise the regression is
 * errors-in-variables on nearly dependent channels and fails (N = 16, noise 0.01: ω² off by a
 * factor 4); fit.ts then keeps the ESPRIT starts.
 */
import { leastSquares, SingularMatrixError } from '../../core/linalg.js';
import { highestSignificantFrequency, periodogram } from '../spectral/periodogram.js';
import type { BankLayout } from './params.js';
import { softplusInv } from './params.js';

/** Exponent of the bump φ = (1 − u²)^p: p − 1 derivatives vanish at its ends. */
const BUMP_POWER = 8;
/** Bump centres per bump half-width: the rows overlap, but eight a half-width keep all the information at a fraction of the cost. */
const CENTRES_PER_HALF_WIDTH = 8;
/** Fewest samples across a half-width for the sums to stay accurate. */
const MIN_HALF_WIDTH = 16;

/**
 * θ of the bank fitted to its equations on the first `n` samples, channel c observing
 * oscillator c (W = I, b = 0; the initial state from the first samples), or null where the
 * layout does not observe each oscillator once (C ≠ K), the window is too short for the bump,
 * or the regression is singular. Coefficients the bank cannot take (ω² ≤ 0, negative damping
 * or coupling) are clipped to small positive values: the fit's score of the start decides.
 */
export function observedStart(lay: BankLayout, t: Float64Array, y: Float64Array[], n: number, pendulum: boolean): Float64Array | null {
  const { K, C } = lay;
  if (C !== K) return null;
  const dt = t[1] - t[0];
  const head = y.map((c) => c.subarray(0, n));
  // Half-width: half a period of the fastest significant frequency (a wider bump's transform
  // leaves that mode out of the rows, a narrower one needs more of them).
  const wMax = highestSignificantFrequency(periodogram(head, dt, 2));
  const q = Math.max(MIN_HALF_WIDTH, Math.round(Math.PI / (wMax * dt)));
  if (n < 4 * q) return null;
  const h = q * dt;
  const phi = new Float64Array(2 * q + 1);
  const dphi = new Float64Array(2 * q + 1);
  const ddphi = new Float64Array(2 * q + 1);
  const p = BUMP_POWER;
  for (let k = -q; k <= q; k++) {
    const u = k / q;
    const g = 1 - u * u;
    phi[k + q] = g ** p;
    dphi[k + q] = (-2 * p * u * g ** (p - 1)) / h;
    ddphi[k + q] = (4 * p * (p - 1) * u * u * g ** (p - 2) - 2 * p * g ** (p - 1)) / (h * h);
  }
  const stride = Math.max(1, Math.floor(q / CENTRES_PER_HALF_WIDTH));
  const centres: number[] = [];
  for (let s = q; s < n - q; s += stride) centres.push(s);
  const m = centres.length;
  // ∫ φ(τ) g(x(s + τ)) dτ at every centre, by the sample sum (φ vanishes at both ends).
  const weak = (x: Float64Array, ker: Float64Array, f?: (v: number) => number) =>
    Float64Array.from(centres, (s) => {
      let acc = 0;
      for (let k = 0; k < ker.length; k++) acc += ker[k] * (f ? f(x[s - q + k]) : x[s - q + k]);
      return acc * dt;
    });
  const X = head.map((x) => weak(x, phi));
  const P = 2 * K + lay.nPairs;
  const rows = K * m;
  const A = new Float64Array(rows * P);
  const rhs = new Float64Array(rows);
  const weight = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    const lhs = weak(head[i], ddphi);
    const fx = pendulum ? weak(head[i], phi, Math.sin) : X[i];
    const dx = weak(head[i], dphi);
    // Each channel's equations weighted alike: by the spread of its left-hand side.
    let ss = 0;
    for (let k = 0; k < m; k++) ss += lhs[k] * lhs[k];
    if (!(ss > 0)) return null;
    const w = (weight[i] = 1 / Math.sqrt(ss / m));
    for (let k = 0; k < m; k++) {
      const o = (i * m + k) * P;
      rhs[i * m + k] = w * lhs[k];
      A[o + i] = -w * fx[k];
      A[o + K + i] = w * dx[k];
    }
  }
  // Coupling c_ij enters the equations of both i and j.
  for (let pr = 0; pr < lay.nPairs; pr++) {
    const i = lay.pairI[pr];
    const j = lay.pairJ[pr];
    for (let k = 0; k < m; k++) {
      const d = X[i][k] - X[j][k];
      A[(i * m + k) * P + 2 * K + pr] = -weight[i] * d;
      A[(j * m + k) * P + 2 * K + pr] = weight[j] * d;
    }
  }
  let coef: Float64Array;
  try {
    coef = leastSquares(A, rows, P, rhs);
  } catch (e) {
    if (e instanceof SingularMatrixError) return null;
    throw e;
  }
  if (!coef.every(Number.isFinite)) return null;
  const theta = new Float64Array(lay.size);
  for (let i = 0; i < K; i++) {
    theta[lay.omega + i] = 0.5 * Math.log(Math.max(coef[i], 1e-6));
    theta[lay.damping + i] = softplusInv(Math.max(coef[K + i], 1e-6));
    const x = head[i];
    theta[lay.z0 + i] = x[0];
    // One-sided fourth-order difference (the fit polishes the initial state anyway).
    theta[lay.z0 + K + i] = (-25 * x[0] + 48 * x[1] - 36 * x[2] + 16 * x[3] - 3 * x[4]) / (12 * dt);
    theta[lay.W + i * K + i] = 1;
  }
  for (let pr = 0; pr < lay.nPairs; pr++) theta[lay.coupling + pr] = softplusInv(Math.max(coef[2 * K + pr], 1e-8));
  return theta;
}
