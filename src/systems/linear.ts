/**
 * Linear systems y' = A(θ) y: one builder turns a matrix and its θ-adjoint into a
 * complete `LinearTerm` (f, vjp, jac), and `linearModes` reads the damped normal modes
 * off the eigenvalues of A. Systems then only write A(θ) and ∂L/∂θ from ∂L/∂A.
 */
import { EigenvalueDecomposition, Matrix, solve as solveDense } from 'ml-matrix';
import type { LinearTerm } from '../ode/term.js';
import type { NormalMode } from './base.js';

export interface LinearSpec {
  dim: number;
  nParams: number;
  /** Writes A(θ) (row-major dim × dim) into `A`; every entry must be written. */
  matrix(theta: Float64Array, A: Float64Array): void;
  /** Accumulates dThetaOut += Σ_ij Abar_ij ∂A_ij/∂θ. */
  matrixVjp(theta: Float64Array, Abar: Float64Array, dThetaOut: Float64Array): void;
}

/**
 * A `LinearTerm` from A(θ). f = A y; vjp: yOut += Aᵀ v and, since ∂(vᵀ A y)/∂A = v yᵀ,
 * θOut += matrixVjp(v yᵀ); jac = A. Workspaces are allocated once, here.
 */
export function linearTerm(spec: LinearSpec): LinearTerm {
  const { dim, nParams } = spec;
  const A = new Float64Array(dim * dim);
  const Abar = new Float64Array(dim * dim);
  return {
    kind: 'linear',
    dim,
    nParams,
    matrix: spec.matrix,
    matrixVjp: spec.matrixVjp,
    f(_t, y, theta, dy) {
      spec.matrix(theta, A);
      for (let i = 0; i < dim; i++) {
        let s = 0;
        const row = i * dim;
        for (let j = 0; j < dim; j++) s += A[row + j] * y[j];
        dy[i] = s;
      }
    },
    vjp(_t, y, theta, v, dyOut, dThetaOut) {
      spec.matrix(theta, A);
      for (let i = 0; i < dim; i++) {
        const vi = v[i];
        const row = i * dim;
        for (let j = 0; j < dim; j++) {
          dyOut[j] += vi * A[row + j];
          Abar[row + j] = vi * y[j];
        }
      }
      spec.matrixVjp(theta, Abar, dThetaOut);
    },
    jac(_t, _y, theta, J) {
      spec.matrix(theta, J);
    },
  };
}

/**
 * Damped normal modes of y' = A y: each complex pair α ± iβ of eigenvalues is a mode of
 * frequency β (rad/s) and decay −α (1/s); sorted by frequency. Real (overdamped)
 * eigenvalues are not oscillations and are left out, as in bench/bank/task.py.
 *
 * With `observeRow` c and `y0`, each mode's amplitude in the observed signal cᵀ y(t):
 * writing y0 = V a in the real eigenvector basis (columns v_re, v_im for a pair), the
 * pair contributes e^{αt}[(Pa₁+Qa₂) cos βt + (Pa₂−Qa₁) sin βt] with P = cᵀv_re,
 * Q = cᵀv_im, so its amplitude is √((P²+Q²)(a₁²+a₂²)).
 */
export function linearModes(A: Float64Array, dim: number, observeRow?: Float64Array, y0?: Float64Array): NormalMode[] {
  const M = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) M.set(i, j, A[i * dim + j]);
  const evd = new EigenvalueDecomposition(M);
  const re = evd.realEigenvalues;
  const im = evd.imaginaryEigenvalues;
  let coeffs: Matrix | undefined;
  const V = evd.eigenvectorMatrix;
  if (observeRow && y0) coeffs = solveDense(V, Matrix.columnVector(Array.from(y0)));
  const scale = Math.max(1e-300, ...re.map(Math.abs), ...im.map(Math.abs));
  const modes: NormalMode[] = [];
  for (let j = 0; j < dim; j++) {
    if (im[j] <= 1e-12 * scale) continue;
    // JAMA convention: the eigenvector of re + i·im (im > 0) is V[:, j] + i V[:, j + 1].
    const mode: NormalMode = { frequency: im[j], decay: -re[j] };
    if (coeffs && observeRow) {
      let P = 0;
      let Q = 0;
      for (let i = 0; i < dim; i++) {
        P += observeRow[i] * V.get(i, j);
        Q += observeRow[i] * V.get(i, j + 1);
      }
      const a1 = coeffs.get(j, 0);
      const a2 = coeffs.get(j + 1, 0);
      mode.amplitude = Math.sqrt((P * P + Q * Q) * (a1 * a1 + a2 * a2));
    }
    modes.push(mode);
  }
  return modes.sort((x, y) => x.frequency - y.frequency);
}
