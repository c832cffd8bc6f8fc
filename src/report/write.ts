/**
 * Writes a run's report directory. Node only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { renderHtml } from './html.js';
import { serializeResults } from './results.js';
import type { Results } from './results.js';
import { formatTable } from './table.js';

/** What goes into a report directory. */
export interface ReportContent {
  /** Validated against the results.json schema before anything is written. */
  results: Results;
  /** The forecast figure: SVG text (renderSvg) and PNG bytes (renderPng). */
  figures: { svg: string; png: Uint8Array };
  /** Further figures (SVG) shown in index.html after the first, e.g. one per further channel. */
  moreSvgs?: string[];
  /** The terminal table; default `formatTable(results.models, { until: split.until })`. */
  table?: string;
}

/** Paths of the files `writeReport` wrote. */
export interface ReportFiles {
  svg: string;
  png: string;
  html: string;
  table: string;
  results: string;
}

/**
 * Writes figure.svg, figure.png, table.txt, index.html and results.json into `dir`
 * (created if missing), each atomically (temporary file, then rename): an interrupted
 * run never leaves a half-written file. results.json is written last and so marks a
 * complete report. The results are validated first, so an invalid record writes nothing.
 */
export function writeReport(dir: string, content: ReportContent): ReportFiles {
  const resultsText = serializeResults(content.results);
  const files: ReportFiles = {
    svg: join(dir, 'figure.svg'),
    png: join(dir, 'figure.png'),
    table: join(dir, 'table.txt'),
    html: join(dir, 'index.html'),
    results: join(dir, 'results.json'),
  };
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(files.svg, content.figures.svg);
  writeFileAtomic(files.png, content.figures.png);
  writeFileAtomic(files.table, content.table ?? formatTable(content.results.models, { until: content.results.split.until }));
  writeFileAtomic(files.html, renderHtml({ results: content.results, svg: content.figures.svg, moreSvgs: content.moreSvgs }));
  writeFileAtomic(files.results, resultsText);
  return files;
}
