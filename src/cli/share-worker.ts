/**
 * A worker thread of a fit (FitOptions.workers): it waits for the one task it is sent and
 * serves it until the fit releases it. Today that is a share of the LSTM's batch.
 */
import { parentPort } from 'node:worker_threads';
import { serveLstmTeam, type LstmTeamInit } from '../nn/lstm-team.js';

parentPort?.once('message', (task: LstmTeamInit) => {
  if (task.kind === 'lstm-team') serveLstmTeam(task);
  else throw new Error(`share-worker: unknown task ${JSON.stringify((task as { kind?: unknown }).kind)}`);
});
