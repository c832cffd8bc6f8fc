/**
 * The data-parallel kernels a worker thread can serve, by name (functions cannot be posted to
 * a thread; a name can). A new kernel (a GRU, an MLP) is one entry here.
 */
import { LstmWorkspace, lstmFinalState, lstmLayout, lstmLossAndGrad, type LstmPrecision, type LstmShape } from './lstm.js';
import type { TeamKernel } from './team.js';
import { LoopWorkspace, type CellKind, type LoopBackend, type LoopShape } from './closed-loop.js';
import { lstmCell } from './closed-loop-lstm.js';
import { gruCell } from './gru.js';

/** The LSTM kernel's specification: sequences of `steps` samples, the first `burnIn` positions left out of the loss. */
export interface LstmKernelSpec {
  shape: LstmShape;
  steps: number;
  burnIn: number;
  /** Arithmetic of the recurrent part (LstmWorkspace); default 'float64'. */
  precision?: LstmPrecision;
  /** A third input, each lane's initial state [2·hidden] (h, then c), overwritten with its final state (stateful windows). Default false. */
  stateful?: boolean;
}

/**
 * The LSTM's teacher-forced mean-squared loss over a batch: inputs x [batch][steps][input],
 * targets [batch][steps][output] and, stateful, the states [batch][2·hidden] carried in and out.
 */
export const lstmKernel: TeamKernel<LstmKernelSpec> = {
  name: 'lstm',
  size: (spec) => lstmLayout(spec.shape).size,
  widths: ({ shape, steps, stateful }) => [steps * shape.input, steps * shape.output, ...(stateful ? [2 * shape.hidden] : [])],
  carried: ({ stateful }) => (stateful ? [2] : []),
  create({ shape, steps, burnIn, precision }, batch) {
    const ws = new LstmWorkspace(shape, batch, steps, burnIn, 'auto', precision);
    return (theta, [x, target, state], grad) => {
      const loss = lstmLossAndGrad(theta, x, target, ws, grad, state);
      if (state) lstmFinalState(ws, state);
      return loss;
    };
  },
};

/** The recurrent cells the closed-loop kernel runs, by name. */
export const cellKinds: Readonly<Record<'lstm' | 'gru', CellKind>> = { lstm: lstmCell, gru: gruCell };

/** The closed-loop kernel's specification (nn/closed-loop.ts). */
export interface LoopKernelSpec {
  cell: keyof typeof cellKinds;
  shape: LoopShape;
  steps: number;
  burnIn: number;
  /** Scale of the predicted increment per channel, or null (closed-loop.ts). */
  increments: number[] | null;
  /** With increments: the input channel each channel's increment starts from (closed-loop.ts); default the same channel. */
  incrementFrom?: number[] | null;
  /** Where the products run (closed-loop.ts); default 'auto'. Every share of a team uses the same. */
  backend?: LoopBackend;
  /** A fourth input, each lane's initial state [cell's stateWidth], overwritten with its final state (stateful windows). Default false. */
  stateful?: boolean;
}

/**
 * A recurrent network's closed-loop mean-squared loss over a batch: observed inputs
 * x [batch][steps][C], targets [batch][steps][C], feed mask [batch][steps] (1: x_t, 0: ŷ_{t−1})
 * and, stateful, the states [batch][cell's stateWidth] carried in and out.
 */
export const loopKernel: TeamKernel<LoopKernelSpec> = {
  name: 'closed-loop',
  size: (spec) => cellKinds[spec.cell].layout(spec.shape).size,
  widths: ({ cell, shape, steps, stateful }) => [steps * shape.channels, steps * shape.channels, steps, ...(stateful ? [cellKinds[cell].stateWidth(shape)] : [])],
  carried: ({ stateful }) => (stateful ? [3] : []),
  create({ cell, shape, steps, burnIn, increments, incrementFrom, backend }, batch) {
    const ws = new LoopWorkspace(cellKinds[cell], shape, batch, steps, burnIn, increments, incrementFrom ?? null, backend);
    return (theta, [x, target, feed, state], grad) => {
      const loss = ws.lossAndGrad(theta, x, target, feed, grad, state);
      if (state) ws.finalState(state);
      return loss;
    };
  },
};

const KERNELS = new Map<string, TeamKernel<never>>([[lstmKernel.name, lstmKernel], [loopKernel.name, loopKernel]]);

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
