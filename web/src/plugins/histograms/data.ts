/**
 * Histogram data as the Histograms dashboard draws it: every step of one run's tag counted on one set of
 * equal-width bins (the server re-bins with `bins=N`), the value on the time axis of each step, the steps
 * worth drawing when there are more than pixels, and re-binning several runs onto common bins to compare
 * them at one step. Pure, so vitest pins it.
 */
import type { HistogramsResponse } from '../../lib/api';
import type { XAxis } from '../../lib/urlState';
import { parseValues } from '../../lib/values';

/** One run's histograms of one tag, every step on the same bins. */
export interface HistSeries {
  run: string;
  tag: string;
  steps: number[];
  wallTimes: number[];
  /** Bin boundaries shared by every step (`bins + 1` of them); empty when no step holds data. */
  edges: Float64Array;
  /** Per step, one count per bin (non-finite counts read as 0: nothing can be drawn for them). */
  counts: Float64Array[];
  /** The largest count of any bin at any step (0 when empty). */
  maxCount: number;
}

/** The series of an API answer; per-step edges (no `bins` asked) are re-binned onto bins spanning every step. */
export function fromWire(r: HistogramsResponse, bins = 30): HistSeries {
  let edges: Float64Array;
  let counts: Float64Array[];
  if (r.shared) {
    edges = parseValues(r.edges);
    counts = r.counts.map((c) => finiteCounts(parseValues(c)));
  } else {
    const own = r.edges.map((e) => parseValues(e));
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const e of own) {
      if (e.length < 2) continue;
      if (Number.isFinite(e[0]!)) lo = Math.min(lo, e[0]!);
      if (Number.isFinite(e[e.length - 1]!)) hi = Math.max(hi, e[e.length - 1]!);
    }
    edges = lo <= hi ? equalEdges(lo, hi, bins) : new Float64Array(0);
    counts = r.counts.map((c, i) => {
      const src = own[i]!;
      return edges.length && src.length >= 2 ? rebin(src, finiteCounts(parseValues(c)), edges) : new Float64Array(Math.max(0, edges.length - 1));
    });
  }
  if (edges.length < 2 || !Number.isFinite(edges[0]!) || !Number.isFinite(edges[edges.length - 1]!)) {
    edges = new Float64Array(0);
    counts = counts.map(() => new Float64Array(0));
  }
  let maxCount = 0;
  for (const c of counts) for (const v of c) if (v > maxCount) maxCount = v;
  return { run: r.run, tag: r.tag, steps: r.steps, wallTimes: r.wall_times, edges, counts, maxCount };
}

function finiteCounts(c: Float64Array): Float64Array {
  for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i]!) || c[i]! < 0) c[i] = 0;
  return c;
}

/** `n` equal-width bins from `lo` to `hi` (a zero-width span is widened so the bins have a width). */
export function equalEdges(lo: number, hi: number, n: number): Float64Array {
  if (hi <= lo) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const out = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) out[i] = lo + ((hi - lo) * i) / n;
  out[n] = hi;
  return out;
}

/**
 * Counts on bins `src` moved onto bins `dst`: a bucket's count is spread evenly over its width (as the
 * server's `bins=` does), a bucket of zero width puts its count in the bin holding its value, and
 * what falls outside `dst` is lost.
 */
export function rebin(src: ArrayLike<number>, counts: ArrayLike<number>, dst: ArrayLike<number>): Float64Array {
  const n = dst.length - 1;
  const out = new Float64Array(Math.max(0, n));
  if (n < 1) return out;
  const lo = dst[0]!;
  const hi = dst[n]!;
  let j = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (!(c > 0)) continue;
    const a = src[i]!;
    const b = src[i + 1]!;
    if (b <= a) {
      if (a < lo || a > hi) continue;
      out[binOf(dst, a)]! += c;
      continue;
    }
    const w = b - a;
    // dst is sorted and src buckets are visited in order: start from the bin the last bucket reached.
    while (j > 0 && dst[j]! > a) j--;
    while (j < n && dst[j + 1]! <= a) j++;
    for (let k = j; k < n && dst[k]! < b; k++) {
      const overlap = Math.min(b, dst[k + 1]!) - Math.max(a, dst[k]!);
      if (overlap > 0) out[k]! += (c * overlap) / w;
    }
  }
  return out;
}

