/**
 * A worker thread of a fit (FitOptions.workers): it serves each task it is sent until the
 * fit releases it, then waits for the next. Today a task is a share of a batch of any
 * registered data-parallel kernel (nn/kernels.ts), such as the LSTM's; a fit whose sequences
 * grow (a rollout's horizon) sends one task per length.
 */
import { parentPort } from 'node:worker_threads';
import { getKernel } from '../nn/kernels.js';
import { serveTeam, type TeamInit } from '../nn/team.js';

parentPort?.on('message', (task: TeamInit) => {
  if (task.kind === 'team') serveTeam(task, getKernel);
  else throw new Error(`share-worker: unknown task ${JSON.stringify((task as { kind?: unknown }).kind)}`);
});
