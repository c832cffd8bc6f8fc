/**
 * Flat parameter vectors with a named layout (docs/architecture.md). Every trainable model keeps its
 * parameters in one `Float64Array`; optimizers, checkpoints and gradient checks see only
 * that vector, and the layout says which slice means what.
 */

/** One named block of a flat parameter vector. */
export interface ParamBlock {
  name: string;
  offset: number;
  /** Row-major shape; `[]` is a scalar, `[n]` a vector, `[r, c]` a matrix. */
  shape: number[];
}

export type ParamLayout = ParamBlock[];

/** Number of entries a shape holds. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Builds a layout from named shapes, in the order given.
 * @example const { layout, size } = makeLayout({ logOmega: [4], coupling: [4, 4] });
 */
export function makeLayout(shapes: Record<string, number[]>): { layout: ParamLayout; size: number } {
  const layout: ParamLayout = [];
  let offset = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    layout.push({ name, offset, shape: [...shape] });
    offset += shapeSize(shape);
  }
  return { layout, size: offset };
}

/** Total length of the vector a layout describes. */
export function layoutSize(layout: ParamLayout): number {
  let end = 0;
  for (const b of layout) end = Math.max(end, b.offset + shapeSize(b.shape));
  return end;
}

/** The block called `name`; throws if the layout has none. */
export function block(layout: ParamLayout, name: string): ParamBlock {
  const b = layout.find((x) => x.name === name);
  if (!b) throw new Error(`parameter layout has no block "${name}" (has ${layout.map((x) => x.name).join(', ')})`);
  return b;
}

/** A view (no copy) of block `name` inside `theta`. Writes go through to `theta`. */
export function view(theta: Float64Array, layout: ParamLayout, name: string): Float64Array {
  const b = block(layout, name);
  return theta.subarray(b.offset, b.offset + shapeSize(b.shape));
}

/** Plain-JSON form of a named parameter vector, for saved models. */
export function paramsToJSON(theta: Float64Array, layout: ParamLayout): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const b of layout) out[b.name] = Array.from(view(theta, layout, b.name));
  return out;
}
