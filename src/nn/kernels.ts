/**
 * The data-parallel kernels a worker thread can serve, by name (functions cannot be posted to
 * a thread; a name can). A new kernel (a GRU, an MLP) is one entry here.
 */
import { LstmWorkspace, lstmLayout, lstmLossAndGrad, type LstmPrecision, type LstmShape } from './lstm.js';
import type { TeamKernel } from './team.js';

/** The LSTM kernel's specification: sequences of `steps` samples, the first `burnIn` positions left out of the loss. */
export interface LstmKernelSpec {
  shape: LstmShape;
  steps: number;
  burnIn: number;
  /** Arithmetic of the recurrent part (LstmWorkspace); default 'float64'. */
  precision?: LstmPrecision;
}

/** The LSTM's teacher-forced mean-squared loss over a batch: inputs x [batch][steps][input], targets [batch][steps][output]. */
export const lstmKernel: TeamKernel<LstmKernelSpec> = {
  name: 'lstm',
  size: (spec) => lstmLayout(spec.shape).size,
  widths: ({ shape, steps }) => [steps * shape.input, steps * shape.output],
  create({ shape, steps, burnIn, precision }, batch) {
    const ws = new LstmWorkspace(shape, batch, steps, burnIn, 'auto', precision);
    return (theta, [x, target], grad) => lstmLossAndGrad(theta, x, target, ws, grad);
  },
};

const KERNELS = new Map<string, TeamKernel<never>>([[lstmKernel.name, lstmKernel]]);

/** The kernel registered as `name`; an Error naming the known ones otherwise. */
export function getKernel(name: string): TeamKernel<unknown> {
  const k = KERNELS.get(name);
  if (!k) throw new Error(`no data-parallel kernel named "${name}"; known: ${[...KERNELS.keys()].join(', ')}`);
  return k as TeamKernel<unknown>;
}

/** Names of the registered kernels. */
export function kernelNames(): string[] {
  return [...KERNELS.keys()];
}
