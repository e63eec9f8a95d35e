/** Y-axis ranges: the full extent of the data, or its central part when outliers are ignored. */

/** The q-quantile (0..1) of sorted finite values, linearly interpolated. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * Math.min(Math.max(q, 0), 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * [min, max] for the y axis. With `ignoreOutliers`, the 5th–95th percentile of the finite values,
 * widened by a margin so the bulk of the curve does not touch the frame. Non-finite values never
 * count. Log scales only consider positive values. Returns null when there is nothing to scale.
 */
export function yRange(
  columns: readonly ArrayLike<number | null | undefined>[],
  opts: { ignoreOutliers: boolean; log: boolean },
): [number, number] | null {
  // One pass for the extent; values are only collected and sorted when outliers are to be ignored
  // (charts of a hundred runs hold a hundred thousand values, and this runs on every redraw).
  let count = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const col of columns) {
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (v == null || !Number.isFinite(v)) continue;
      if (opts.log && v <= 0) continue;
      count++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (count === 0) return null;
  // With few points, every one of them is data, not an outlier.
  if (opts.ignoreOutliers && count >= 20) {
    const vals = new Float64Array(count);
    let k = 0;
    for (const col of columns) {
      for (let i = 0; i < col.length; i++) {
        const v = col[i];
        if (v == null || !Number.isFinite(v)) continue;
        if (opts.log && v <= 0) continue;
        vals[k++] = v;
      }
    }
    vals.sort(); // typed arrays sort numerically
    lo = quantileSorted(vals, 0.05);
    hi = quantileSorted(vals, 0.95);
  }
  if (opts.log) {
    const llo = Math.log10(lo);
    const lhi = Math.log10(hi);
    const m = Math.max((lhi - llo) * 0.05, 0.05);
    return [10 ** (llo - m), 10 ** (lhi + m)];
  }
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const margin = (hi - lo) * (opts.ignoreOutliers ? 0.1 : 0.05);
  return [lo - margin, hi + margin];
}
