/**
 * The LSTM family: the black-box baseline of the reference experiment. One LSTM layer
 * (nn/lstm.ts) and a linear readout predict the next sample of every channel from the
 * previous `window` samples. By default it is trained teacher-forced one step ahead on
 * windows cut from the training series (as the PyTorch peer bench/lstm/peer_torch.py does),
 * with Adam and early stopping on the held-out end of the span; `training: 'rollout'` or
 * `'scheduled'` trains it through its own free run instead. Data handling, training modes
 * and inference are the recurrent families' (models/recurrent/family.ts). It fits the
 * training window closely and is expected to fail beyond it — that failure is what the
 * evaluator shows.
 *
 * One-step training without increments runs the LSTM's fused teacher-forced kernel
 * (WebAssembly SIMD where available); every other mode the closed-loop kernel's LSTM cell
 * on the same θ layout.
 */
import { lstmCell } from '../nn/closed-loop-lstm.js';
import type { TeamKernel } from '../nn/team.js';
import { lstmKernel } from '../nn/kernels.js';
import { LstmWorkspace, lstmForward } from '../nn/lstm.js';
import type { LoopShape } from '../nn/closed-loop.js';
import { RECURRENT_SEARCH } from './recurrent/config.js';
import { recurrentFamily } from './recurrent/family.js';

export type { LstmConfig } from './recurrent/config.js';

const lstmShape = (s: LoopShape) => ({ input: s.channels, hidden: s.hidden, output: s.channels });

export const lstmFamily = recurrentFamily(
  'lstm',
  {
    cell: lstmCell,
    kernelCell: 'lstm',
    windows(shape, batch, steps) {
      const ws = new LstmWorkspace(lstmShape(shape), batch, steps);
      return (theta, x) => {
        lstmForward(theta, x, ws);
        return ws.pred;
      };
    },
    oneStep: (shape, steps, burnIn, precision, stateful) => ({ kernel: lstmKernel as TeamKernel<unknown>, spec: { shape: lstmShape(shape), steps, burnIn, precision, stateful } }),
  },
  {
    capabilities: { uniformGrid: true, relativeCost: 3, searchSpace: RECURRENT_SEARCH, ensembles: true },
    description: 'One-layer LSTM with a linear readout, trained teacher-forced on sliding windows or through its own rollout (black-box baseline).',
    // Tiny on purpose: the contract test fits every family several times in seconds.
    quick: { hidden: 3, window: 8, burnIn: 2, batch: 4, shares: 1, maxSteps: 12, evalEvery: 4, patience: 2, maxValidationTargets: 16 },
  },
);
