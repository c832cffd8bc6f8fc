/**
 * Starting the worker threads of the CLI (fits, and the batch shares of fits). Under tsx (tests,
 * `npx tsx`) a worker's entry is TypeScript, so it registers tsx's loader first; from the
 * built package it is plain JavaScript.
 */
import { Worker } from 'node:worker_threads';

const underTsx = import.meta.url.endsWith('.ts');

/** A worker running `name` (e.g. 'fit-worker'), a module beside this one. */
export function startWorker(name: string): Worker {
  const url = new URL(`./${name}${underTsx ? '.ts' : '.js'}`, import.meta.url);
  if (!underTsx) return new Worker(url);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true });
}
