import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { escapeHtml, renderHtml } from '../../src/report/html.js';
import { renderPng, renderSvg } from '../../src/report/render.js';
import { parseResults } from '../../src/report/results.js';
import { forecastFigureSpec } from '../../src/report/specs.js';
import { writeReport } from '../../src/report/write.js';
import { exampleResults, pendulumFigureInput } from './fixtures.js';

const EVIL = '<script>alert(1)</script>';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lawful-report-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeReport', () => {
  it('writes the four report files and the table atomically, escaping a hostile model name', async () => {
    const results = exampleResults();
    results.models[1].name = EVIL;
    results.config.note = '</pre><img src=x onerror=alert(2)>';
    const input = pendulumFigureInput();
    input.models[1].name = EVIL;
    const svg = await renderSvg(forecastFigureSpec(input));
    const png = renderPng(svg, { scale: 1 });
    const out = join(dir, 'run-1');
    const files = writeReport(out, { results, figures: { svg, png } });

    expect(readdirSync(out).sort()).toEqual(['figure.png', 'figure.svg', 'index.html', 'results.json', 'table.txt']);
    expect(readFileSync(files.svg, 'utf8')).toBe(svg);
    expect(readFileSync(files.png).equals(png)).toBe(true);
    const stored = parseResults(JSON.parse(readFileSync(files.results, 'utf8')));
    expect(stored.models[1].name).toBe(EVIL);
    expect(stored.models[1].metrics.nrmseOut).toBeNull();
    expect(readFileSync(files.table, 'utf8')).toMatch(/<script>alert\(1\)<\/script>\s+17,217\s+0\.002\*\s+diverged/);

    const html = readFileSync(files.html, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>');
    expect(html).toContain('&lt;/pre&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain("default-src 'none'");
    // Self-contained: the figure is inline and nothing is fetched.
    expect(html).toContain('<svg');
    expect(html).toContain('oscillator-bank K=4 — beyond-window NRMSE 0.0342');
    expect(html).not.toMatch(/(src|href)="(https?:|\/\/|[^d#])/);
    expect(html).toContain('<td class="num diverged">diverged</td>');
    expect(html).toContain('never (≥ 30)');
  }, 20_000);

  it('writes nothing when the results are invalid', () => {
    const results = exampleResults();
    delete (results.models[0].metrics as Partial<typeof results.models[0]['metrics']>).nrmseOut;
    const out = join(dir, 'run-2');
    expect(() => writeReport(out, { results, figures: { svg: '<svg/>', png: new Uint8Array(8) } })).toThrow(DataError);
    expect(() => writeReport(out, { results, figures: { svg: '<svg/>', png: new Uint8Array(8) } })).toThrow(/models\[0\]\.metrics\.nrmseOut/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('renderHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('puts an SVG that could run code behind an <img>, never inline', () => {
    const html = renderHtml({ results: exampleResults(), svg: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>' });
    expect(html).not.toContain('onload=');
    const src = /<img alt="forecast figure" src="data:image\/svg\+xml;base64,([^"]+)">/.exec(html)!;
    expect(Buffer.from(src[1], 'base64').toString('utf8')).toContain('onload="alert(1)"');
  });

  it('shows one figure per channel, in order, and sanitises every one of them', () => {
    const svg = (id: string) => `<svg xmlns="http://www.w3.org/2000/svg" id="${id}"></svg>`;
    const html = renderHtml({ results: exampleResults(), svg: svg('first'), moreSvgs: [svg('second'), '<svg onload="alert(1)"></svg>'] });
    expect(html.match(/<figure>/g)).toHaveLength(3);
    expect(html.indexOf('id="first"')).toBeLessThan(html.indexOf('id="second"'));
    expect(html).not.toContain('onload=');
  });
});
