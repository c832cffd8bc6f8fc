/** Node-only API of lawful: file readers, figure rendering, reports. */
export * from './index.js';
export { readDataset } from './data/read.js';
export type { NodeReadOptions } from './data/read.js';
export { DATASETS, datasetPath, findDataset } from './data/datasets.js';
export type { DatasetColumn, ShippedDataset } from './data/datasets.js';
export { renderPng, renderSvg } from './report/render.js';
export { writeReport } from './report/write.js';
export { writeRunOutput } from './report/run-output.js';
export type { RunOutput } from './report/run-output.js';
export { writeFileAtomic } from './report/atomic.js';
export { formatTable } from './report/table.js';
