import { describe, expect, it } from 'vitest';
import { block, layoutSize, makeLayout, paramsToJSON, shapeSize, view } from '../../src/core/params.js';

describe('parameter layouts', () => {
  it('places blocks one after another in the order given', () => {
    const { layout, size } = makeLayout({ logOmega: [4], coupling: [4, 4], gain: [], bias: [2, 3] });
    expect(layout.map((b) => [b.name, b.offset])).toEqual([
      ['logOmega', 0],
      ['coupling', 4],
      ['gain', 20],
      ['bias', 21],
    ]);
    expect(size).toBe(27);
    expect(layoutSize(layout)).toBe(27);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(block(layout, 'gain').shape).toEqual([]);
    expect(() => block(layout, 'missing')).toThrow(/no block "missing".*logOmega/);
  });

  it('does not share shape arrays with its input', () => {
    const shape = [3];
    const { layout } = makeLayout({ a: shape });
    shape[0] = 99;
    expect(layout[0].shape).toEqual([3]);
  });

  it('gives views that write through to the flat vector', () => {
    const { layout, size } = makeLayout({ a: [2], m: [2, 2], s: [] });
    const theta = new Float64Array(size);
    const m = view(theta, layout, 'm');
    expect(m.length).toBe(4);
    m.set([1, 2, 3, 4]);
    view(theta, layout, 's')[0] = -5;
    expect(Array.from(theta)).toEqual([0, 0, 1, 2, 3, 4, -5]);
    theta[0] = 7;
    expect(view(theta, layout, 'a')[0]).toBe(7);
  });

  it('round-trips through JSON by name', () => {
    const { layout, size } = makeLayout({ w: [2, 3], b: [3], t: [] });
    const theta = Float64Array.from({ length: size }, (_, i) => Math.sin(i + 1) * 10 ** (i - 5));
    const json = JSON.parse(JSON.stringify(paramsToJSON(theta, layout))) as Record<string, number[]>;
    expect(Object.keys(json)).toEqual(['w', 'b', 't']);
    expect(json.t).toHaveLength(1);
    const back = new Float64Array(layoutSize(layout));
    for (const b of layout) view(back, layout, b.name).set(json[b.name]);
    // Bit-exact: JSON numbers carry full float64 precision.
    expect(Array.from(back)).toEqual(Array.from(theta));
  });
});
