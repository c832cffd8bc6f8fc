// Public surface of report/. Node: render.ts, atomic.ts, write.ts. Browser-safe (the web app
// imports these files directly): specs.ts, decimate.ts, format.ts, table.ts, results.ts, html.ts.
export * from './atomic.js';
export * from './decimate.js';
export * from './format.js';
export * from './html.js';
export * from './render.js';
export * from './results.js';
export * from './specs.js';
export * from './table.js';
export * from './write.js';
export * from './textmetrics.js';
export * from './theme.js';
export * from './vega-text.js';
export * from './config-text.js';
