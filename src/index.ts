/**
 * Public API of lawful: the browser-safe layers (DESIGN.md), usable unchanged in Node and in
 * a browser Web Worker. File readers, figure rendering and the run store are Node-only and
 * live in `lawful/node` (src/node.ts).
 */
export * from './core/index.js';
export { LAWFUL_VERSION } from './core/version.js';
export * from './ode/index.js';
export * from './equations/index.js';
export * from './systems/index.js';
export { simulate } from './systems/simulate.js';
export type { SimulateOptions, Simulation } from './systems/simulate.js';
export * from './models/index.js';
export { parseSavedModel } from './models/saved.js';
export * from './data/series.js';
export type * from './data/dataset.js';
export { parseCsv } from './data/csv.js';
export { parseJson } from './data/json.js';
export { isUniform, resample } from './data/resample.js';
export { splitSeries } from './data/split.js';
export { evaluate } from './eval/evaluate.js';
export type { Evaluation, EvaluateOptions, ModelMetrics, Split } from './eval/evaluate.js';
export { channelErrors, rmse, std, validPredictionTime } from './eval/metrics.js';
export { referenceData, referenceDefaults } from './eval/reference-experiment.js';
export type { ReferenceConfig, ReferenceData, TrueMode } from './eval/reference-experiment.js';
export { forecastFigureSpec, panelTitle } from './report/specs.js';
export type { FigureInput, FigureOptions, VegaLiteSpec } from './report/specs.js';
export { parseResults, serializeResults, ResultsSchema } from './report/results.js';
export type { Results, ModelResult, Metrics } from './report/results.js';
