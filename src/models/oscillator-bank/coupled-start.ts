/**
 * A start of the pendulum bank in the oscillator basis: for given coupling strengths, the
 * natural frequencies, damping and initial state that reproduce the ESPRIT modes of the
 * window through the bank's linearisation.
 *
 * Why: one observed channel identifies the normal modes of the linearised bank, not the basis
 * they live in: every coupling pattern has natural frequencies that give the same modes. The
 * linear bank does not care (its output is the same); the pendulum bank does, because sin acts
 * on each oscillator's own angle. ESPRIT's start is the uncoupled (modal) member of that family,
 * with couplings at 1e-4, where softplus's slope (1e-4) freezes them: measured on the demo's
 * nonlinear signal, every fit from it ended in the modal basis at in-window NRMSE ~5e-4 and
 * beyond-window NRMSE 0.6–1.5. Starts on this family with couplings of the size springs
 * actually have let the fit choose the basis by the nonlinear effects (fit.ts tries several).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { luFactor, luSolve } from '../../core/linalg.js';
import type { BankLayout, StartMode } from './params.js';
import { softplusInv } from './params.js';

/**
 * θ of a coupled bank whose linearisation carries the given modes (sorted by frequency
 * inside; at least K of them) with W = 1 on the reference channel: oscillator frequencies
 * solved so the stiffness S = diag(ω²) + L(c) has eigenvalues f_j² + σ_j², damping γ so the
 * modal decay Σ_i V_ij² γ_i / 2 is σ_j, initial state z0 = V q(0) with the modal coordinates
 * q_j = A_j / (1ᵀV_j) e^{−σt} cos(f t + φ_j). With `pendulum`, the given modes are those of
 * the swinging (sin) bank, and the stiffness each mode sees is reduced by the describing
 * function of sin (harmonic balance): mode j sees ω_i² G_ij with
 * G_ij = (2 J1(a_ij)/a_ij) Π_{k≠j} J0(a_ik), a_ik the amplitude of mode k in oscillator i
 * averaged over `span` (the coefficient of cos θ_j in sin(Σ_k a_k cos θ_k), Jacobi–Anger).
 * `ref` is the channel whose amplitudes and phases set the state (others get W from the fit's
 * projection). Returns null if the frequencies cannot be matched (modes too close for the
 * couplings).
 *
 * Why the cross terms: a weak mode riding on a strong one of amplitude A sees J0(A) ≈ 1 − A²/4
 * of the stiffness, twice the strong mode's own shift (2J1(A)/A ≈ 1 − A²/8). The previous
 * start raised each ω by its own oscillator's shift, 1/(1 − a²/16): measured on the demo's
 * signal at the true couplings it started at window NRMSE 0.18; harmonic balance at 0.045.
 */
export function coupledStart(
  lay: BankLayout,
  modes: StartMode[],
  offset: number[],
  couplings: Float64Array,
  pendulum: boolean,
  ref = 0,
  span = 0,
): Float64Array | null {
  const { K, C } = lay;
  if (modes.length < K) return null;
  const ms = modes.slice(0, K).sort((a, b) => a.frequency - b.frequency);
  const mu = ms.map((m) => m.frequency * m.frequency + Math.max(m.decay, 0) ** 2);
  const theta = new Float64Array(lay.size);
  for (let p = 0; p < lay.nPairs; p++) theta[lay.coupling + p] = softplusInv(Math.max(couplings[p], 1e-8));
  const w2 = mu.slice();
  for (let p = 0; p < lay.nPairs; p++) {
    w2[lay.pairI[p]] -= couplings[p];
    w2[lay.pairJ[p]] -= couplings[p];
  }
  const S = new Float64Array(K * K);
  let vecs: Matrix | null = null;
  // Fixed-point on the diagonal: ω_i² += μ_i − λ_i (eigenvalues in ascending order); each
  // step is exact to first order in the off-diagonal couplings.
  for (let it = 0; it < 50; it++) {
    for (let i = 0; i < K; i++) theta[lay.omega + i] = 0.5 * Math.log(Math.max(w2[i], 1e-3 * mu[i]));
    lay.stiffness(theta, S);
    const evd = new EigenvalueDecomposition(new Matrix(Array.from({ length: K }, (_, i) => Array.from(S.subarray(i * K, (i + 1) * K)))), { assumeSymmetric: true });
    const order = evd.realEigenvalues.map((v, k) => [v, k]).sort((a, b) => a[0] - b[0]);
    let worst = 0;
    for (let i = 0; i < K; i++) {
      const d = mu[i] - order[i][0];
      worst = Math.max(worst, Math.abs(d) / mu[i]);
      w2[i] += d;
    }
    const V = evd.eigenvectorMatrix;
    vecs = new Matrix(K, K);
    for (let j = 0; j < K; j++) for (let i = 0; i < K; i++) vecs.set(i, j, V.get(i, order[j][1]));
    if (worst < 1e-12) break;
  }
  if (!vecs || w2.some((v, i) => !(v > 1e-3 * mu[i]))) return null;
  if (pendulum && !harmonicBalance(lay, ms, mu, w2, vecs, couplings, ref, span)) return null;
  for (let i = 0; i < K; i++) theta[lay.omega + i] = 0.5 * Math.log(w2[i]);
  // Damping: modal decay σ_j ≈ ½ Σ_i V_ij² γ_i (light damping).
  const M = new Float64Array(K * K);
  const rhs = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    rhs[j] = 2 * Math.max(ms[j].decay, 1e-4);
    for (let i = 0; i < K; i++) M[j * K + i] = vecs.get(i, j) ** 2;
  }
  const piv = new Int32Array(K);
  const gamma = luFactor(M, K, piv) ? (luSolve(M, K, piv, rhs), rhs) : Float64Array.from(ms, (m) => 2 * Math.max(m.decay, 1e-4));
  // Initial state from the modal coordinates (W = 1 on the reference channel).
  const x0 = new Float64Array(K);
  const v0 = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    let s = 0;
    for (let i = 0; i < K; i++) s += vecs.get(i, j);
    const ch = ms[j].channels[ref] ?? { amplitude: 0, phase: 0 };
    // A mode the sum barely sees would need a huge angle: cap it at a quarter turn.
    const a = Math.sign(s || 1) * Math.min(ch.amplitude / Math.max(Math.abs(s), 1e-12), Math.PI / 2);
    const sigma = Math.max(ms[j].decay, 0);
    const q0 = a * Math.cos(ch.phase);
    const qd0 = -a * (sigma * Math.cos(ch.phase) + ms[j].frequency * Math.sin(ch.phase));
    for (let i = 0; i < K; i++) {
      const v = vecs.get(i, j);
      x0[i] += v * q0;
      v0[i] += v * qd0;
    }
  }
  for (let i = 0; i < K; i++) {
    theta[lay.damping + i] = softplusInv(Math.max(gamma[i], 1e-4));
    theta[lay.z0 + i] = x0[i];
    theta[lay.z0 + K + i] = v0[i];
    for (let c = 0; c < C; c++) theta[lay.W + c * K + i] = c === ref ? 1 : 0;
  }
  for (let c = 0; c < C; c++) theta[lay.offset + c] = offset[c] ?? 0;
  return theta;
}

