/**
 * Linear interpolation in t across the missing samples of one channel (ReadOptions.fill
 * = 'interpolate'). Browser-safe.
 */

/**
 * Fills the entries of `y` flagged in `missing` by linear interpolation in `t` between the
 * nearest present neighbours. Returns the index of a missing entry that has no present
 * neighbour on one side (the caller reports it), or -1 when everything was filled.
 */
export function interpolateGaps(t: Float64Array, y: Float64Array, missing: Uint8Array): number {
  const n = t.length;
  let i = 0;
  while (i < n) {
    if (!missing[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && missing[j]) j++;
    if (i === 0 || j === n) return i === 0 ? 0 : i;
    const ta = t[i - 1];
    const tb = t[j];
    const ya = y[i - 1];
    const yb = y[j];
    for (let k = i; k < j; k++) {
      // Convex combination: stays finite even when yb - ya would overflow.
      const w = (t[k] - ta) / (tb - ta);
      y[k] = (1 - w) * ya + w * yb;
    }
    i = j;
  }
  return -1;
}
