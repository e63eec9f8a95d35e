/**
 * The Distributions view's data: per step, the values at TensorBoard's nine basis points (min, the
 * ±1.5σ, ±1σ, ±0.5σ points of a normal distribution, the median, max), as uPlot columns on the chosen x
 * axis, the nested bands between symmetric pairs, names for the basis points, and the x and y ranges the
 * runs of one card share. Pure, so vitest pins it.
 */
import type { DistributionsResponse } from '../../lib/api';
import type { XAxis } from '../../lib/urlState';
import { parseValues } from '../../lib/values';

export interface Distribution {
  run: string;
  steps: number[];
  wallTimes: number[];
  /** Basis points (1/100 of a percent), ascending. */
  basisPoints: number[];
  /** `values[j][i]`: the value at `basisPoints[j]` at step `steps[i]` (NaN where unknown). */
  values: Float64Array[];
}

export function fromWire(r: DistributionsResponse): Distribution {
  return { run: r.run, steps: r.steps, wallTimes: r.wall_times, basisPoints: r.basis_points, values: r.percentiles.map((c) => parseValues(c)) };
}

const SIGMA: Record<number, string> = {
  668: '−1.5σ',
  1587: '−1σ',
  3085: '−0.5σ',
  6915: '+0.5σ',
  8413: '+1σ',
  9332: '+1.5σ',
};

/** A basis point for people: "max", "median", "+1σ"; unknown ones as a percentile. */
export function basisPointName(bp: number): string {
  if (bp === 0) return 'min';
  if (bp === 10000) return 'max';
  if (bp === 5000) return 'median';
  return SIGMA[bp] ?? `p${trim(bp / 100)}`;
}

/** The percentile of a basis point: "93.32%". */
export function basisPointPercent(bp: number): string {
  return `${trim(bp / 100)}%`;
}

function trim(v: number): string {
  return String(Number(v.toFixed(2)));
}

/**
 * The nested bands, outermost first: pairs of column indices (low, high) symmetric about the median,
 * e.g. min–max, −1.5σ–+1.5σ… With the nine basis points: (0, 8), (1, 7), (2, 6), (3, 5).
 */
export function bandPairs(basisPoints: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let lo = 0, hi = basisPoints.length - 1; lo < hi; lo++, hi--) {
    if (Math.abs(basisPoints[lo]! + basisPoints[hi]! - 10000) > 1) break;
    out.push([lo, hi]);
  }
  return out;
}

/** The column index of the median (-1 if absent). */
export function medianIndex(basisPoints: readonly number[]): number {
  return basisPoints.indexOf(5000);
}

/**
 * The x of each step: the step, hours since `origin` (relative; hours keep the axis ticks round, as on
 * the Scalars dashboard), or the wall time in seconds.
 */
export function xValues(d: Pick<Distribution, 'steps' | 'wallTimes'>, axis: XAxis, origin: number): number[] {
  if (axis === 'step') return d.steps.slice();
  if (axis === 'relative') return d.wallTimes.map((w) => (w - origin) / 3600);
  return d.wallTimes.slice();
}

/** One run's distribution in x order, as uPlot draws it. */
export interface Prepared {
  /** uPlot's columns: x, then one per basis point, null where a value is not finite. */
  cols: (number | null)[][];
  /** The step and wall time of each column entry. */
  steps: number[];
  wallTimes: number[];
}

export function prepare(d: Distribution, axis: XAxis, origin: number): Prepared {
  const xs = xValues(d, axis, origin);
  // uPlot needs x ascending; wall times of a restarted run may not be.
  const order = xs.map((_, i) => i);
  if (xs.some((x, i) => i > 0 && x < xs[i - 1]!)) order.sort((a, b) => xs[a]! - xs[b]! || a - b);
  return {
    cols: [order.map((i) => xs[i]!), ...d.values.map((col) => order.map((i) => (Number.isFinite(col[i]!) ? col[i]! : null)))],
    steps: order.map((i) => d.steps[i]!),
    wallTimes: order.map((i) => d.wallTimes[i]!),
  };
}

/** [min, max] of the finite numbers of some columns (null when there are none). */
export function extent(cols: readonly (readonly (number | null)[])[]): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const c of cols) {
    for (const v of c) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A y range with a little margin, never empty. */
export function padRange(r: [number, number] | null): [number, number] {
  if (!r) return [0, 1];
  const [lo, hi] = r;
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const m = (hi - lo) * 0.04;
  return [lo - m, hi + m];
}

/** The index of the x nearest to `x` in an ascending column (-1 when empty). */
export function nearestX(xs: readonly (number | null)[], x: number): number {
  const n = xs.length;
  if (n === 0 || !Number.isFinite(x)) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((xs[lo - 1] ?? 0) - x) <= Math.abs((xs[lo] ?? 0) - x)) return lo - 1;
  return lo;
}
