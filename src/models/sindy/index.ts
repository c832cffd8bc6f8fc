/**
 * Public surface of SINDy's pieces (the family itself is models/sindy.ts): the pipeline
 * `fitSindy`, and the three extension kinds — differentiation, libraries, optimizers —
 * each built from plain JSON or composed directly.
 */
export { fitSindy } from './fit.js';
export type { SindyFitOptions, SindyState } from './fit.js';
export { resolveConfig, sindyDefaults } from './config.js';
export type { SindyConfig } from './config.js';
export { formatEquations, formatSum, variableNames } from './equations.js';
export { compiledTerm, iterateMap, simulateOde, sindyTerm } from './simulate.js';
export * from './differentiation/index.js';
export * from './library/index.js';
export * from './optimizer/index.js';
