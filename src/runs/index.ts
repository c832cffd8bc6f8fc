/** The run store: public surface (Node only; format.ts and compare.ts are browser-safe). */
export { RunStore, storePath, DEFAULT_STORE_PATH } from './store.js';
export type { OpenOptions, RunFilter, RunHandle, RunInfo, RunOutcome } from './store.js';
export { withRun } from './with-run.js';
export type { WithRunOptions } from './with-run.js';
export { RUN_STATUSES } from './record.js';
export type { RunRecord, RunStatus, StoredStatus } from './record.js';
export { STORE_SCHEMA_VERSION, MIGRATIONS } from './schema.js';
export { pidAlive } from './liveness.js';
export { bestModel, formatRunDetail, formatRunList, shortId, SHORT_ID } from './format.js';
export { comparable, compareFigureSpec, compareRows, commonUntil, runLabel } from './compare.js';
export type { CompareFigureOptions, ComparedRun } from './compare.js';
