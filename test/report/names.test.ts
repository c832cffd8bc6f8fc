import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { renderPng, renderSvg } from '../../src/report/render.js';
import { forecastFigureSpec } from '../../src/report/specs.js';
import { formatTable } from '../../src/report/table.js';
import { escapeHtml } from '../../src/report/html.js';
import { displayBlockText, displayText, vegaTextExpr } from '../../src/report/vega-text.js';
import { formatRunList } from '../../src/runs/format.js';
import { exampleResults } from './fixtures.js';

/** Characters XML 1.0 cannot hold (§2.2): C0 controls but tab, LF, CR; U+FFFE, U+FFFF; unpaired surrogates. */
// eslint-disable-next-line no-control-regex -- XML's forbidden characters
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The text content of every <text> element of an SVG, entities decoded. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
}

function input(channel: string, model: string) {
  const t = Float64Array.from({ length: 60 }, (_, i) => i / 5);
  const truth = t.map(Math.sin);
  return { t, truth, channel, split: { trainFrom: 0, trainUntil: 6, until: 11.8 }, models: [{ name: model, prediction: truth.map((v) => 0.9 * v), nrmseOut: 0.1 }] };
}

// Members of Object.prototype: vega's expression parser misread each as a signal name.
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];

describe('names are data in figures', () => {
  it('draws a channel or a model named after an Object.prototype member, by its name', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const asChannel = texts(await renderSvg(forecastFigureSpec(input(name, 'fourier'))));
      expect(asChannel, name).toContain(name); // the y-axis title
      expect(asChannel).toContain(`channel ${name}`);
      const asModel = texts(await renderSvg(forecastFigureSpec(input('y', name))));
      expect(asModel, name).toContain(name); // the legend entry
      expect(asModel).toContain(`${name} — beyond-window NRMSE 0.1`);
      expect(asModel).not.toContain('undefined');
    }
  }, 60_000);

  it('turns a NUL and other characters XML cannot hold into visible ones: the SVG parses and rasterises', async () => {
    const svg = await renderSvg(forecastFigureSpec(input('a\u0000b\u001b', 'm\u0007\ud800')));
    expect(svg).not.toMatch(NOT_XML);
    expect(() => new Resvg(svg)).not.toThrow(); // a conforming XML parser (roxmltree) reads it
    expect(renderPng(svg).subarray(1, 4).toString()).toBe('PNG');
    const shown = texts(svg);
    expect(shown).toContain('a␀b␛');
    expect(shown).toContain('m␇\ufffd');
  }, 20_000);

  it('keeps printable text as it is and writes expressions that evaluate to the name', () => {
    expect(displayText('θ₁ [rad] — "a" & <b>\t')).toBe('θ₁ [rad] — "a" & <b>␉');
    expect(displayText('😀')).toBe('😀'); // a surrogate pair is one character, kept
    expect(displayBlockText('a\tb\r\nc\u0000')).toBe('a\tb\r\nc␀'); // blocks keep their layout
    expect(escapeHtml('{\n  "a\u0000": 1\n}')).toBe('{\n  &quot;a␀&quot;: 1\n}');
    expect(vegaTextExpr('lstm')).toBe('"lstm"');
    // The expression is a JS expression too: evaluate it as one.
    for (const name of PROTOTYPE_NAMES) expect(new Function(`return ${vegaTextExpr(name)}`)()).toBe(name);
  });

  it('the truth keeps its own legend entry beside a model called "truth"', () => {
    const spec = forecastFigureSpec(input('y', 'truth')) as unknown as { datasets: Record<string, { k: string }[]> };
    expect(spec.datasets.truth[0].k).toBe('truth (data)');
    expect(spec.datasets.model0[0].k).toBe('truth');
  });

  it('prints a name holding a terminal escape sequence as visible text in the table and the run list', () => {
    const results = exampleResults();
    results.models[0].name = 'bank\u001b[2J\u001b[31m';
    const table = formatTable(results.models);
    expect(table).not.toContain('\u001b');
    expect(table).toContain('bank␛[2J␛[31m');
    const list = formatRunList([{ id: 'aaaa1111bbbb2222', command: 'demo', status: 'completed', startedAt: '2026-11-26T13:42:03.120Z', config: {}, argv: [], pid: 1, host: 'h', results, dataSource: 'x\u001b[2J.csv' }]);
    expect(list).not.toContain('\u001b');
    expect(list).toContain('x␛[2J.csv');
  });
});
