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
 * q_j = A_j / (1ᵀV_j) e^{−σt} cos(f t + φ_j). With `pendulum`, ω is raised by the amplitude
 * shift of a pendulum, 1 / (1 − a²/16) (first term of the elliptic-integral period).
 * `ref` is the channel whose amplitudes and phases set the state (others get W from the fit's
 * projection). Returns null if the frequencies cannot be matched (modes too close for the
 * couplings).
 */
export function coupledStart(
  lay: BankLayout,
  modes: StartMode[],
  offset: number[],
  couplings: Float64Array,
  pendulum: boolean,
  ref = 0,
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
  const amp2 = new Float64Array(K);
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
      amp2[i] += (v * a) ** 2;
    }
  }
  for (let i = 0; i < K; i++) {
    theta[lay.damping + i] = softplusInv(Math.max(gamma[i], 1e-4));
    theta[lay.z0 + i] = x0[i];
    theta[lay.z0 + K + i] = v0[i];
    if (pendulum && amp2[i] < 4) theta[lay.omega + i] -= Math.log(1 - amp2[i] / 16);
    for (let c = 0; c < C; c++) theta[lay.W + c * K + i] = c === ref ? 1 : 0;
  }
  for (let c = 0; c < C; c++) theta[lay.offset + c] = offset[c] ?? 0;
  return theta;
}
