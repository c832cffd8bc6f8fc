/**
 * Public API of lawful: the browser-safe layers (docs/architecture.md), usable unchanged in Node and in
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
export { parseSavedModel, savedHeader, validateSaved } from './models/saved.js';
export { assertFiniteForecast, forecastFrom, forecastTimes, loadModel } from './models/load.js';
export type { LoadedModel } from './models/load.js';
export * from './data/series.js';
export type * from './data/dataset.js';
export { parseCsv } from './data/csv.js';
export { parseJson } from './data/json.js';
export { isUniform, resample } from './data/resample.js';
export { fitRegularGrid } from './data/regular.js';
export type { RegularGrid } from './data/regular.js';
export { splitSeries } from './data/split.js';
export { evaluate } from './eval/evaluate.js';
export { checkFitData, inProcessFitter, runExperiment } from './eval/experiment.js';
export type { ExperimentOptions, ExperimentResult, Failure, FitJob, FitOutcome, Fitter, FitterOptions, ScoredModel } from './eval/experiment.js';
export { fitExperiment } from './eval/fit-experiment.js';
export type { FitExperimentOptions, FitExperimentRun } from './eval/fit-experiment.js';
export { runReferenceExperiment } from './eval/reference-run.js';
export type { ReferenceRun, ReferenceRunOptions } from './eval/reference-run.js';
export { familyConfig } from './eval/family-config.js';
export type { ExperimentRecord } from './eval/record.js';
export { fingerprintSeries, seriesToCsv } from './data/csv-write.js';
export type { Evaluation, EvaluateOptions, ModelMetrics, Split } from './eval/evaluate.js';
export { channelErrors, rmse, std, validPredictionTime } from './eval/metrics.js';
export { referenceData, referenceDefaults } from './eval/reference-experiment.js';
export type { ReferenceConfig, ReferenceData, TrueMode } from './eval/reference-experiment.js';
export { forecastFigureSpec, panelTitle } from './report/specs.js';
export type { FigureInput, FigureOptions, VegaLiteSpec } from './report/specs.js';
export { parseResults, serializeResults, ResultsSchema } from './report/results.js';
export type { Results, ModelResult, Metrics } from './report/results.js';
