/** nn/: fused kernels with hand-written backward passes (docs/architecture.md). */
export { sigmoid } from './activations.js';
export { gemmNT, gemmTN } from './gemm.js';
export type { LstmBackend, LstmShape } from './lstm.js';
export { LstmWorkspace, initLstm, lstmForward, lstmLayout, lstmLossAndGrad } from './lstm.js';
export { LstmState, lstmStep } from './lstm-step.js';
export { loadWasmKernels, wasmSimdAvailable } from './wasm/heap.js';
