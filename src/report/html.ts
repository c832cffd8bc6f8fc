/**
 * The HTML report: one self-contained page (inline SVG figure, inline CSS, no scripts, no
 * external resources), so it opens from disk without a server and can be mailed as is.
 * Browser-safe: builds a string; write.ts puts it on disk.
 *
 * Everything that comes from the user (model names, data paths, configuration) is
 * escaped, and a Content-Security-Policy forbids scripts, so a model called
 * `<script>…</script>` is shown as text and nothing in the page can run.
 */
import { formatConfig, formatEquation } from './config-text.js';
import { formatCount, formatMetric, formatSeconds, isFiniteMetric } from './format.js';
import type { Metrics, Results } from './results.js';
import { displayBlockText } from './vega-text.js';
import { auditCard } from '../eval/audit.js';

/** Input of `renderHtml`. */
export interface HtmlInput {
  results: Results;
  /** The forecast figure as an SVG document (renderSvg); omitted: no figure. */
  svg?: string;
  /** Further figures shown after the first, e.g. one per further channel of the data. */
  moreSvgs?: string[];
  /** Page title; default "lawful <command> — <data source>". */
  title?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values; control characters but tab and line breaks are shown (NUL → ␀, vega-text.ts). */
export function escapeHtml(text: string): string {
  return displayBlockText(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Anything in an SVG that could run code when inlined: script elements, event handlers, javascript: URLs, foreign HTML. */
const ACTIVE_SVG = /<script|<foreignObject|\son[a-z]+\s*=|javascript:/i;

/**
 * The figure, inline when the SVG is plain drawing (vega's output is), otherwise as an
 * image (browsers never run scripts inside an <img>) — belt and braces under the CSP.
 */
function figureHtml(svg: string): string {
  const body = svg.replace(/^\s*<\?xml[^>]*>\s*/, '');
  if (!ACTIVE_SVG.test(body)) return body;
  const bytes = new TextEncoder().encode(body);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const base64 = btoa(binary);
  return `<img alt="forecast figure" src="data:image/svg+xml;base64,${base64}">`;
}

function metricCell(x: number | null | undefined): string {
  const cls = isFiniteMetric(x) ? 'num' : 'num diverged';
  return `<td class="${cls}">${escapeHtml(formatMetric(x))}</td>`;
}

function vptCell(m: Metrics, until: number): string {
  const never = isFiniteMetric(m.validPredictionTime) && m.validPredictionTime >= until;
  return `<td class="num">${never ? `never (≥ ${escapeHtml(formatMetric(until))})` : escapeHtml(formatMetric(m.validPredictionTime))}</td>`;
}

function modelsTable(results: Results): string {
  const withEnergy = results.models.some((m) => m.metrics.energyMse !== undefined);
  const head = [
    'model', 'family', 'parameters', 'in-window NRMSE', 'in-window mode', 'free-running in-window NRMSE', 'in-window RMSE',
    'beyond-window NRMSE', 'beyond-window RMSE', 'valid prediction time', 'fit time', ...(withEnergy ? ['energy MSE'] : []),
  ];
  const rows = results.models.map((m) => {
    const x = m.metrics;
    return [
      '<tr>',
      `<th scope="row">${escapeHtml(m.name)}</th>`,
      `<td>${escapeHtml(m.family)}</td>`,
      `<td class="num">${escapeHtml(formatCount(m.parameters))}</td>`,
      metricCell(x.nrmseIn),
      `<td>${x.inWindowMode === 'one-step' ? 'one step ahead (teacher-forced)' : 'simulated'}</td>`,
      metricCell(x.nrmseInFreeRun),
      metricCell(x.rmseIn),
      metricCell(x.nrmseOut),
      metricCell(x.rmseOut),
      vptCell(x, results.split.until),
      `<td class="num">${escapeHtml(formatSeconds(x.fitSeconds))}</td>`,
      ...(withEnergy ? [metricCell(x.energyMse)] : []),
      '</tr>',
    ].join('');
  });
  return htmlTable(head, rows);
}

/** A table with a header row of `head` and the already-rendered `rows` (each a whole <tr>). */
function htmlTable(head: string[], rows: string[]): string {
  return [
    '<table>',
    `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

/** The audit beyond accuracy (docs/audit.md): calibration, trust horizon and adversarial probe per model, as `lawful audit` prints them. */
function auditTable(results: Results): string {
  const card = auditCard(results);
  const head = ['model', 'coverage 50/80/95%', 'CRPS', 'intervals', 'valid prediction time: measured', 'predicted [interval]', 'worst NRMSE at ε = 0.1 (random)', 'ε halving it', 'amplification'];
  const rows = card.rows.map((r) => {
    const a = r.adversarial;
    const last = a ? a.eps.length - 1 : -1;
    const p = r.predictedVpt;
    const text = (x: string) => `<td class="num">${escapeHtml(x)}</td>`;
    return [
      '<tr>',
      `<th scope="row">${escapeHtml(r.name)}</th>`,
      text((['50', '80', '95'] as const).map((k) => formatMetric(r.coverage[k])).join(' / ')),
      metricCell(r.crps),
      `<td>${escapeHtml(r.intervals ?? 'none')}</td>`,
      metricCell(r.validPredictionTime),
      text(p ? `${formatMetric(p.time)} [${formatMetric(p.interval[0])}, ${formatMetric(p.interval[1])}]` : '—'),
      text(!a ? 'not probed' : a.conditioned ? `${formatMetric(a.worst[last])} (${formatMetric(a.random[last])})` : 'context not used'),
      text(a?.conditioned ? (a.epsHalvingVpt === null ? 'none' : String(a.epsHalvingVpt)) : '—'),
      text(a?.conditioned ? formatMetric(a.amplification) : '—'),
      '</tr>',
    ].join('');
  });
  return htmlTable(head, rows);
}

function modelDetails(results: Results): string {
  return results.models
    .map((m) => {
      const eqs = m.describe.equations?.length
        ? `<ul class="equations">${m.describe.equations.map((e) => `<li><code>${escapeHtml(formatEquation(e))}</code></li>`).join('')}</ul>`
        : '';
      return `<details><summary>${escapeHtml(m.name)}</summary>${eqs}<pre>${escapeHtml(JSON.stringify(m.describe, null, 2))}</pre></details>`;
    })
    .join('\n');
}

const CSS = `
body { font: 15px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, "DejaVu Sans", sans-serif; color: #1b1b1b; margin: 0; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 1.5em; margin: 0 0 4px; } h2 { font-size: 1.15em; margin: 28px 0 8px; }
.meta { color: #555; margin: 0; } .meta code { font-size: 0.9em; }
figure { margin: 16px 0; overflow-x: auto; } figure svg, figure img { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.9em; display: block; overflow-x: auto; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e5e5; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #bbb; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.diverged { color: #b3261e; font-weight: 600; }
pre { background: #f5f5f5; padding: 10px 12px; overflow-x: auto; font-size: 0.85em; border-radius: 4px; }
details { margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
ul.equations { margin: 4px 0; }
`;

/** The report page as one HTML string (see the file comment). */
export function renderHtml(input: HtmlInput): string {
  const r = input.results;
  const title = input.title ?? `lawful ${r.command} — ${r.data.source}`;
  const s = r.split;
  const meta = [
    `data <code>${escapeHtml(r.data.source)}</code> (truth: ${escapeHtml(r.data.truth)}), <code>${escapeHtml(r.data.fingerprint)}</code>`,
    `trained on [${escapeHtml(formatMetric(s.trainFrom))}, ${escapeHtml(formatMetric(s.trainUntil))}], forecast (${escapeHtml(formatMetric(s.trainUntil))}, ${escapeHtml(formatMetric(s.until))}]`,
    `seed ${escapeHtml(String(r.seed))} · lawful ${escapeHtml(r.lawful)} · <code>lawful ${escapeHtml(r.command)}</code>`,
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${meta.map((m) => `<p class="meta">${m}</p>`).join('\n')}
${[input.svg, ...(input.moreSvgs ?? [])].filter((x): x is string => Boolean(x)).map((x) => `<figure>${figureHtml(x)}</figure>`).join('\n')}
<h2>Models</h2>
${modelsTable(r)}
<h2>Audit: calibration, trust horizon, adversarial probe</h2>
${auditTable(r)}
<h2>What the models learned</h2>
${modelDetails(r)}
<h2>Configuration</h2>
<pre>${escapeHtml(formatConfig(r.config))}</pre>
</main>
</body>
</html>
`;
}
