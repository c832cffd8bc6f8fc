/**
 * A Lagrangian neural network's equations of motion (Cranmer et al. 2020): a scalar MLP
 * L(q, q̇) on rows x = [q, q̇] (n positions, n velocities), and the accelerations the
 * Euler–Lagrange equations d/dt ∂L/∂q̇ = ∂L/∂q give,
 *
 *   q̈ = H⁻¹(∇_q L − M q̇),   H = ∂²L/∂q̇²,   Mᵢⱼ = ∂²L/∂q̇ᵢ∂qⱼ,
 *
 * with ∇L from mlp.ts's backward pass and the rows of [M H] from n of its Hessian–vector
 * products. The backward pass: for g = ∂ℓ/∂q̈ and λ = H⁻ᵀg, differentiating H q̈ = ∇_qL − M q̇
 * gives
 *
 *   ∂ℓ/∂θ = ∂/∂θ [λᵀ∇_qL − D²L[(0, λ), (q̇, q̈)]]   (λ, q̇, q̈ held fixed),
 *
 * the first term by mlp.ts's second-order pass, the second by the tangent kernel
 * (mlp-tangent.ts); ∂ℓ/∂x is the same expression's x-gradient less Mᵀλ in the q̇ entries
 * (q̇ is both an input of L and the direction M multiplies).
 */
import { MlpWorkspace, mlpBackward, mlpBackwardSecond, mlpForward, type MlpShape } from './mlp.js';
import { TangentWorkspace, mlpTangentBackward, mlpTangentForward } from './mlp-tangent.js';

/** Solves A·x = rhs (A row-major k×k, or Aᵀ·x = rhs) by Gaussian elimination with partial pivoting; NaN when A is singular. */
function solveSmall(A: Float64Array, aOff: number, k: number, transpose: boolean, rhs: Float64Array, rOff: number, out: Float64Array, oOff: number, scratch: Float64Array): void {
  const m = scratch;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) m[i * (k + 1) + j] = transpose ? A[aOff + j * k + i] : A[aOff + i * k + j];
    m[i * (k + 1) + k] = rhs[rOff + i];
  }
  const w = k + 1;
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let i = c + 1; i < k; i++) if (Math.abs(m[i * w + c]) > Math.abs(m[p * w + c])) p = i;
    if (p !== c) for (let j = c; j < w; j++) [m[c * w + j], m[p * w + j]] = [m[p * w + j], m[c * w + j]];
    const d = m[c * w + c];
    if (d === 0) {
      out.fill(NaN, oOff, oOff + k);
      return;
    }
    for (let i = c + 1; i < k; i++) {
      const f = m[i * w + c] / d;
      if (f !== 0) for (let j = c; j < w; j++) m[i * w + j] -= f * m[c * w + j];
    }
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = m[i * w + k];
    for (let j = i + 1; j < k; j++) s -= m[i * w + j] * out[oOff + j];
    out[oOff + i] = s / m[i * w + i];
  }
}

/** Every buffer of the forward and backward passes for up to `capacity` rows with n degrees of freedom. */
export class LagrangianWorkspace {
  readonly n: number;
  readonly capacity: number;
  readonly shape: MlpShape;
  /** Rows of the last forward pass. */
  rows = 0;
  /** @internal The MLP's passes (∇L and Hessian–vector products) and the tangent kernel. */
  readonly mlp: MlpWorkspace;
  readonly tangent: TangentWorkspace;
  /** ∇L per row, [rows][2n]. */
  readonly gradL: Float64Array;
  /** H = ∂²L/∂q̇² and M = ∂²L/∂q̇∂q per row, [rows][n][n] each (row i of M: ∂(∂L/∂q̇ᵢ)/∂q). */
  readonly H: Float64Array;
  readonly M: Float64Array;
  /** q̈ per row, [rows][n]: what `lagrangianForward` returns. */
  readonly acc: Float64Array;
  /** @internal Scratch: unit seeds, Hessian–vector products, λ, the directions, the seed of the tangent pass. */
  readonly ones: Float64Array;
  readonly e: Float64Array;
  readonly hv: Float64Array;
  readonly lambda: Float64Array;
  readonly dirA: Float64Array;
  readonly dirB: Float64Array;
  readonly seed: Float64Array;
  readonly dx2: Float64Array;
  readonly solve: Float64Array;

