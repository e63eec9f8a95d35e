/**
 * From the API's columns to what the chart draws: x values for the chosen axis, smoothing, and the
 * alignment of several runs onto one x array (uPlot's data shape). Pure functions, tested beside; the
 * Scalars and Custom Scalars charts share them.
 *
 * In an aligned column, `null` is a gap the line must not cross (a NaN or ±Inf value) and `undefined`
 * means "this run has no point at this x" (the line connects across it).
 */
import type { XAxis, YScale } from './urlState';
import { smooth } from './smoothing';
import { parseValues } from './values';
import type { ScalarSeriesWire } from './api';

export interface RunSeries {
  run: string;
  steps: number[];
  wallTimes: number[];
  values: Float64Array;
  total: number;
  downsampled: boolean;
  /** Points a restart overwrote (only when asked for). */
  hidden?: boolean[];
}

export function fromWire(s: ScalarSeriesWire): RunSeries {
  return {
    run: s.run,
    steps: s.steps,
    wallTimes: s.wall_times,
    values: parseValues(s.values),
    total: s.total,
    downsampled: s.downsampled,
    ...(s.hidden ? { hidden: s.hidden } : {}),
  };
}

/** One run ready to draw: points sorted by x, with raw and smoothed values. */
export interface PreparedRun {
  run: string;
  xs: number[];
  steps: number[];
  wallTimes: number[];
  raw: Float64Array;
  smoothed: Float64Array;
  /** Points a restart overwrote: drawn as faint marks, kept out of the line and the smoothing. */
  overwritten: { xs: number[]; values: number[] };
}

/**
 * x of each point: the step, hours since `origin` (the run's first wall time), or the wall time in
 * seconds (uPlot's time axis unit).
 */
export function xOf(step: number, wallTime: number, axis: XAxis, origin: number): number {
  if (axis === 'step') return step;
  if (axis === 'relative') return (wallTime - origin) / 3600;
  return wallTime;
}

export function prepareRun(s: RunSeries, opts: { xAxis: XAxis; smoothing: number; origin?: number }): PreparedRun {
  const n = s.steps.length;
  const origin = opts.origin ?? minOf(s.wallTimes);
  const x0 = new Array<number>(n);
  for (let i = 0; i < n; i++) x0[i] = xOf(s.steps[i]!, s.wallTimes[i]!, opts.xAxis, origin);
  const order: number[] = [];
  const overwritten = { xs: [] as number[], values: [] as number[] };
  for (let i = 0; i < n; i++) {
    if (s.hidden?.[i]) {
      overwritten.xs.push(x0[i]!);
      overwritten.values.push(s.values[i]!);
    } else {
      order.push(i);
    }
  }
  // Stable sort by x: the line is drawn left to right even if a restarted run went back in steps.
  order.sort((a, b) => x0[a]! - x0[b]! || a - b);
  const raw = new Float64Array(order.length);
  order.forEach((i, k) => (raw[k] = s.values[i]!));
  return {
    run: s.run,
    xs: order.map((i) => x0[i]!),
    steps: order.map((i) => s.steps[i]!),
    wallTimes: order.map((i) => s.wallTimes[i]!),
    raw,
    smoothed: smooth(raw, opts.smoothing),
    overwritten,
  };
}

/** The smallest finite number (0 for none); a loop, since spreading 100k values overflows the stack. */
export function minOf(xs: readonly number[]): number {
  let m = Number.POSITIVE_INFINITY;
  for (const x of xs) if (x < m) m = x;
  return Number.isFinite(m) ? m : 0;
}

export type Column = (number | null | undefined)[];

function drawable(v: number, log: boolean): number | null {
  if (!Number.isFinite(v)) return null;
  if (log && v <= 0) return null;
  return v;
}

/**
 * Align runs onto the union of their x values: `[xs, raw_0, smoothed_0, raw_1, smoothed_1, …]`.
 * Two points of one run at the same x keep the later one.
 */
export function alignRuns(runs: readonly PreparedRun[], yScale: YScale): Column[] {
  const log = yScale === 'log';
  let total = 0;
  for (const r of runs) total += r.xs.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const r of runs) for (const x of r.xs) all[k++] = x;
  all.sort(); // typed arrays sort numerically, much faster than a comparator
  const xs: number[] = [];
  for (const x of all) if (xs.length === 0 || xs[xs.length - 1] !== x) xs.push(x);

  const out: Column[] = [xs];
  for (const r of runs) {
    const raw: Column = new Array<number | null | undefined>(xs.length).fill(undefined);
    const sm: Column = new Array<number | null | undefined>(xs.length).fill(undefined);
    let j = 0;
    for (let i = 0; i < r.xs.length; i++) {
      const x = r.xs[i]!;
      while (xs[j]! < x) j++;
      raw[j] = drawable(r.raw[i]!, log);
      sm[j] = drawable(r.smoothed[i]!, log);
    }
    out.push(raw, sm);
  }
  return out;
}

/** Index of the point nearest to x in a sorted array (-1 if empty). */
export function nearestIndex(xs: readonly number[], x: number): number {
  const n = xs.length;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1]! - x) <= Math.abs(xs[lo]! - x)) return lo - 1;
  return lo;
}

/**
 * The step window to fetch for an x window: on the step axis the window itself, on time axes the
 * smallest and largest step of any point inside it. Null when no point falls inside.
 */
export function stepWindow(runs: readonly PreparedRun[], x0: number, x1: number, axis: XAxis): [number, number] | null {
  if (axis === 'step') return [Math.floor(x0), Math.ceil(x1)];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of runs) {
    for (let i = 0; i < r.xs.length; i++) {
      const x = r.xs[i]!;
      if (x < x0 || x > x1) continue;
      lo = Math.min(lo, r.steps[i]!);
      hi = Math.max(hi, r.steps[i]!);
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * Points to ask the server for per line of a chart `width` CSS pixels wide (0: not laid out yet): two
 * per pixel (the highest and lowest of each bucket are kept), within 200 to 8000.
 */
export function pointBudget(width: number): number {
  return Math.max(200, Math.min(8000, Math.round((width || 400) * 2)));
}

/** A number that changes whenever the smoothed curves change: for tests and debugging. */
export function smoothedChecksum(runs: readonly PreparedRun[]): number {
  let s = 0;
  for (const r of runs) for (const v of r.smoothed) if (Number.isFinite(v)) s += v;
  return Math.round(s * 1e6) / 1e6;
}
