/**
 * The echo-state reservoir (Jaeger 2001; Pathak et al. 2018): a sparse random recurrent
 * matrix W scaled to a chosen spectral radius, a sparse input map (each unit reads one
 * channel, as in Pathak et al.), a bias, and the leaky update
 *
 *   r_{k+1} = (1 − a) r_k + a tanh(W r_k + W_in u_k + b).
 *
 * Everything is drawn from one seeded Rng in a fixed order, so a reservoir is rebuilt bit
 * for bit from its seed and sizes: a saved ESN stores those, never the matrix.
 */
import { Rng } from '../../core/rng.js';

/** What a reservoir is built from (the ESN's configuration, less the readout's fields). */
export interface ReservoirShape {
  /** Reservoir units N. */
  size: number;
  /** Nonzeros in every row of W (each unit hears `degree` others). */
  degree: number;
  /** Largest |eigenvalue| of W after scaling. */
  spectralRadius: number;
  /** Leak rate a in (0, 1]; 1 is the plain tanh update. */
  leak: number;
  /** Input weights are uniform in [−inputScaling, inputScaling]. */
  inputScaling: number;
  /** Biases are uniform in [−bias, bias]. */
  bias: number;
}

/** A built reservoir: W in compressed sparse rows, the input map, the biases. */
export interface Reservoir {
  readonly size: number;
  readonly inputs: number;
  readonly leak: number;
  /** CSR of W: row i holds columns col[rowStart[i] … rowStart[i+1]) with values val[…]. */
  readonly rowStart: Int32Array;
  readonly col: Int32Array;
  readonly val: Float64Array;
  /** Unit i reads input channel inputChannel[i] with weight inputWeight[i]. */
  readonly inputChannel: Int32Array;
  readonly inputWeight: Float64Array;
  readonly bias: Float64Array;
  /** The spectral radius of W as drawn, before scaling (its estimate; 0 if W is nilpotent). */
  readonly drawnRadius: number;
}

/**
 * Builds the reservoir of `shape` for `inputs` channels from `seed`. The rows of W have
 * exactly `degree` distinct columns (a fixed in-degree rather than Erdős–Rényi's Poisson
 * one: no unit is left deaf), with values uniform in [−1, 1] before scaling.
 */
export function buildReservoir(shape: ReservoirShape, inputs: number, seed: number): Reservoir {
  const N = shape.size, d = Math.min(shape.degree, N);
  const rng = new Rng(seed);
  const rowStart = new Int32Array(N + 1);
  const col = new Int32Array(N * d);
  const val = new Float64Array(N * d);
  const picked = new Int32Array(N).fill(-1);
  for (let i = 0; i < N; i++) {
    rowStart[i] = i * d;
    for (let k = 0; k < d; k++) {
      let j = rng.int(N);
      while (picked[j] === i) j = rng.int(N);
      picked[j] = i;
      col[i * d + k] = j;
      val[i * d + k] = rng.uniformIn(-1, 1);
    }
  }
  rowStart[N] = N * d;
  const drawnRadius = spectralRadius(rowStart, col, val, N, rng.fork());
  if (drawnRadius > 0) for (let k = 0; k < val.length; k++) val[k] *= shape.spectralRadius / drawnRadius;
  const inputChannel = new Int32Array(N);
  const inputWeight = new Float64Array(N);
  const bias = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    inputChannel[i] = rng.int(inputs);
    inputWeight[i] = rng.uniformIn(-shape.inputScaling, shape.inputScaling);
    bias[i] = rng.uniformIn(-shape.bias, shape.bias);
  }
  return { size: N, inputs, leak: shape.leak, rowStart, col, val, inputChannel, inputWeight, bias, drawnRadius };
}

/** y = W x for W in CSR. */
export function csrMatvec(rowStart: Int32Array, col: Int32Array, val: Float64Array, x: Float64Array, y: Float64Array): void {
  const N = rowStart.length - 1;
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) s += val[k] * x[col[k]];
    y[i] = s;
  }
}

/** Power-iteration steps discarded before the growth rate is measured, and steps measured. */
const BURN_IN = 500;
const MEASURED = 4000;

/**
 * Spectral radius of a sparse, non-symmetric W: the mean logarithmic growth rate of a
 * power iteration, ρ ≈ exp(mean_k log ‖W x_k‖ / ‖x_k‖) over `MEASURED` steps after a
 * burn-in. A plain Rayleigh quotient fails here: the dominant eigenvalues of a random
 * matrix are usually a complex pair, so the iterate rotates and no single ratio settles,
 * but its norm grows like ρ^k times a bounded factor, so the mean log growth converges
 * (error O(1/MEASURED): scaled to 1.2, the ESN's default W has radius 1.2000005 by numpy's
 * dense eigenvalues, bench/reservoir). A dense eigendecomposition (ml-matrix) took 6.8 s at
 * N = 500 here; this takes about 50 ms.
 */
export function spectralRadius(rowStart: Int32Array, col: Int32Array, val: Float64Array, N: number, rng: Rng): number {
  let x = new Float64Array(N), y = new Float64Array(N);
  rng.fillNormal(x);
  let logGrowth = 0;
  for (let k = 0; k < BURN_IN + MEASURED; k++) {
    let nx = 0;
    for (let i = 0; i < N; i++) nx += x[i] * x[i];
    csrMatvec(rowStart, col, val, x, y);
    let ny = 0;
    for (let i = 0; i < N; i++) ny += y[i] * y[i];
    if (!(ny > 0)) return 0; // W^k x = 0: nilpotent on this start, radius 0
    if (k >= BURN_IN) logGrowth += 0.5 * Math.log(ny / nx);
    const s = 1 / Math.sqrt(ny);
    for (let i = 0; i < N; i++) y[i] *= s;
    [x, y] = [y, x];
  }
  return Math.exp(logGrowth / MEASURED);
}

/**
 * One leaky reservoir update in place: r ← (1 − a) r + a tanh(W r + W_in u + b), with
 * `scratch` (length N) holding W r.
 */
export function reservoirStep(res: Reservoir, r: Float64Array, u: Float64Array, scratch: Float64Array): void {
  csrMatvec(res.rowStart, res.col, res.val, r, scratch);
  const a = res.leak, N = res.size;
  for (let i = 0; i < N; i++) {
    const pre = scratch[i] + res.inputWeight[i] * u[res.inputChannel[i]] + res.bias[i];
    r[i] = a === 1 ? Math.tanh(pre) : (1 - a) * r[i] + a * Math.tanh(pre);
  }
}
