/** The oscillator bank's configuration: its fields, defaults and validation. */
import { ConfigError } from '../../core/errors.js';

/**
 * The configuration a bank is fitted with, K resolved to a number (what the fit internals
 * and a saved model hold).
 */
export interface OscillatorBankConfig {
  /** Number of oscillators K (latent state 2K). */
  oscillators: number;
  /**
   * Largest K tried when `oscillators` is 'auto' (choose-k.ts). Default 8: the cost of the
   * choice grows with it, and a single observed signal rarely resolves more modes.
   */
  maxOscillators: number;
  /** Pendulum bank: −ω² sin x instead of −ω² x, stepped by RK4 (no exact propagator). Default false. */
  nonlinear: boolean;
  /** RK4 steps per sampling interval for the nonlinear bank. Default 1. */
  substeps: number;
  /**
   * How W and b are found: 'projected' solves them by least squares for every trajectory
   * (variable projection; the optimiser sees only the dynamics), 'learned' optimises them
   * with everything else. Default 'projected'.
   */
  observation: 'projected' | 'learned';
  /**
   * Starts tried: the pure ESPRIT start and `restarts − 1` seeded perturbations, each fitted
   * on the first (1 − holdout) of the window and scored on its forecast of the rest (every
   * iterate is scored, the unpolished start included, and the best kept). Skipped when the
   * ESPRIT start already reproduces the head and its tail to NRMSE 1e-6. 1 skips the held-out
   * selection. Default 3.
   */
  restarts: number;
  /**
   * Fraction of the window held out to choose among restarts and to stop their polishing
   * early. Default 0.3: a 2 s tail (0.2) is dominated by the weak modes a small bank leaves
   * out and cannot see a drift that only grows beyond it.
   */
  holdout: number;
  /** Scale of the restarts' perturbations (log-frequency sd; others scaled from it). Default 0.01. */
  perturbation: number;
  /** Iteration cap per fit (L-BFGS iterations plus Levenberg–Marquardt Jacobians). Default 500. */
  maxIterations: number;
  /** Adam step cap, used only from a poor start. Default 1000. */
  adamSteps: number;
  /** Adam's initial learning rate (cosine schedule to 0). Default 0.01. */
  adamLr: number;
  /**
   * Adam runs first only when the start's NRMSE exceeds this. Default 0.3: an ESPRIT start
   * sits at the noise level, so the reference's 1e-2 would send every noisy fit (5% noise:
   * start NRMSE 0.07) through thousands of Adam steps that L-BFGS does not need.
   */
  adamThreshold: number;
  /** Adam hands over to L-BFGS below this NRMSE. Default 1e-3. */
  adamStop: number;
  /** L-BFGS stops after 3 iterations in a row that lower the loss by less than relTol·loss. Default 1e-4. */
  relTol: number;
  /**
   * Weight κ of the penalty on cancelling oscillators: each fit adds λ Σ_i ‖W_i x_i‖² / (N·var y)
   * (every oscillator's contribution energy, invariant to its scale) with λ = κ × the start's
   * squared NRMSE. Without it a bank with too few oscillators can trade the modes it should
   * carry for two near-degenerate oscillators with huge cancelling weights — a beat that fits
   * the window a little better and explodes beyond it. Default 0.03 (measured on the demo
   * signal with 5% noise: 0 lets K = 2 and K = 4 cancel into beats with beyond-window NRMSE
   * 3–6; 0.01–0.03 keeps every seed's amplitudes bounded); 0 turns it off.
   */
  cancellationPenalty: number;
  /**
   * Pendulum bank only (with restarts > 1): coupling strengths of its coupled starts, one
   * start per value, besides the uncoupled ESPRIT start (pendulum-fit.ts). Unit: 1/s², like
   * ω². Default [0.03, 0.1, 0.2] (the size of the demo's springs, 0.05–0.19; the lowest-ℓ
   * fit among them and the uncoupled start extrapolates the demo to beyond-window NRMSE 0.020).
   */
  startCouplings: number[];
}

/**
 * The family's options: as OscillatorBankConfig, but K may be left to the data.
 * `oscillators`: a positive integer, or 'auto' (default) to choose K ≤ `maxOscillators`
 * by an information criterion on ESPRIT fits of the window (choose-k.ts). Example: `2`.
 */
export type OscillatorBankOptions = Omit<OscillatorBankConfig, 'oscillators'> & { oscillators: number | 'auto' };

/** Cap on K (given or chosen) and on `substeps`: beyond them a fit or forecast cannot finish. */
export const MAX_OSCILLATORS = 64;
export const MAX_SUBSTEPS = 1000;

export const DEFAULTS: OscillatorBankOptions = {
  oscillators: 'auto',
  maxOscillators: 8,
  nonlinear: false,
  substeps: 1,
  observation: 'projected',
  restarts: 3,
  holdout: 0.3,
  perturbation: 0.01,
  maxIterations: 500,
  adamSteps: 1000,
  adamLr: 0.01,
  adamThreshold: 0.3,
  adamStop: 1e-3,
  relTol: 1e-4,
  cancellationPenalty: 0.03,
  startCouplings: [0.03, 0.1, 0.2],
};

/**
 * Refuses a configuration that cannot work, with a ConfigError naming the option: every
 * numeric option must be a finite number in its range (negative, zero where meaningless,
 * NaN and ±Infinity are refused), every enumerated one one of its values.
 */
export function checkConfig(c: OscillatorBankOptions): void {
  const num = (name: keyof OscillatorBankOptions, ok: (v: number) => boolean, range: string) => {
    const v = c[name] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ConfigError(`must be ${range}, got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`, name);
  };
  const int = (name: keyof OscillatorBankOptions, min: number, max = Number.MAX_SAFE_INTEGER) =>
    num(name, (v) => Number.isInteger(v) && v >= min && v <= max, max < Number.MAX_SAFE_INTEGER ? `an integer in [${min}, ${max}]` : `an integer ≥ ${min}`);
  if (c.oscillators !== 'auto') int('oscillators', 1, MAX_OSCILLATORS);
  int('maxOscillators', 1, MAX_OSCILLATORS);
  int('substeps', 1, MAX_SUBSTEPS);
  int('restarts', 1);
  int('maxIterations', 0);
  int('adamSteps', 0);
  num('holdout', (v) => v > 0 && v < 0.5, 'in (0, 0.5)');
  num('perturbation', (v) => v > 0, 'a positive number');
  num('adamLr', (v) => v > 0, 'a positive number');
  num('adamThreshold', (v) => v >= 0, 'a number ≥ 0 (0 sends every fit through Adam first)');
  num('adamStop', (v) => v > 0, 'a positive number');
  num('relTol', (v) => v > 0 && v < 1, 'in (0, 1)');
  num('cancellationPenalty', (v) => v >= 0, 'a number ≥ 0 (0 turns the penalty off)');
  const sc = c.startCouplings as unknown;
  if (!Array.isArray(sc) || sc.length > 16 || !sc.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new ConfigError(`must be a list of at most 16 positive numbers, got ${JSON.stringify(sc)}`, 'startCouplings');
  }
  if (typeof c.nonlinear !== 'boolean') throw new ConfigError(`must be true or false, got ${JSON.stringify(c.nonlinear)}`, 'nonlinear');
  if (c.observation !== 'projected' && c.observation !== 'learned') {
    throw new ConfigError(`must be 'projected' or 'learned', got ${JSON.stringify(c.observation)}`, 'observation');
  }
}
