/** Optimizers over flat parameter vectors: Adam with schedules, and L-BFGS with a strong Wolfe line search. */
export type { Optimizer, ObjectiveWithGradient } from './base.js';
export { constant, cosine, exponential, toSchedule } from './schedules.js';
export type { Schedule, CosineOptions } from './schedules.js';
export { Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { StrongWolfeLineSearch, trialStep } from './linesearch.js';
export type { LineSearchOptions, LineSearchResult, LineSearchStatus } from './linesearch.js';
export { lbfgs } from './lbfgs.js';
export type { LbfgsOptions, LbfgsResult, LbfgsReason } from './lbfgs.js';
export { train } from './train.js';
export type { TrainOptions, TrainProgress, TrainResult, TrainStopReason, Validation } from './train.js';
