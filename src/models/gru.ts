/**
 * The GRU family: a gated recurrent unit (nn/gru.ts, Cho et al. 2014) and a linear readout,
 * with the LSTM's data handling, training modes (one step ahead, rollout, scheduled
 * sampling) and inference (models/recurrent/family.ts), all on the closed-loop kernel
 * (nn/closed-loop.ts). A black-box baseline; not in the default demo (`lawful demo
 * --scenario architectures` fits it).
 */
import { gruCell } from '../nn/gru.js';
import { RECURRENT_SEARCH } from './recurrent/config.js';
import { recurrentFamily } from './recurrent/family.js';

export type { RecurrentConfig as GruConfig } from './recurrent/config.js';

export const gruFamily = recurrentFamily('gru', { cell: gruCell, kernelCell: 'gru' }, {
  capabilities: { uniformGrid: true, relativeCost: 3, inReferenceExperiment: false, searchSpace: RECURRENT_SEARCH, ensembles: true },
  description: 'One-layer GRU with a linear readout, trained teacher-forced or through its own rollout (black-box baseline).',
  quick: { hidden: 3, window: 8, burnIn: 2, batch: 4, shares: 1, maxSteps: 12, evalEvery: 4, patience: 2, maxValidationTargets: 16 },
});
