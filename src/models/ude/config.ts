/**
 * The configuration of the `ude` and `neural-ode` families: the known part (the equation
 * language), the network, the solver, the training and the SINDy step. One zod schema for
 * `check` and for `load`, so a config that fits is one that reloads.
 */
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { MLP_ACTIVATIONS, type MlpActivation } from '../../nn/mlp.js';
import { getSolver } from '../../ode/solvers/index.js';
import { fieldName } from '../saved.js';

export interface UdeConfig {
  /**
   * The known physics, in the equation language (docs/equations.md); the network's outputs
   * are added to the rates of `network.states`. Every state is named like a data channel or is
   * the velocity `x'` of a second-order one; no `input` or `observe` lines. Required for
   * `ude`; empty for `neural-ode` (the network is the whole field, one state per channel).
   * @example "const a = 1.3\nconst d = 1.8\nprey' = a*prey\npredator' = -d*predator"
   */
  equations: string;
  network: {
    /**
     * The states whose rates get a network output: a first-order state `x` adds to x', the
     * velocity `x'` of a second-order one to x''. Default null: every equation gets one.
     * @example ["prey", "predator"]
     */
    states: string[] | null;
    /** Hidden-layer widths. Default [16, 16]. */
    hidden: number[];
    /** Hidden nonlinearity, 'tanh' or 'softplus'. Default 'tanh'. */
    activation: MlpActivation;
  };
  /** ODE solver by registry name. Default 'dopri5'. */
  solver: string;
  /** Relative and absolute tolerances of adaptive solvers. Default 1e-6 and 1e-8. */
  rtol: number;
  atol: number;
  /** Largest number of solver steps per solve (a field that blows up stops there). Default 100000. */
  maxSteps: number;
  /** Adam steps before L-BFGS (a cosine schedule from `lr` to 0). Default { steps: 300, lr: 0.01 }. */
  adam: { steps: number; lr: number };
  /**
   * Adam steps (at `adam.lr`) fitting the network to finite-difference rates of the samples
   * minus the known part's, before the fit through the solver: a cheap start. Needs every
   * state observed on a uniform grid. Default 0 (none).
   */
  derivativeStart: number;
  /** L-BFGS iterations after Adam. Default 300. */
  maxIterations: number;
  /**
   * Multiple shooting (models/trajectory/shooting.ts): with `segments` ≥ 2, Adam and L-BFGS
   * first fit the window cut into that many segments, each from its own starting state (the
   * observed states from the data), tied by a continuity penalty of weight `continuity`; then
   * L-BFGS polishes on the whole rollout. For long oscillatory series, where one rollout from
   * a poor start settles on the mean. A weak penalty suits a network that starts near zero:
   * with a strong one the free starting states close the gaps first, and the segments settle
   * on the mean together (a neural ODE on ten periods of a damped oscillator, seed 0: loss
   * 0.5 at continuity 10, 3e-3 at 1). Default { segments: 1, continuity: 1 } (no shooting).
   */
  shooting: { segments: number; continuity: number };
  /** Fit the initial state (true, default) or hold it at the first sample. */
  fitInitial: boolean;
  /**
   * The SINDy step after the fit (Rackauckas et al. 2020): STLSQ on the network's outputs along
   * the fitted trajectory over polynomials of the states, giving the missing terms as an
   * equation. null: skipped. Default { degree: 2, threshold: 0.1 }.
   */
  sindy: { degree: number; threshold: number } | null;
}

export const udeDefaults: UdeConfig = {
  equations: '',
  network: { states: null, hidden: [16, 16], activation: 'tanh' },
  solver: 'dopri5',
  rtol: 1e-6,
  atol: 1e-8,
  maxSteps: 100_000,
  adam: { steps: 300, lr: 0.01 },
  derivativeStart: 0,
  maxIterations: 300,
  shooting: { segments: 1, continuity: 1 },
  fitInitial: true,
  sindy: { degree: 2, threshold: 0.1 },
};

export const udeConfigSchema = z.strictObject({
  equations: z.string(),
  network: z.strictObject({
    states: z.array(z.string().min(1)).min(1).nullable(),
    hidden: z.array(z.number().int().min(1).max(1024)).max(8),
    activation: z.enum(MLP_ACTIVATIONS as [MlpActivation, ...MlpActivation[]]),
  }),
  solver: z.string().refine((s) => {
    try {
      getSolver(s);
      return true;
    } catch {
      return false;
    }
  }, { message: 'is not a solver of the registry' }),
  rtol: z.number().min(1e-14).max(0.1),
  atol: z.number().min(1e-300).max(1),
  maxSteps: z.number().int().min(10).max(1e8),
  adam: z.strictObject({ steps: z.number().int().min(0).max(10_000_000), lr: z.number().positive().max(10) }),
  derivativeStart: z.number().int().min(0).max(10_000_000),
  maxIterations: z.number().int().min(0).max(10_000_000),
  // Optional so that models saved before it load (the defaults fill it in).
  shooting: z.strictObject({ segments: z.number().int().min(1).max(100_000), continuity: z.number().positive().max(1e12) }).optional(),
  fitInitial: z.boolean(),
  sindy: z.strictObject({ degree: z.number().int().min(1).max(5), threshold: z.number().min(0).max(1e6) }).nullable(),
});

/** The defaults merged with `partial` (one level deep for `network` and `adam`), checked: a ConfigError naming the first bad option. */
export function resolveUdeConfig(partial: Partial<UdeConfig>, defaults: UdeConfig = udeDefaults): UdeConfig {
  const merged = {
    ...defaults,
    ...partial,
    network: { ...defaults.network, ...(partial.network ?? {}) },
    adam: { ...defaults.adam, ...(partial.adam ?? {}) },
    shooting: { ...defaults.shooting, ...(partial.shooting ?? {}) },
  };
  const parsed = udeConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    throw new ConfigError(first.message.replace(/\s+/g, ' ').slice(0, 160), fieldName(first.path));
  }
  return parsed.data as UdeConfig;
}
