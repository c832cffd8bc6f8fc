/**
 * Vector-field terms (docs/architecture.md). A term is y' = f(t, y, θ) with its vector–Jacobian
 * product, so that the discrete adjoint can differentiate any solver's steps through it.
 *
 * Conventions, for every term:
 * - `y` has length `dim`, `θ` has length `nParams`; arrays are never resized or kept.
 * - `f` overwrites `dy`.
 * - `vjp` ACCUMULATES: `dyOut += vᵀ ∂f/∂y`, `dThetaOut += vᵀ ∂f/∂θ`. Accumulation lets
 *   terms be summed and solver stages be chained without temporaries.
 * - `jac`, where present, overwrites `J` (row-major dim × dim) with ∂f/∂y.
 */
export interface Term {
  readonly dim: number;
  readonly nParams: number;
  f(t: number, y: Float64Array, theta: Float64Array, dy: Float64Array): void;
  vjp(t: number, y: Float64Array, theta: Float64Array, v: Float64Array, dyOut: Float64Array, dThetaOut: Float64Array): void;
  jac?(t: number, y: Float64Array, theta: Float64Array, J: Float64Array): void;
  /** Set on special kinds so solvers can check what they are given. */
  readonly kind?: 'linear' | 'split';
}

/**
 * A linear, time-invariant term y' = A(θ) y. The exact-linear stepper advances it by
 * expm(A h); its adjoint needs only ∂L/∂A, mapped back to θ by `matrixVjp`.
 */
export interface LinearTerm extends Term {
  readonly kind: 'linear';
  /** Writes A(θ) (row-major dim × dim) into `A`. */
  matrix(theta: Float64Array, A: Float64Array): void;
  /** Accumulates `dThetaOut += ∂L/∂θ` given `Abar = ∂L/∂A` (row-major). */
  matrixVjp(theta: Float64Array, Abar: Float64Array, dThetaOut: Float64Array): void;
}

/**
 * A split (separable Hamiltonian) second-order term: y = [q, p], each of length `dim / 2`,
 * q' = a(t, p, θ) and p' = b(t, q, θ). Symplectic solvers (leapfrog, Yoshida) use the two
 * halves separately; every other solver sees it as an ordinary term through `f` and `vjp`.
 */
export interface SplitTerm extends Term {
  readonly kind: 'split';
  /** q' = a(t, p, θ): writes into `dq` (length dim/2). */
  dq(t: number, p: Float64Array, theta: Float64Array, dq: Float64Array): void;
  /** p' = b(t, q, θ): writes into `dp` (length dim/2). */
  dp(t: number, q: Float64Array, theta: Float64Array, dp: Float64Array): void;
  /** Accumulates vᵀ ∂a/∂p into `pOut` and vᵀ ∂a/∂θ into `dThetaOut`. */
  dqVjp(t: number, p: Float64Array, theta: Float64Array, v: Float64Array, pOut: Float64Array, dThetaOut: Float64Array): void;
  /** Accumulates vᵀ ∂b/∂q into `qOut` and vᵀ ∂b/∂θ into `dThetaOut`. */
  dpVjp(t: number, q: Float64Array, theta: Float64Array, v: Float64Array, qOut: Float64Array, dThetaOut: Float64Array): void;
}

export function isLinear(term: Term): term is LinearTerm {
  return term.kind === 'linear';
}

export function isSplit(term: Term): term is SplitTerm {
  return term.kind === 'split';
}

/**
 * Sum of terms on the same state, f = Σ fᵢ. Parameters are concatenated in order:
 * θ = [θ₁, θ₂, …]. A sum of a known-physics term and a neural term is a term.
 */
export function sumTerms(...terms: Term[]): Term {
  if (terms.length === 0) throw new Error('sumTerms needs at least one term');
  const dim = terms[0].dim;
  for (const t of terms) {
    if (t.dim !== dim) throw new Error(`sumTerms: terms have different state sizes (${dim} and ${t.dim})`);
  }
  const offsets: number[] = [];
  let nParams = 0;
  for (const t of terms) {
    offsets.push(nParams);
    nParams += t.nParams;
  }
  const tmp = new Float64Array(dim);
  const Jtmp = new Float64Array(dim * dim);
  const slice = (theta: Float64Array, i: number) => theta.subarray(offsets[i], offsets[i] + terms[i].nParams);
  const allJac = terms.every((t) => t.jac);
  return {
    dim,
    nParams,
    f(t, y, theta, dy) {
      terms[0].f(t, y, slice(theta, 0), dy);
      for (let i = 1; i < terms.length; i++) {
        terms[i].f(t, y, slice(theta, i), tmp);
        for (let k = 0; k < dim; k++) dy[k] += tmp[k];
      }
    },
    vjp(t, y, theta, v, dyOut, dThetaOut) {
      for (let i = 0; i < terms.length; i++) terms[i].vjp(t, y, slice(theta, i), v, dyOut, slice(dThetaOut, i));
    },
    jac: allJac
      ? (t, y, theta, J) => {
          terms[0].jac!(t, y, slice(theta, 0), J);
          for (let i = 1; i < terms.length; i++) {
            terms[i].jac!(t, y, slice(theta, i), Jtmp);
            for (let k = 0; k < J.length; k++) J[k] += Jtmp[k];
          }
        }
      : undefined,
  };
}
