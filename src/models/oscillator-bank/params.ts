/**
 * Parameters of the oscillator bank and the map from them to the system matrix.
 *
 *   x_i'' = −ω_i² x_i − γ_i x_i' − Σ_j L_ij x_j,   y_c = Σ_i W_ci x_i + b_c
 *
 * Stability by construction: ω_i = exp(u_i) > 0, γ_i = softplus(r_i) ≥ 0 and coupling
 * strengths c_ij = softplus(s_ij) ≥ 0 make the graph Laplacian L PSD, so the stiffness
 * S = diag(ω²) + L is positive definite and the damping non-negative: the energy
 * ½ vᵀv + ½ xᵀSx never grows, and every eigenvalue of A has Re ≤ 0 (the reference's
 * unconstrained couplings produced diverging models, docs/peer-baselines.md, finding 5).
 *
 * Layout of θ (dynamic parameters first, so the variable-projection fit optimises a prefix):
 * logOmega [K], damping [K], coupling [K(K−1)/2], z0 [2K] (= [x(0), x'(0)]), W [C, K], offset [C].
 */
import { makeLayout } from '../../core/params.js';
import type { ParamLayout } from '../../core/params.js';
import { sigmoid } from '../../nn/activations.js';

export function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

/** softplus⁻¹(y) for y > 0. */
export function softplusInv(y: number): number {
  return y > 30 ? y : Math.log(Math.expm1(y));
}

/** Offsets of the blocks of θ for K oscillators and C observed channels. */
export class BankLayout {
  readonly K: number;
  readonly C: number;
  readonly nPairs: number;
  readonly layout: ParamLayout;
  readonly size: number;
  /** Length of the dynamic prefix (everything but W and offset). */
  readonly nDynamic: number;
  readonly omega: number;
  readonly damping: number;
  readonly coupling: number;
  readonly z0: number;
  readonly W: number;
  readonly offset: number;
  /** Pair index p ↦ (i, j), i < j. */
  readonly pairI: Int32Array;
  readonly pairJ: Int32Array;

  constructor(K: number, C: number) {
    this.K = K;
    this.C = C;
    this.nPairs = (K * (K - 1)) / 2;
    const { layout, size } = makeLayout({
      logOmega: [K],
      damping: [K],
      coupling: [this.nPairs],
      z0: [2 * K],
      W: [C, K],
      offset: [C],
    });
    this.layout = layout;
    this.size = size;
    this.omega = 0;
    this.damping = K;
    this.coupling = 2 * K;
    this.z0 = 2 * K + this.nPairs;
    this.W = this.z0 + 2 * K;
    this.offset = this.W + C * K;
    this.nDynamic = this.W;
    this.pairI = new Int32Array(this.nPairs);
    this.pairJ = new Int32Array(this.nPairs);
    let p = 0;
    for (let i = 0; i < K; i++) {
      for (let j = i + 1; j < K; j++) {
        this.pairI[p] = i;
        this.pairJ[p++] = j;
      }
    }
  }

  omegaOf(theta: Float64Array, i: number): number {
    return Math.exp(theta[this.omega + i]);
  }

  gammaOf(theta: Float64Array, i: number): number {
    return softplus(theta[this.damping + i]);
  }

  couplingOf(theta: Float64Array, p: number): number {
    return softplus(theta[this.coupling + p]);
  }

  /** Writes the stiffness S = diag(ω²) + L (K×K, row-major) into `S`. */
  stiffness(theta: Float64Array, S: Float64Array): void {
    const K = this.K;
    S.fill(0);
    for (let i = 0; i < K; i++) {
      const w = this.omegaOf(theta, i);
      S[i * K + i] = w * w;
    }
    for (let p = 0; p < this.nPairs; p++) {
      const c = this.couplingOf(theta, p);
      const i = this.pairI[p];
      const j = this.pairJ[p];
      S[i * K + i] += c;
      S[j * K + j] += c;
      S[i * K + j] -= c;
      S[j * K + i] -= c;
    }
  }

  /** Writes A = [[0, I], [−S, −diag(γ)]] (2K×2K, row-major) into `A`. */
  matrix(theta: Float64Array, A: Float64Array, S: Float64Array): void {
    const K = this.K;
    const n = 2 * K;
    A.fill(0);
    this.stiffness(theta, S);
    for (let i = 0; i < K; i++) {
      A[i * n + K + i] = 1;
      for (let j = 0; j < K; j++) A[(K + i) * n + j] = -S[i * K + j];
      A[(K + i) * n + K + i] = -this.gammaOf(theta, i);
    }
  }

