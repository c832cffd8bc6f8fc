/** Building and checking a trajectory model's parameter layout (base.ts explains the blocks). */
import { ConfigError } from '../../core/errors.js';
import type { Term } from '../../ode/term.js';
import type { TrajectoryLayout, TrajectoryModel, ThetaBlock } from './base.js';
import type { ObservationMap } from './observation.js';

/** The plain layout θ = [term params, z₀, observation params], all trained unless `frozen`. */
export function trajectoryLayout(term: Term, observation: ObservationMap, frozen?: TrajectoryLayout['frozen']): TrajectoryLayout {
  const z0 = term.nParams;
  const obs = z0 + term.dim;
  return {
    size: obs + observation.nParams,
    term: { offset: 0, length: term.nParams },
    z0: { offset: z0, length: term.dim },
    observation: { offset: obs, length: observation.nParams },
    ...(frozen ? { frozen: [...frozen] } : {}),
  };
}

/** ConfigError naming the block when the layout cannot serve the term and observation. */
export function checkTrajectoryModel(model: TrajectoryModel): void {
  const { term, observation, layout } = model;
  if (observation.stateDim !== term.dim) {
    throw new ConfigError(`reads a state of length ${observation.stateDim}; the term's state has length ${term.dim}`, 'observation');
  }
  const check = (name: string, b: ThetaBlock, want: number) => {
    if (b.length !== want) throw new ConfigError(`has length ${b.length}; it must be ${want}`, `layout.${name}`);
    if (!(Number.isInteger(b.offset) && b.offset >= 0 && b.offset + b.length <= layout.size)) {
      throw new ConfigError(`[${b.offset}, ${b.offset + b.length}) lies outside θ of length ${layout.size}`, `layout.${name}`);
    }
  };
  check('term', layout.term, term.nParams);
  check('z0', layout.z0, term.dim);
  check('observation', layout.observation, observation.nParams);
  for (const f of layout.frozen ?? []) {
    if (f !== 'term' && f !== 'z0' && f !== 'observation') throw new ConfigError(`names "${String(f)}"; the blocks are term, z0, observation`, 'layout.frozen');
  }
}
