/**
 * The configuration shared by the neural vector-field families (`hnn`, `mlp-vector-field`):
 * the network, the training, how channels map to the state (q, p), and how derivatives are
 * estimated. One schema for `check` and for `load`, so a config that fits is one that reloads.
 */
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { MLP_ACTIVATIONS, type MlpActivation } from '../../nn/mlp.js';
import { MAX_FD_ORDER } from '../sindy/differentiation/index.js';
import { fieldName } from '../saved.js';

export interface VectorFieldConfig {
  /** Hidden-layer widths. Default [200, 200] (Greydanus et al. 2019). */
  hidden: number[];
  /** Hidden nonlinearity, 'tanh' or 'softplus'. Default 'tanh'. */
  activation: MlpActivation;
  /** Full-batch Adam steps. Default 2000. */
  steps: number;
  /** Adam step size. Default 1e-3. */
  lr: number;
  /**
   * The step size over the steps: 'constant' (default), or 'cosine' — annealed from `lr` to 0
   * (Loshchilov & Hutter 2017), which settles a full-batch fit that Adam's noise keeps stirring.
   */
  schedule?: 'constant' | 'cosine';
  /** Decoupled weight decay (AdamW). Default 1e-4. */
  weightDecay: number;
  /**
   * Largest Euclidean norm of the gradient Adam sees (Pascanu et al. 2013); null for none.
   * Default null (lnn: 1 — where its Hessian ∂²L/∂q̇² is nearly singular at initialisation, one
   * huge gradient would inflate Adam's second moments and stall it for thousands of steps).
   */
  clipNorm?: number | null;
  /**
   * Names of the channels that are positions q, in order. Default null: the first half of the
   * channels (with `momenta: 'observed'`), or every channel (with `momenta: 'velocity'`).
   * @example ["q1", "q2"]
   */
  positions: string[] | null;
  /**
   * Where the momenta p come from. 'observed' (default): the channels that are not positions,
   * in order, one per position. 'velocity': none is observed; p is the estimated dq/dt —
   * canonical for a constant unit mass, and for any constant mass up to the scale of H.
   */
  momenta: 'observed' | 'velocity';
  /**
   * How the derivative targets are estimated from samples (the methods SINDy uses). Default
   * `{ method: 'finite-difference', order: 2 }`; on an irregular clock only finite differences apply.
   */
  differentiation: { method: 'finite-difference'; order?: number } | { method: 'savitzky-golay'; window?: number; degree?: number };
  /** Relative tolerance of the dopri5 rollouts. Default 1e-9. */
  rtol: number;
  /**
   * hnn only: learn H(q, p) = T(p) + V(q), two MLPs, so rollouts use Yoshida's symplectic
   * splitting (yoshida4). Default false (a general H, rolled out by dopri5).
   */
  separable: boolean;
  /** Step of the symplectic rollouts (separable H), in the unit of t. Default 0.01. */
  rolloutStep: number;
}

export const vectorFieldDefaults: VectorFieldConfig = {
  hidden: [200, 200],
  activation: 'tanh',
  steps: 2000,
  lr: 1e-3,
  schedule: 'constant',
  weightDecay: 1e-4,
  clipNorm: null,
  positions: null,
  momenta: 'observed',
  differentiation: { method: 'finite-difference', order: 2 },
  rtol: 1e-9,
  separable: false,
  rolloutStep: 0.01,
};

export const vectorFieldConfigSchema = z.strictObject({
  hidden: z.array(z.number().int().min(1).max(4096)).max(8),
  activation: z.enum(MLP_ACTIVATIONS as [MlpActivation, ...MlpActivation[]]),
  steps: z.number().int().min(0).max(10_000_000),
  lr: z.number().positive().max(10),
  schedule: z.enum(['constant', 'cosine']).optional(),
  weightDecay: z.number().min(0).max(1),
  clipNorm: z.number().positive().nullable().optional(),
  positions: z.array(z.string().min(1)).min(1).nullable(),
  momenta: z.enum(['observed', 'velocity']),
  differentiation: z.discriminatedUnion('method', [
    z.strictObject({ method: z.literal('finite-difference'), order: z.number().int().min(1).max(MAX_FD_ORDER).optional() }),
    z.strictObject({
      method: z.literal('savitzky-golay'),
      window: z.number().int().min(3).max(1001).refine((w) => w % 2 === 1, { message: 'must be odd' }).optional(),
      degree: z.number().int().min(1).max(20).optional(),
    }),
  ]),
  rtol: z.number().min(1e-14).max(0.1),
  separable: z.boolean(),
  rolloutStep: z.number().min(1e-6).max(1e6),
});

/** The defaults merged with `partial`, checked: a ConfigError naming the first bad option. */
export function resolveVectorFieldConfig(partial: Partial<VectorFieldConfig>): VectorFieldConfig {
  const parsed = vectorFieldConfigSchema.safeParse({ ...vectorFieldDefaults, ...partial });
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    throw new ConfigError(first.message.replace(/\s+/g, ' ').slice(0, 160), fieldName(first.path));
  }
  return parsed.data as VectorFieldConfig;
}

/** Where each channel sits in the state [q₁ … qₙ, p₁ … pₙ]: `index[c]`, and the n positions' channels. */
export interface Coordinates {
  /** Number of degrees of freedom n (the state has 2n entries). */
  n: number;
  /** Per channel, its index in the state. */
  index: number[];
  /** Channel of each position qᵢ. */
  q: number[];
  /** Channel of each momentum pᵢ; null when p is the estimated velocity. */
  p: number[] | null;
  /** State names: the channel names, velocities as "d<q>/dt". */
  names: string[];
}

/** Maps `channels` to (q, p) as the config says; a ConfigError naming `positions` or `momenta` otherwise. */
export function resolveCoordinates(channels: readonly string[], config: Pick<VectorFieldConfig, 'positions' | 'momenta'>): Coordinates {
  const C = channels.length;
  const velocity = config.momenta === 'velocity';
  let q: number[];
  if (config.positions) {
    q = config.positions.map((name) => {
      const c = channels.indexOf(name);
      if (c < 0) throw new ConfigError(`names "${name}", which is not a channel (channels: ${channels.join(', ')})`, 'positions');
      return c;
    });
    if (new Set(q).size !== q.length) throw new ConfigError('names a channel twice', 'positions');
  } else if (velocity) {
    q = channels.map((_, c) => c);
  } else {
    if (C % 2 !== 0) {
      throw new ConfigError(`the first half of the channels are positions and the second half momenta, but there are ${C} channels (${channels.join(', ')}); name the positions, or set momenta to "velocity" to estimate p as dq/dt`, 'positions');
    }
    q = channels.slice(0, C / 2).map((_, c) => c);
  }
  const rest = channels.map((_, c) => c).filter((c) => !q.includes(c));
  let p: number[] | null = null;
  if (velocity) {
    if (rest.length) throw new ConfigError(`is "velocity", so every channel must be a position; ${rest.map((c) => channels[c]).join(', ')} is not`, 'momenta');
  } else {
    if (rest.length !== q.length) throw new ConfigError(`${q.length} position${q.length > 1 ? 's' : ''} need as many momentum channels; the other channels are ${rest.map((c) => channels[c]).join(', ') || 'none'}`, 'positions');
    p = rest;
  }
  const n = q.length;
  const index = new Array<number>(C);
  q.forEach((c, i) => (index[c] = i));
  p?.forEach((c, i) => (index[c] = n + i));
  const names = [...q.map((c) => channels[c]), ...(p ? p.map((c) => channels[c]) : q.map((c) => `d${channels[c]}/dt`))];
  return { n, index, q, p, names };
}
