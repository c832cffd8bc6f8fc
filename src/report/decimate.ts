/**
 * Decimation of long series for plotting, keeping every peak: the samples are cut into
 * equal-count buckets and each bucket keeps its minimum and maximum, in time order
 * (min/max decimation; cf. M4, Jugel et al. 2014, which adds the first and last point).
 * A line drawn through the kept points covers the same vertical extent in every
 * bucket as the full line, so at plotting resolution the two look the same, and the
 * global minimum and maximum are always kept. Browser-safe.
 */

/** A decimated line: points in time order; `segment` changes wherever the line must break. */
export interface DecimatedLine {
  t: number[];
  y: number[];
  /** Segment index of each point; NaN gaps in the input start a new segment. */
  segment: number[];
}

/**
 * At most `maxPoints` points of (t, y) that keep every bucket's minimum and maximum.
 * NaN samples are gaps: a bucket of only NaN breaks the line (a new segment begins);
 * gaps shorter than a bucket are below plotting resolution and are bridged.
 * ±Infinity should be clamped by the caller before (it is treated as a gap here).
 *
 * @param maxPoints point budget, at least 2; default 1500.
 */
export function decimateMinMax(t: ArrayLike<number>, y: ArrayLike<number>, maxPoints = 1500): DecimatedLine {
  if (t.length !== y.length) throw new RangeError(`decimate: t has ${t.length} samples, y has ${y.length}`);
  if (!(maxPoints >= 2)) throw new RangeError(`decimate: maxPoints must be at least 2, got ${maxPoints}`);
  const n = t.length;
  const out: DecimatedLine = { t: [], y: [], segment: [] };
  let segment = 0;
  let broken = false;
  const push = (i: number): void => {
    if (broken && out.t.length > 0) segment++;
    broken = false;
    out.t.push(t[i]);
    out.y.push(y[i]);
    out.segment.push(segment);
  };

  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) {
      if (Number.isFinite(y[i])) push(i);
      else broken = true;
    }
    return out;
  }

  const buckets = Math.floor(maxPoints / 2);
  for (let b = 0; b < buckets; b++) {
    // Integer bucket bounds spread the remainder evenly; every sample is in exactly one bucket.
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let iMin = -1;
    let iMax = -1;
    for (let i = lo; i < hi; i++) {
      const v = y[i];
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < y[iMin]) iMin = i;
      if (iMax < 0 || v > y[iMax]) iMax = i;
    }
    if (iMin < 0) {
      broken = true;
      continue;
    }
    if (iMin === iMax) push(iMin);
    else if (iMin < iMax) {
      push(iMin);
      push(iMax);
    } else {
      push(iMax);
      push(iMin);
    }
  }
  return out;
}
