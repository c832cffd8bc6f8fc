import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix, inverse } from 'ml-matrix';
import { createExpm, createExpmFrechet, expm } from '../../src/core/expm.js';
import { identity, matmul, norm1, qrFactor, qrQ, transpose } from '../../src/core/linalg.js';
import { Rng } from '../../src/core/rng.js';

/** max |X − Y| / max(1, max |Y|). */
function relErr(X: Float64Array, Y: Float64Array): number {
  let d = 0;
  let s = 1;
  for (let i = 0; i < Y.length; i++) {
    d = Math.max(d, Math.abs(X[i] - Y[i]));
    s = Math.max(s, Math.abs(Y[i]));
  }
  return d / s;
}

function randomMatrix(rng: Rng, n: number, sd = 1): Float64Array {
  return rng.fillNormal(new Float64Array(n * n), 0, sd);
}

function fromMatrix(M: Matrix): Float64Array {
  return Float64Array.from(M.to1DArray());
}

function toMatrix(A: Float64Array, n: number): Matrix {
  return new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, (i + 1) * n))));
}

/** Random orthogonal Q (the Q of a Householder QR of a Gaussian matrix). */
function randomOrthogonal(rng: Rng, n: number): Float64Array {
  const QR = randomMatrix(rng, n);
  const tau = new Float64Array(n);
  qrFactor(QR, n, n, tau);
  return qrQ(QR, n, tau);
}