/** Iterations of the harmonic balance (each solves K small eigenproblems); it stops at 1e-10. */
const BALANCE_ITERATIONS = 200;

/** J0 or J1 by its power series (arguments here are at most a quarter turn: 30 terms reach the last bit). */
function bessel(n: 0 | 1, x: number): number {
  let s = 0;
  let term = n === 0 ? 1 : x / 2;
  for (let m = 0; m < 30; m++) {
    s += term;
    term *= -(x * x) / 4 / ((m + 1) * (m + 1 + n));
  }
  return s;
}

/**
 * Harmonic balance on the diagonal: ω_i² (`w2`, in place) such that each mode j is an
 * eigenpair of diag(ω_i² G_ij) + L(c) with eigenvalue μ_j (coupledStart's docs give G), and
 * `vecs` (column j: mode j's shape, as the linear fixed point left it) updated to those
 * eigenvectors. Oscillator j is tuned by mode j, as in the linear fixed point. False if a
 * stiffness leaves the positive numbers.
 */
function harmonicBalance(lay: BankLayout, ms: StartMode[], mu: number[], w2: number[], vecs: Matrix, c: Float64Array, ref: number, span: number): boolean {
  const K = lay.K;
  const L = new Float64Array(K * K);
  for (let p = 0; p < lay.nPairs; p++) {
    const i = lay.pairI[p];
    const j = lay.pairJ[p];
    L[i * K + i] += c[p];
    L[j * K + j] += c[p];
    L[i * K + j] -= c[p];
    L[j * K + i] -= c[p];
  }
  // Each mode's amplitude in the oscillators, averaged over the span as e^{−σt} decays.
  const avg = ms.map((m) => {
    const x = Math.max(m.decay, 0) * span;
    return x > 1e-9 ? (1 - Math.exp(-x)) / x : 1;
  });
  const amp = (i: number, k: number) => {
    let s = 0;
    for (let r = 0; r < K; r++) s += vecs.get(r, k);
    const a = Math.min((ms[k].channels[ref]?.amplitude ?? 0) / Math.max(Math.abs(s), 1e-12), Math.PI / 2);
    return Math.abs(vecs.get(i, k)) * a * avg[k];
  };
  const gain = (i: number, j: number) => {
    const x = amp(i, j);
    let g = x < 1e-8 ? 1 : (2 * bessel(1, x)) / x;
    for (let k = 0; k < K; k++) if (k !== j) g *= bessel(0, amp(i, k));
    return g;
  };
  const G = new Float64Array(K * K);
  for (let it = 0; it < BALANCE_ITERATIONS; it++) {
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) G[i * K + j] = gain(i, j);
    let worst = 0;
    for (let j = 0; j < K; j++) {
      const rows = Array.from({ length: K }, (_, r) => Array.from({ length: K }, (_, q) => L[r * K + q] + (r === q ? w2[r] * G[r * K + j] : 0)));
      const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
      const V = evd.eigenvectorMatrix;
      // Follow mode j: the eigenvector closest to its shape so far.
      let best = 0;
      let align = -1;
      for (let k = 0; k < K; k++) {
        let dot = 0;
        for (let r = 0; r < K; r++) dot += V.get(r, k) * vecs.get(r, j);
        if (Math.abs(dot) > align) {
          align = Math.abs(dot);
          best = k;
        }
      }
      let dot = 0;
      for (let r = 0; r < K; r++) dot += V.get(r, best) * vecs.get(r, j);
      for (let r = 0; r < K; r++) vecs.set(r, j, Math.sign(dot || 1) * V.get(r, best));
      const d = mu[j] - evd.realEigenvalues[best];
      worst = Math.max(worst, Math.abs(d) / mu[j]);
      w2[j] += d / G[j * K + j];
    }
    if (w2.some((v, i) => !(v > 1e-3 * mu[i]))) return false;
    if (worst < 1e-10) break;
  }
  return true;
}
