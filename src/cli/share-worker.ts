/**
 * A worker thread of a fit (FitOptions.workers): it waits for the one task it is sent and
 * serves it until the fit releases it. Today that is a share of a batch of any registered
 * data-parallel kernel (nn/kernels.ts), such as the LSTM's.
 */
import { parentPort } from 'node:worker_threads';
import { getKernel } from '../nn/kernels.js';
import { serveTeam, type TeamInit } from '../nn/team.js';

parentPort?.once('message', (task: TeamInit) => {
  if (task.kind === 'team') serveTeam(task, getKernel);
  else throw new Error(`share-worker: unknown task ${JSON.stringify((task as { kind?: unknown }).kind)}`);
});
