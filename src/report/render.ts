/**
 * Headless rendering of Vega-Lite specs: spec → SVG (vega, no browser, no canvas) and
 * SVG → PNG (resvg, Rust, no native build step). Node only.
 */
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './specs.js';
import { installedFigureFonts, useResvgTextMetrics } from './textmetrics.js';

/**
 * Renders a Vega-Lite spec to an SVG document. Text is laid out with DejaVu Sans metrics
 * when the font is installed (textmetrics.ts). Vega's own warnings (not errors) are
 * passed to `onWarning`, default: dropped.
 */
export async function renderSvg(spec: VegaLiteSpec, onWarning?: (message: string) => void): Promise<string> {
  useResvgTextMetrics();
  const warn = (...args: unknown[]): void => onWarning?.(args.map(String).join(' '));
  const logger = {
    level(): number {
      return 2;
    },
    error(...args: unknown[]): never {
      throw new Error(args.map(String).join(' '));
    },
    warn,
    info: (): void => {},
    debug: (): void => {},
  };
  // The vega-lite logger type wants `this` returned from every method; ours never chains.
  const { spec: vgSpec } = compile(spec, { logger: logger as never });
  const view = new View(parse(vgSpec), { renderer: 'none', logger: logger as never });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of `renderPng`. */
export interface PngOptions {
  /** Pixels per SVG unit; 2 gives a crisp figure for slides. Default 2. */
  scale?: number;
  /** Font files to load besides the system fonts. Default: DejaVu Sans where Debian installs it. */
  fontFiles?: string[];
  /** Told when no DejaVu Sans is installed and the PNG will therefore carry no text. Default: silent. */
  onWarning?: (message: string) => void;
}

/**
 * True when DejaVu Sans is installed (Debian: fonts-dejavu-core). resvg needs a real font
 * to draw text; without one it still renders every line and shape and skips the text.
 */
export function hasFigureFont(): boolean {
  return installedFigureFonts().length > 0;
}

/** Rasterises an SVG document to PNG bytes with resvg, on a white background. */
export function renderPng(svg: string, options: PngOptions = {}): Buffer {
  const scale = options.scale ?? 2;
  const fontFiles = options.fontFiles ?? installedFigureFonts();
  if (fontFiles.length === 0) {
    options.onWarning?.('DejaVu Sans not found (Debian: apt-get install fonts-dejavu-core): the PNG may have no text; the SVG and HTML keep it');
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      loadSystemFonts: true,
      fontFiles,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    shapeRendering: 2,
    textRendering: 1,
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