/** The bin of `edges` holding `v` (the last bin is closed on both sides); -1 outside. */
export function binOf(edges: ArrayLike<number>, v: number): number {
  const n = edges.length - 1;
  if (n < 1 || !(v >= edges[0]!) || !(v <= edges[n]!)) return -1;
  let lo = 0;
  let hi = n - 1;
  // the last bin whose left edge is <= v
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The value of each step on the time axis: the step, seconds since `origin` (relative), or the wall time
 * in seconds.
 */
export function timeValues(s: Pick<HistSeries, 'steps' | 'wallTimes'>, axis: XAxis, origin: number): Float64Array {
  const out = new Float64Array(s.steps.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = axis === 'step' ? s.steps[i]! : axis === 'relative' ? s.wallTimes[i]! - origin : s.wallTimes[i]!;
  }
  return out;
}

/** The smallest finite value, or `fallback`. */
export function minOf(xs: ArrayLike<number>, fallback = 0): number {
  let m = Number.POSITIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) if (xs[i]! < m) m = xs[i]!;
  return Number.isFinite(m) ? m : fallback;
}

/**
 * Which steps to draw when there are more than the drawing can tell apart: the steps' pixel positions
 * (`pos`, any order) are cut into cells `gap` pixels tall and each cell keeps its latest step, so the
 * ridges are spread evenly whatever the spacing of the steps. The last step is always kept. Returned in
 * drawing order: back (smallest position) to front.
 */
export function thinByPosition(pos: ArrayLike<number>, gap: number): number[] {
  const n = pos.length;
  if (n === 0) return [];
  const cells = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const p = pos[i]!;
    if (!Number.isFinite(p)) continue;
    cells.set(Math.floor(p / Math.max(gap, 1e-9)), i);
  }
  const keep = new Set(cells.values());
  keep.add(n - 1);
  return [...keep].sort((a, b) => pos[a]! - pos[b]! || a - b);
}

/** The index of the step nearest to `step` in ascending `steps`, the earlier on a tie (-1 when empty). */
export function stepIndex(steps: readonly number[], step: number | null): number {
  if (steps.length === 0) return -1;
  if (step === null) return steps.length - 1;
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  if (lo === steps.length) return steps.length - 1;
  return step - steps[lo - 1]! <= steps[lo]! - step ? lo - 1 : lo;
}

/** One run's histogram at the compared step, on the comparison's common bins. */
export interface CompareRow {
  run: string;
  /** The step shown for this run (its nearest to the chosen one). */
  step: number;
  wallTime: number;
  counts: Float64Array;
}

export interface Comparison {
  edges: Float64Array;
  rows: CompareRow[];
  maxCount: number;
}

function sameEdges(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Several runs' histograms of one tag at (their step nearest to) `step` (null: each run's latest), on
 * common bins. The bins span every run's range over all steps, so the axis holds still while the step
 * moves; runs already on the same bins (one run alone) are drawn exactly as the server counted them,
 * others are spread onto `bins` equal bins.
 */
export function compareAt(series: readonly HistSeries[], step: number | null, bins: number): Comparison {
  const live = series.filter((s) => s.steps.length > 0 && s.edges.length >= 2);
  if (live.length === 0) return { edges: new Float64Array(0), rows: [], maxCount: 0 };
  const first = live[0]!.edges;
  const shared = live.every((s) => sameEdges(s.edges, first));
  let edges = first;
  if (!shared) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const s of live) {
      lo = Math.min(lo, s.edges[0]!);
      hi = Math.max(hi, s.edges[s.edges.length - 1]!);
    }
    edges = equalEdges(lo, hi, bins);
  }
  let maxCount = 0;
  const rows = live.map((s) => {
    const i = stepIndex(s.steps, step);
    const counts = shared ? s.counts[i]! : rebin(s.edges, s.counts[i]!, edges);
    for (const v of counts) if (v > maxCount) maxCount = v;
    return { run: s.run, step: s.steps[i]!, wallTime: s.wallTimes[i]!, counts };
  });
  return { edges, rows, maxCount };
}
