/** Public surface of the ODE layer: terms, solvers, controllers, solve and its adjoint. */
export type { LinearTerm, SplitTerm, Term } from './term.js';
export { isLinear, isSplit, sumTerms } from './term.js';
export { solve, solveWithAdjoint } from './solve.js';
export type { AdjointSolution, Solution, SolveOptions, SolveWithAdjointOptions } from './solve.js';
export { ConstantStepSize, PIController, initialStep, scaledErrorNorm } from './controller.js';
export type { PIControllerOptions, StepSizeController } from './controller.js';
export * from './solvers/index.js';
