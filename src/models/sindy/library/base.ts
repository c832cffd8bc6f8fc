/**
 * Candidate-function libraries Θ(x) of SINDy (Brunton, Proctor & Kutz 2016): each library
 * maps the state x (one value per variable) to a list of named features whose names are
 * expressions of the equation language (`1`, `x`, `x^2`, `x*y`, `sin(2*x)`), so a discovered
 * model prints as equations that can be read, edited and refitted. Libraries compose like
 * PySINDy's: `concat(a, b)` is a + b (all features of both), `tensor(a, b)` is a * b (every
 * product of one feature of each).
 */

/** A library as plain JSON, as configs and saved models hold it. */
export type LibrarySpec =
  | { kind: 'polynomial'; degree: number; bias?: boolean }
  | { kind: 'fourier'; frequencies: number }
  /** Expressions of the variables (their identifiers, see equations.ts), e.g. `["x*y/(1 + x^2)", "exp(-x)"]`. */
  | { kind: 'custom'; terms: string[] }
  | { kind: 'concat'; parts: LibrarySpec[] }
  | { kind: 'tensor'; parts: LibrarySpec[] };

export interface FeatureLibrary {
  readonly spec: LibrarySpec;
  /** Number of features for `nVars` variables. */
  size(nVars: number): number;
  /** Feature names in the equation language, given the variable names. */
  names(vars: readonly string[]): string[];
  /** Columns of Θ over many samples: one array per feature, each as long as the inputs. */
  columns(x: readonly Float64Array[]): Float64Array[];
  /**
   * Optional: the same columns, bit for bit, computed into `store[k]` (each at least as long
   * as the inputs) wherever a column needs storage; returned as views. The fit streams its
   * data through the library a block at a time, and a fresh array per column and block
   * would cost more than the products.
   */
  columnsTo?(x: readonly Float64Array[], store: readonly Float64Array[]): Float64Array[];
  /** Θ at one state: out[k] = θ_k(x). */
  point(x: Float64Array, out: Float64Array): void;
  /**
   * Optional: only the features listed in `which` at one state, out[k] = θ_k(x) for k in
   * `which` (other entries untouched), equal bit for bit to `point`. The ODE of a sparse
   * model evaluates just its active terms with it.
   */
  pointAt?(x: Float64Array, which: Int32Array, out: Float64Array): void;
  /** ∂θ_k/∂x_j at one state, overwriting J (row-major size × nVars). */
  gradient(x: Float64Array, J: Float64Array): void;
}

/** Most features a library may have: beyond it a degree or frequency count is a typo or damage. */
export const MAX_FEATURES = 5000;

/** The name of a product of two features: `1` drops out, so `1 * x` is `x`. */
export function productName(a: string, b: string): string {
  if (a === '1') return b;
  if (b === '1') return a;
  return `${a}*${b}`;
}
