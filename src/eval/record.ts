/**
 * The results.json record an experiment produces (docs/architecture.md, "results.json"). The shape is
 * defined and validated by report/results.ts (`Results`), one layer up; this is the same
 * shape as the browser-safe library builds it, and the CLI's call of `writeRunOutput`
 * checks at compile time that the two agree.
 */
import type { Split } from './evaluate.js';
import type { ExperimentResult, ScoredModel } from './experiment.js';
import { LAWFUL_VERSION } from '../core/version.js';

export interface ExperimentRecord {
  schema: 1;
  lawful: string;
  /** The command or front end that ran it, e.g. "demo", "fit". */
  command: string;
  seed: number;
  /** Everything needed to rerun. */
  config: Record<string, unknown>;
  data: { source: string; fingerprint: string; truth: 'clean' | 'observations' };
  split: Split;
  models: ScoredModel[];
  /** Id of the run in the run store; every saved model of the run carries it too. */
  run?: string;
  /** Fits that failed, with the reason (they are absent from `models`). */
  failures?: { name: string; error: string }[];
  /** Fits cut short by an interruption (Ctrl-C): the run is recorded `interrupted`. */
  interrupted?: string[];
}

/** The record of an experiment's outcome, with the failures and interruptions listed when there are any. */
export function experimentRecord(
  head: Pick<ExperimentRecord, 'command' | 'seed' | 'config' | 'data' | 'split'>,
  result: Pick<ExperimentResult, 'models' | 'failures' | 'interrupted'>,
): ExperimentRecord {
  const record: ExperimentRecord = { schema: 1, lawful: LAWFUL_VERSION, ...head, models: result.models };
  if (result.failures.length) record.failures = result.failures.map((f) => ({ name: f.name, error: f.error }));
  if (result.interrupted.length) record.interrupted = [...result.interrupted];
  return record;
}