  /** Accumulates ∂L/∂θ given Abar = ∂L/∂A (row-major 2K×2K). */
  matrixVjp(theta: Float64Array, Abar: Float64Array, dTheta: Float64Array): void {
    const K = this.K;
    const n = 2 * K;
    for (let i = 0; i < K; i++) {
      const w = this.omegaOf(theta, i);
      // A[K+i, i] = −ω² − Σc, ω = e^u: ∂A/∂u = −2ω².
      dTheta[this.omega + i] += -2 * w * w * Abar[(K + i) * n + i];
      dTheta[this.damping + i] += -sigmoid(theta[this.damping + i]) * Abar[(K + i) * n + K + i];
    }
    for (let p = 0; p < this.nPairs; p++) {
      const i = this.pairI[p];
      const j = this.pairJ[p];
      const dc = -Abar[(K + i) * n + i] - Abar[(K + j) * n + j] + Abar[(K + i) * n + j] + Abar[(K + j) * n + i];
      dTheta[this.coupling + p] += dc * sigmoid(theta[this.coupling + p]);
    }
  }
}

/** A damped mode to start an (uncoupled) oscillator from: e^{−σt} A cos(f t + φ) per channel. */
export interface StartMode {
  frequency: number;
  decay: number;
  channels: { amplitude: number; phase: number }[];
}

/** Initial coupling strength of the ESPRIT start: small but with a usable softplus gradient. */
export const START_COUPLING = 1e-4;

/**
 * Coupling of an exact start (ESPRIT reproduces the window): Gauss–Newton takes a softplus
 * coupling towards 0 by one e-fold per iteration (each step is linear in its argument), so
 * from 1e-4 the polish spent ~11 extra iterations; 1e-8 leaves nothing to crawl.
 */
export const EXACT_START_COUPLING = 1e-8;

/**
 * θ of an (almost) uncoupled bank that reproduces the given modes exactly: oscillator i
 * carries mode i, with γ = 2σ and ω² = f² + σ² (the eigenvalues of x'' = −ω²x − γx' are
 * −γ/2 ± i√(ω² − γ²/4)), ω² reduced by the small start coupling's diagonal so the modes
 * move only to second order. Missing modes get spread frequencies and zero amplitude.
 */
export function startFromModes(
  lay: BankLayout,
  modes: StartMode[],
  offset: number[],
  theta = new Float64Array(lay.size),
  pendulum = false,
  coupling = START_COUPLING,
): Float64Array {
  const { K, C } = lay;
  const sc = softplusInv(coupling);
  for (let p = 0; p < lay.nPairs; p++) theta[lay.coupling + p] = sc;
  const fMax = modes.reduce((m, x) => Math.max(m, x.frequency), 1);
  const aMax = modes.reduce((m, x) => Math.max(m, ...x.channels.map((c) => c.amplitude)), 0);
  const weak = Array.from({ length: C }, () => ({ amplitude: 1e-2 * (aMax || 1), phase: 0 }));
  for (let i = 0; i < K; i++) {
    const m: StartMode = modes[i] ?? { frequency: fMax * (1 + 0.25 * (i - modes.length + 1)), decay: 0.05, channels: weak };
    const sigma = Math.max(m.decay, 1e-4);
    const w2 = Math.max(m.frequency * m.frequency + sigma * sigma - (K - 1) * coupling, 1e-6);
    theta[lay.omega + i] = 0.5 * Math.log(w2);
    theta[lay.damping + i] = softplusInv(2 * sigma);
    // The channel where the mode is strongest sets the oscillator's state; others scale by W.
    let ref = 0;
    for (let c = 1; c < m.channels.length; c++) if (m.channels[c].amplitude > m.channels[ref].amplitude) ref = c;
    const a = m.channels[ref]?.amplitude ?? 0;
    const ph = m.channels[ref]?.phase ?? 0;
    theta[lay.z0 + i] = a * Math.cos(ph);
    theta[lay.z0 + K + i] = -a * (sigma * Math.cos(ph) + m.frequency * Math.sin(ph));
    // A pendulum of amplitude a swings slower than its small-angle ω, by ≈ (1 − a²/16)
    // (first term of the elliptic-integral period): start at the ω that swings at the mode.
    if (pendulum && a < 2) theta[lay.omega + i] -= Math.log(1 - (a * a) / 16);
    for (let c = 0; c < C; c++) {
      const ch = m.channels[c];
      theta[lay.W + c * K + i] = ch && a > 0 ? (ch.amplitude / a) * Math.cos(ch.phase - ph) : c === ref ? 1 : 0;
    }
  }
  for (let c = 0; c < C; c++) theta[lay.offset + c] = offset[c] ?? 0;
  return theta;
}