  constructor(n: number, hidden: readonly number[], activation: MlpShape['activation'], capacity: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`LagrangianWorkspace: n must be a positive integer, got ${n}`);
    this.n = n;
    this.capacity = capacity;
    this.shape = { input: 2 * n, hidden: [...hidden], output: 1, activation };
    this.mlp = new MlpWorkspace(this.shape, capacity);
    this.tangent = new TangentWorkspace(this.shape, capacity);
    const D = 2 * n;
    this.gradL = new Float64Array(capacity * D);
    this.H = new Float64Array(capacity * n * n);
    this.M = new Float64Array(capacity * n * n);
    this.acc = new Float64Array(capacity * n);
    this.ones = new Float64Array(capacity).fill(1);
    this.e = new Float64Array(capacity * D);
    this.hv = new Float64Array(capacity * D);
    this.lambda = new Float64Array(capacity * n);
    this.dirA = new Float64Array(capacity * D);
    this.dirB = new Float64Array(capacity * D);
    this.seed = new Float64Array(4 * capacity);
    this.dx2 = new Float64Array(capacity * D);
    this.solve = new Float64Array(n * (n + 1) + n);
  }
}

/**
 * Accelerations q̈ ([rows][n], `ws.acc`) of the Lagrangian MLP at the rows of x = [q, q̇]
 * ([rows][2n]); keeps ∇L, H and M for `lagrangianBackward`. A row whose H is singular gets NaN.
 */
export function lagrangianForward(theta: Float64Array, x: Float64Array, ws: LagrangianWorkspace): Float64Array {
  const { n, gradL, H, M, acc, e, hv } = ws;
  const D = 2 * n;
  const B = x.length / D;
  mlpForward(theta, x, ws.mlp);
  ws.rows = B;
  mlpBackward(theta, ws.mlp, ws.ones, null, gradL);
  for (let i = 0; i < n; i++) {
    e.fill(0, 0, B * D);
    for (let r = 0; r < B; r++) e[r * D + n + i] = 1;
    mlpBackwardSecond(theta, ws.mlp, e, null, hv);
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < n; j++) {
        M[r * n * n + i * n + j] = hv[r * D + j];
        H[r * n * n + i * n + j] = hv[r * D + n + j];
      }
    }
  }
  const rhs = ws.lambda; // scratch here: ∇_qL − M q̇
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < n; i++) {
      let s = gradL[r * D + i];
      for (let j = 0; j < n; j++) s -= M[r * n * n + i * n + j] * x[r * D + n + j];
      rhs[r * n + i] = s;
    }
    solveSmall(H, r * n * n, n, false, rhs, r * n, acc, r * n, ws.solve);
  }
  return acc;
}

/**
 * Backward pass after `lagrangianForward` at the same θ and x: for g = ∂ℓ/∂q̈ ([rows][n]),
 * adds ∂ℓ/∂θ into `grad` (when given; accumulates) and writes ∂ℓ/∂x ([rows][2n]) into `dx`
 * (when given).
 */
export function lagrangianBackward(theta: Float64Array, x: Float64Array, ws: LagrangianWorkspace, g: Float64Array, grad: Float64Array | null, dx: Float64Array | null): void {
  const { n, M, H, acc, lambda, dirA, dirB, seed, e } = ws;
  const D = 2 * n, B = ws.rows;
  if (g.length < B * n) throw new RangeError(`lagrangianBackward: g has ${g.length} entries, expected rows·n = ${B * n}`);
  for (let r = 0; r < B; r++) solveSmall(H, r * n * n, n, true, g, r * n, lambda, r * n, ws.solve);
  // λᵀ∇_qL: the MLP's second-order pass with ḡ = (λ, 0).
  e.fill(0, 0, B * D);
  for (let r = 0; r < B; r++) for (let i = 0; i < n; i++) e[r * D + i] = lambda[r * n + i];
  mlpBackwardSecond(theta, ws.mlp, e, grad, dx);
  // −D²L[(0, λ), (q̇, q̈)]: the tangent kernel with seed −1 on the mixed second tangent.
  dirA.fill(0, 0, B * D);
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < n; i++) {
      dirA[r * D + n + i] = lambda[r * n + i];
      dirB[r * D + i] = x[r * D + n + i];
      dirB[r * D + n + i] = acc[r * n + i];
    }
  }
  mlpTangentForward(theta, x.subarray(0, B * D), dirA.subarray(0, B * D), dirB.subarray(0, B * D), ws.tangent);
  seed.fill(0, 0, 3 * B);
  seed.fill(-1, 3 * B, 4 * B);
  mlpTangentBackward(ws.tangent, seed, grad, dx ? ws.dx2 : null);
  if (dx) {
    for (let r = 0; r < B; r++) {
      for (let k = 0; k < D; k++) dx[r * D + k] += ws.dx2[r * D + k];
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += M[r * n * n + i * n + j] * lambda[r * n + i];
        dx[r * D + n + j] -= s;
      }
    }
  }
}
