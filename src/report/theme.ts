/**
 * The look every lawful figure shares (the forecast figure, `runs compare`): font, palette
 * and Vega-Lite config, written once. Browser-safe.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * Okabe & Ito (2008) colours, distinguishable with every common colour-vision deficiency;
 * their black is the truth's, and their yellow is left out (too faint on white). Four of
 * Tol's (2021) muted colours follow, so a demo of seven models or more repeats none.
 */
export const OKABE_ITO = ['#D55E00', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#882255', '#999933', '#332288', '#44AA99'];

/** A font stack that browsers resolve to their sans-serif and resvg to DejaVu Sans. */
export const FIGURE_FONT = 'Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif';

/** Legend label size in px, and the longest label shown in full. */
export const LEGEND_FONT_SIZE = 11.5;
export const LEGEND_LABEL_LIMIT = 320;

/** Ink of titles, axes and rules. */
export const INK = '#1b1b1b';
export const RULE_COLOUR = '#6b6b6b';
export const GRID_COLOUR = '#eeeeee';

/** The Vega-Lite `config` of every figure: font, titles, axes, legend. */
export const FIGURE_CONFIG = {
  font: FIGURE_FONT,
  view: { stroke: '#bdbdbd' },
  title: { anchor: 'start', fontSize: 12.5, fontWeight: 600, offset: 6, color: INK, subtitleFontSize: 11.5, subtitleColor: '#444' },
  axis: { grid: false, labelFontSize: 10.5, titleFontSize: 11, titleFontWeight: 'normal', domainColor: '#888', tickColor: '#888', labelColor: '#333', titleColor: '#333' },
  legend: { labelFontSize: LEGEND_FONT_SIZE, labelLimit: LEGEND_LABEL_LIMIT },
} satisfies TopLevelSpec['config'];

/** The top-level frame of every figure: white background, padding, the shared config. */
export const FIGURE_FRAME = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  padding: 12,
  config: FIGURE_CONFIG,
} as const;