describe('expm (Higham 2005 scaling and squaring)', () => {
  it('maps the rotation generator [[0, −θ], [θ, 0]] to the rotation by θ, for every Padé degree', () => {
    // Norms straddling each θ_m threshold exercise degrees 3, 5, 7, 9, 13 and scaling.
    for (const theta of [1e-3, 0.1, 0.5, 1.5, 4, 10, 123.4]) {
      const E = expm(Float64Array.of(0, -theta, theta, 0), 2);
      const c = Math.cos(theta);
      const s = Math.sin(theta);
      const err = relErr(E, Float64Array.of(c, -s, s, c));
      expect(err, `θ = ${theta}`).toBeLessThan(theta < 20 ? 4e-15 : 2e-13);
    }
  });

  it('sums the finite series of a strictly upper triangular (nilpotent) matrix', () => {
    const rng = new Rng(1);
    for (const scale of [0.01, 1, 5]) {
      const n = 6;
      const N = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) N[i * n + j] = scale * rng.normal();
      // e^N = Σ_{k<n} N^k / k!, exactly (N^n = 0).
      const series = identity(n);
      let P = identity(n);
      let fact = 1;
      for (let k = 1; k < n; k++) {
        P = matmul(P, N, n, n, n);
        fact *= k;
        for (let i = 0; i < n * n; i++) series[i] += P[i] / fact;
      }
      expect(relErr(expm(N, n), series), `scale ${scale}`).toBeLessThan(1e-14);
    }
  });

  it('gives e^λ (I + N + N²/2 + N³/6) for a defective Jordan block λI + N', () => {
    const n = 4;
    for (const lambda of [-3, 0.2, 2.5]) {
      const J = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        J[i * n + i] = lambda;
        if (i + 1 < n) J[i * n + i + 1] = 1;
      }
      const want = new Float64Array(n * n);
      const f = [1, 1, 1 / 2, 1 / 6];
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) want[i * n + j] = Math.exp(lambda) * f[j - i];
      expect(relErr(expm(J, n), want), `λ = ${lambda}`).toBeLessThan(1e-14);
    }
  });

  it('agrees with V e^D V⁻¹ from ml-matrix’s eigen-decomposition of random matrices', () => {
    const rng = new Rng(7);
    const exp = createExpm(8);
    let worst = 0;
    for (let trial = 0; trial < 10; trial++) {
      const n = 8;
      const A = randomMatrix(rng, n, 0.3 + 0.3 * trial);
      const evd = new EigenvalueDecomposition(toMatrix(A, n));
      const V = evd.eigenvectorMatrix;
      const D = evd.diagonalMatrix;
      // ml-matrix returns the real block form: 2×2 blocks [[a, b], [−b, a]] for a ± ib.
      expect(relErr(fromMatrix(toMatrix(A, n).mmul(V)), fromMatrix(V.mmul(D)))).toBeLessThan(1e-12);
      const eD = Matrix.zeros(n, n);
      for (let i = 0; i < n; i++) {
        const b = i + 1 < n ? D.get(i, i + 1) : 0;
        if (b !== 0) {
          const ea = Math.exp(D.get(i, i));
          eD.set(i, i, ea * Math.cos(b));
          eD.set(i, i + 1, ea * Math.sin(b));
          eD.set(i + 1, i, -ea * Math.sin(b));
          eD.set(i + 1, i + 1, ea * Math.cos(b));
          i++;
        } else eD.set(i, i, Math.exp(D.get(i, i)));
      }
      const want = fromMatrix(V.mmul(eD).mmul(inverse(V)));
      worst = Math.max(worst, relErr(exp(A), want));
    }
    // The reference itself carries κ(V)·ε of error; 1e-11 leaves room for that.
    expect(worst).toBeLessThan(1e-11);
  });

  it('stays accurate at ‖A‖₁ ≈ 100 through scaling (orthogonally similar rotation blocks and a symmetric decay)', () => {
    const rng = new Rng(11);
    const n = 8;
    // Skew-symmetric A = Q B Qᵀ, B = blockdiag([[0, −ω_k], [ω_k, 0]]): e^A = Q e^B Qᵀ exactly.
    const Q = randomOrthogonal(rng, n);
    const Qt = transpose(Q, n, n);
    const omegas = [40, -25.5, 60.25, 33.3];
    const B = new Float64Array(n * n);
    const eB = new Float64Array(n * n);
    omegas.forEach((w, k) => {
      const i = 2 * k;
      B[i * n + i + 1] = -w;
      B[(i + 1) * n + i] = w;
      eB[i * n + i] = eB[(i + 1) * n + i + 1] = Math.cos(w);
      eB[i * n + i + 1] = -Math.sin(w);
      eB[(i + 1) * n + i] = Math.sin(w);
    });
    const A = matmul(matmul(Q, B, n, n, n), Qt, n, n, n);
    const want = matmul(matmul(Q, eB, n, n, n), Qt, n, n, n);
    let norm = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(A[i * n + j]);
      norm = Math.max(norm, s);
    }
    expect(norm).toBeGreaterThan(60);
    const err = relErr(expm(A, n), want);
    expect(err).toBeLessThan(1e-12);

    // Symmetric negative definite (a stiff decay), eigenvalues down to −100.
    const lambdas = [-100, -50, -20, -5, -1, -0.1, 0, 0.5];
    const L = new Float64Array(n * n);
    const eL = new Float64Array(n * n);
    lambdas.forEach((l, i) => {
      L[i * n + i] = l;
      eL[i * n + i] = Math.exp(l);
    });
    const S = matmul(matmul(Q, L, n, n, n), Qt, n, n, n);
    const wantS = matmul(matmul(Q, eL, n, n, n), Qt, n, n, n);
    expect(relErr(expm(S, n), wantS)).toBeLessThan(1e-13);
  });

  it('satisfies e^A e^{−A} = I and e^A = (e^{A/2})²', () => {
    const rng = new Rng(3);
    const n = 12;
    for (const sd of [0.05, 0.5, 2]) {
      const A = randomMatrix(rng, n, sd);
      const minus = A.map((a) => -a);
      const Ep = expm(A, n);
      const Em = expm(minus, n);
      const prod = matmul(Ep, Em, n, n, n);
      // Rounding in the product alone is of order ε‖e^A‖‖e^{−A}‖, so measure against that.
      const scale = norm1(Ep, n, n) * norm1(Em, n, n);
      expect(relErr(prod, identity(n)) / scale, `sd ${sd}`).toBeLessThan(1e-14);
      const half = expm(A.map((a) => a / 2), n);
      expect(relErr(expm(A, n), matmul(half, half, n, n, n))).toBeLessThan(1e-13);
    }
  });

  it('writes into out (allowed to be A itself), reuses its workspace and returns NaN for non-finite input', () => {
    const exp = createExpm(2);
    const A = Float64Array.of(0, -1, 1, 0);
    const out = new Float64Array(4);
    expect(exp(A, out)).toBe(out);
    expect(relErr(out, Float64Array.of(Math.cos(1), -Math.sin(1), Math.sin(1), Math.cos(1)))).toBeLessThan(1e-15);
    exp(A, A); // in place
    expect(relErr(A, out)).toBe(0);
    expect(Array.from(exp(Float64Array.of(NaN, 0, 0, 0))).every(Number.isNaN)).toBe(true);
    expect(Array.from(exp(Float64Array.of(Infinity, 0, 0, 0))).every(Number.isNaN)).toBe(true);
    expect(relErr(expm(new Float64Array(9), 3), identity(3))).toBe(0);
  });
});

describe('createExpmFrechet', () => {
  it('matches central differences of e^{A+εE} and gives the adjoint L(Aᵀ, G)', () => {
    const rng = new Rng(5);
    const n = 5;
    const A = randomMatrix(rng, n, 0.8);
    const E = randomMatrix(rng, n, 1);
    const frechet = createExpmFrechet(n);
    const F = new Float64Array(n * n);
    const L = new Float64Array(n * n);
    frechet(A, E, F, L);
    expect(relErr(F, expm(A, n))).toBeLessThan(1e-14);
    const h = 1e-5;
    const fd = new Float64Array(n * n);
    const Ep = expm(A.map((a, i) => a + h * E[i]), n);
    const Em = expm(A.map((a, i) => a - h * E[i]), n);
    for (let i = 0; i < n * n; i++) fd[i] = (Ep[i] - Em[i]) / (2 * h);
    expect(relErr(L, fd)).toBeLessThan(1e-8);

    // ⟨G, L(A, E)⟩ = ⟨L(Aᵀ, G), E⟩ (the identity the adjoint of a linear step relies on).
    const G = randomMatrix(rng, n, 1);
    const Lt = new Float64Array(n * n);
    frechet(transpose(A, n, n), G, F, Lt);
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < n * n; i++) {
      lhs += G[i] * L[i];
      rhs += Lt[i] * E[i];
    }
    expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-13);
  });
});
