/**
 * The Series contract (DESIGN.md): sampled channels on one strictly increasing clock.
 * Browser-safe: the file readers in this folder use Node, this file does not.
 */
export interface Series {
  /** Sample times, strictly increasing. */
  t: Float64Array;
  /** One array per channel, each as long as `t`. */
  y: Float64Array[];
  /** Channel names, one per entry of `y`. */
  names: string[];
}

/** The samples of `s` with lo <= t <= hi (copies). */
export function sliceSeries(s: Series, lo: number, hi: number): Series {
  let a = 0;
  while (a < s.t.length && s.t[a] < lo) a++;
  let b = a;
  while (b < s.t.length && s.t[b] <= hi) b++;
  return { t: s.t.slice(a, b), y: s.y.map((c) => c.slice(a, b)), names: [...s.names] };
}

/** Checks the invariants of a Series; throws an Error naming what is wrong. */
export function assertSeries(s: Series): void {
  const n = s.t.length;
  if (s.y.length !== s.names.length) throw new Error(`series has ${s.y.length} channels but ${s.names.length} names`);
  for (let c = 0; c < s.y.length; c++) {
    if (s.y[c].length !== n) throw new Error(`channel ${s.names[c]} has ${s.y[c].length} samples, t has ${n}`);
  }
  for (let i = 1; i < n; i++) {
    if (!(s.t[i] > s.t[i - 1])) throw new Error(`t is not strictly increasing at sample ${i} (${s.t[i - 1]} then ${s.t[i]})`);
  }
}
