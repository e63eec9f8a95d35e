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
  const vals: number[] = [];
  for (const col of columns) {
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (v == null || !Number.isFinite(v)) continue;
      if (opts.log && v <= 0) continue;
      vals.push(v);
    }
  }
  if (vals.length === 0) return null;
  vals.sort((a, b) => a - b);
  let lo: number;
  let hi: number;
  // With few points, every one of them is data, not an outlier.
  if (opts.ignoreOutliers && vals.length >= 20) {
    lo = quantileSorted(vals, 0.05);
    hi = quantileSorted(vals, 0.95);
  } else {
    lo = vals[0]!;
    hi = vals[vals.length - 1]!;
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
