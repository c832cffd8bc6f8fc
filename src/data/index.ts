// Public surface of data/: the Series contract, the pure parsers (browser-safe), the Node
// file reader, uniform resampling and the train/test split.
export * from './series.js';
export type * from './dataset.js';
export { parseCsv } from './csv.js';
export { parseJson } from './json.js';
export { parseParquet } from './parquet.js';
export { readDataset } from './read.js';
export type { NodeReadOptions } from './read.js';
export { isUniform, resample } from './resample.js';
export { cellResolution, fitRegularGrid } from './regular.js';
export type { RegularGrid } from './regular.js';
export { DATASETS, datasetPath, findDataset, resolveDataPath } from './datasets.js';
export type { DatasetColumn, ShippedDataset } from './datasets.js';
export { splitSeries } from './split.js';
export type { SplitOptions, SeriesSplit } from './split.js';
export { fingerprintText } from './sha256.js';
