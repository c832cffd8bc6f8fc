import { describe, expect, it } from 'vitest';
import { installedFigureFonts, measureTextWidth } from '../../src/report/textmetrics.js';

const font = { font: 'Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif' };

describe.skipIf(installedFigureFonts().length === 0)('measureTextWidth (DejaVu Sans through resvg)', () => {
  it('is additive over glyphs and linear in the font size', () => {
    const m = measureTextWidth('M', { ...font, fontSize: 20 });
    expect(measureTextWidth('MMMM', { ...font, fontSize: 20 })).toBeCloseTo(4 * m, 0);
    expect(measureTextWidth('oscillator', { ...font, fontSize: 22 }) / measureTextWidth('oscillator', { ...font, fontSize: 11 })).toBeCloseTo(2, 1);
    expect(measureTextWidth('iiii', { ...font, fontSize: 20 })).toBeLessThan(0.5 * measureTextWidth('MMMM', { ...font, fontSize: 20 }));
  });

  it('measures bold wider and is far below vega\'s 0.8 em-per-character estimate', () => {
    const label = 'oscillator-bank K=4';
    const regular = measureTextWidth(label, { ...font, fontSize: 11.5 });
    const bold = measureTextWidth(label, { ...font, fontSize: 11.5, fontWeight: 600 });
    expect(bold).toBeGreaterThan(1.05 * regular);
    expect(regular).toBeGreaterThan(100);
    expect(regular).toBeLessThan(0.75 * 0.8 * label.length * 11.5);
    expect(measureTextWidth('', { ...font, fontSize: 11.5 })).toBe(0);
  });
});
