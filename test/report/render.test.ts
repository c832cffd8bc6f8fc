import { describe, expect, it } from 'vitest';
import { hasFigureFont, renderPng, renderSvg } from '../../src/report/render.js';
import { forecastFigureSpec } from '../../src/report/specs.js';
import { pendulumFigureInput } from './fixtures.js';

/** Width and height from a PNG's IHDR chunk (PNG spec §11.2.2: bytes 16–23, big-endian). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('renderSvg and renderPng', () => {
  it('renders the figure: titles, one path per line, a PNG of twice the SVG size', async () => {
    const input = pendulumFigureInput();
    input.models.push({ name: '<script>alert(1)</script>', prediction: input.truth.map((v) => 0.5 * v), nrmseOut: 0.5 });
    input.title = 'Four coupled damped pendulums: trained on t ≤ 10, forecast to t = 30';
    const warnings: string[] = [];
    const svg = await renderSvg(forecastFigureSpec(input), (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('oscillator-bank K=4 — beyond-window NRMSE 0.0342');
    expect(svg).toContain('LSTM — beyond-window NRMSE ∞');
    // A user's model name is text in the SVG, never markup.
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; — beyond-window NRMSE 0.5');
    expect(svg).not.toContain('<script');
    // Each line is one path: truth and prediction in each of the three panels.
    const lineGroups = [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/g)];
    expect(lineGroups).toHaveLength(6);
    for (const g of lineGroups) expect(g[1].match(/<path /g)).toHaveLength(1);
    expect(svg.match(/<g class="mark-rule role-mark/g)).toHaveLength(3);

    const svgWidth = Number(/^<svg[^>]* width="(\d+)"/.exec(svg)![1]);
    const svgHeight = Number(/^<svg[^>]* height="(\d+)"/.exec(svg)![1]);
    expect(svgWidth).toBeGreaterThan(720);
    // Measured text (not vega's 0.8 em per character, ~860 px for this title) keeps the
    // figure as wide as its panels plus the y-axis and padding.
    if (hasFigureFont()) expect(svgWidth).toBeLessThan(720 + 80);
    const png = renderPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 2 * svgWidth, height: 2 * svgHeight });
    expect(pngSize(renderPng(svg, { scale: 1 }))).toEqual({ width: svgWidth, height: svgHeight });
  }, 20_000);

  it.skipIf(!hasFigureFont())('draws text into the PNG when DejaVu Sans is installed', () => {
    const svg = (text: string): string =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="25" font-family="sans-serif" font-size="16">${text}</text></svg>`;
    const blank = renderPng(svg(''), { scale: 1 });
    const withText = renderPng(svg('NRMSE ∞ — 0.034'), { scale: 1 });
    expect(withText.equals(blank)).toBe(false);
    expect(withText.length).toBeGreaterThan(blank.length + 200);
  });
});
