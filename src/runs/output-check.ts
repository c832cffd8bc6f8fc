/**
 * Does a run's output folder still hold that run's files? Every results.json and saved model
 * records the id of the run that wrote it, so `lawful runs show` can tell a folder that was
 * replaced by a later run, or one that mixes two runs, from an intact one. Node only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunRecord } from './record.js';

/** What the check found: `ok` lines when everything matches, `problems` otherwise. */
export interface OutputCheck {
  /** The folder checked (that of results.json). */
  folder: string;
  /** Files that carry this run's id. */
  matching: number;
  /** One line per file that is gone, unreadable or from another run. */
  problems: string[];
}

/** The `run` field of a JSON file, `null` when it has none, or an error line. */
function runOf(path: string): string | null | { problem: string } {
  if (!existsSync(path)) return { problem: `${basename(path)} is gone` };
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as { run?: unknown };
    return typeof value.run === 'string' ? value.run : null;
  } catch (err) {
    return { problem: `${basename(path)} cannot be read as JSON (${(err as Error).message})` };
  }
}

/**
 * Checks the run's results.json and saved models against its id, and every saved model in the
 * folder against each other. Undefined when the run recorded no output folder.
 */
export function checkRunOutput(record: RunRecord): OutputCheck | undefined {
  const results = record.files?.results;
  if (!results) return undefined;
  const folder = dirname(results);
  const check: OutputCheck = { folder, matching: 0, problems: [] };
  const short = (id: string) => id.slice(0, 8);
  const own = Object.entries(record.files ?? {}).filter(([role, p]) => role === 'results' || ((role.startsWith('model:') || role.startsWith('last-good:')) && dirname(p) === folder));
  for (const [, path] of own) {
    const run = runOf(path);
    if (run === null) continue; // written before run ids were recorded: nothing to compare
    if (typeof run === 'object') check.problems.push(run.problem);
    else if (run !== record.id) check.problems.push(`${basename(path)} is from run ${short(run)}, not this one (a later run replaced the folder)`);
    else check.matching++;
  }
  if (!existsSync(folder)) return check;
  // Saved models beside results.json must be of the run that wrote results.json, whichever run that is.
  const folderRun = runOf(results);
  if (typeof folderRun !== 'string') return check;
  const listed = new Set(own.map(([, p]) => basename(p)));
  for (const name of readdirSync(folder)) {
    if (listed.has(name) || !/^model-.+\.json$/.test(name)) continue;
    const run = runOf(join(folder, name));
    if (typeof run === 'string' && run !== folderRun) check.problems.push(`${name} is from run ${short(run)} but results.json from run ${short(folderRun)}: the folder mixes two runs`);
  }
  return check;
}
