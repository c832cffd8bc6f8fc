/**
 * Text widths for vega's headless layout. Without a canvas, vega estimates a label's width
 * as 0.8 × font size × characters, about 1.5× too wide for DejaVu Sans: legends spread out
 * and a long title widens the whole figure. Vega lets a host replace
 * `textMetrics.width` (vl-convert does the same); here resvg measures the text with the
 * very font that renderPng will draw it in, so layout and raster agree. Node only.
 */
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { displayText } from './vega-text.js';

/** DejaVu Sans faces where Debian's fonts-dejavu-core installs them. */
export const DEJAVU_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf',
];

/** The installed DejaVu Sans faces (empty when the package is missing). */
export function installedFigureFonts(): string[] {
  return DEJAVU_FILES.filter((f) => existsSync(f));
}

/** The properties of a vega text item that decide its width. */
interface TextItem {
  text?: unknown;
  font?: string;
  fontSize?: number;
  fontWeight?: string | number;
  fontStyle?: string;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Escaped for XML; a character XML cannot hold (a NUL in a name) is measured as the picture vega-text.ts shows for it. */
const esc = (s: string): string => displayText(s).replace(/[&<>"]/g, (c) => ESC[c]);

const cache = new Map<string, number>();

/**
 * Advance width in px of `text` as resvg lays it out: the ink box plus the left side
 * bearing on both sides (the usual approximation of the advance). 0 for empty text.
 */
export function measureTextWidth(text: string, item: Omit<TextItem, 'text'>, fontFiles = installedFigureFonts()): number {
  const size = item.fontSize ?? 11;
  if (!text || size <= 0) return 0;
  const key = `${item.font}|${size}|${item.fontWeight}|${item.fontStyle}|${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const attrs = [
    `font-family="${esc(item.font ?? 'sans-serif')}"`,
    `font-size="${size}"`,
    item.fontWeight !== undefined ? `font-weight="${esc(String(item.fontWeight))}"` : '',
    item.fontStyle ? `font-style="${esc(item.fontStyle)}"` : '',
  ].join(' ');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="0" y="${2 * size}" ${attrs} xml:space="preserve">${esc(text)}</text></svg>`;
  const box = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    logLevel: 'off',
  }).getBBox();
  const width = box ? box.width + 2 * Math.max(0, box.x) : 0;
  if (cache.size > 20_000) cache.clear();
  cache.set(key, width);
  return width;
}

type WidthFn = (item: TextItem, text?: unknown) => number;
const metrics = (vega as unknown as { textMetrics?: { width: WidthFn; estimateWidth: WidthFn } }).textMetrics;

/**
 * Makes vega measure text with resvg and DejaVu Sans, when the font is installed; else
 * vega keeps its estimate (text then renders only in browsers, see renderPng).
 * Idempotent. Returns whether real measurement is in use.
 */
export function useResvgTextMetrics(): boolean {
  const fontFiles = installedFigureFonts();
  if (!metrics || fontFiles.length === 0) return false;
  metrics.width = (item, text) => {
    const value = text ?? item.text;
    const lines = Array.isArray(value) ? value.map(String) : [value == null ? '' : String(value)];
    return Math.max(0, ...lines.map((line) => measureTextWidth(line, item, fontFiles)));
  };
  return true;
}
