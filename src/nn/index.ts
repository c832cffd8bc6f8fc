/** nn/: fused kernels with hand-written backward passes (docs/architecture.md). */
export { sigmoid, softplus } from './activations.js';
export type { MlpActivation, MlpShape } from './mlp.js';
export { MLP_ACTIVATIONS, MlpWorkspace, initMlp, mlpBackward, mlpBackwardSecond, mlpForward, mlpLayout } from './mlp.js';
export { gemmNT, gemmTN } from './gemm.js';
export { TangentWorkspace, mlpTangentBackward, mlpTangentForward } from './mlp-tangent.js';
export { LagrangianWorkspace, lagrangianBackward, lagrangianForward } from './lagrangian.js';
export type { LstmBackend, LstmPrecision, LstmShape } from './lstm.js';
export { LstmWorkspace, initLstm, lstmForward, lstmLayout, lstmLossAndGrad } from './lstm.js';
export { LstmState, lstmStep } from './lstm-step.js';
export { loadWasmKernels, wasmSimdAvailable } from './wasm/heap.js';
export { Team, serveTeam, shareSizes } from './team.js';
export type { ShareLossAndGrad, TeamInit, TeamKernel, WorkerPort } from './team.js';
export { cellKinds, getKernel, kernelNames, loopKernel, lstmKernel } from './kernels.js';
export type { LoopKernelSpec, LstmKernelSpec } from './kernels.js';
export { LoopWorkspace } from './closed-loop.js';
export type { CellKind, LoopShape, RecurrentCell } from './closed-loop.js';
export { gruCell, gruLayout, initGru } from './gru.js';
export { lstmCell } from './closed-loop-lstm.js';
