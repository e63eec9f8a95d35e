/**
 * From `api/pr_curves` columns to what a PR-curve card draws and its tooltip reads: each run's curve at a
 * chosen step, the points worth drawing, the point nearest the cursor, and the same threshold in every
 * run. Pure functions, tested beside.
 */
import type { PrCurvesResponse } from '../../lib/api';
import { parseValues } from '../../lib/values';

/** One step's curve: parallel columns, one value per threshold (ascending). */
export interface PrCurve {
  thresholds: Float64Array;
  precision: Float64Array;
  recall: Float64Array;
  tp: Float64Array;
  fp: Float64Array;
  tn: Float64Array;
  fn: Float64Array;
}

export interface PrSeries {
  run: string;
  steps: number[];
  wallTimes: number[];
  curves: PrCurve[];
}

export function fromWire(w: PrCurvesResponse): PrSeries {
  return {
    run: w.run,
    steps: w.steps,
    wallTimes: w.wall_times,
    curves: w.steps.map((_, i) => ({
      thresholds: parseValues(w.thresholds[i] ?? []),
      precision: parseValues(w.precision[i] ?? []),
      recall: parseValues(w.recall[i] ?? []),
      tp: parseValues(w.tp[i] ?? []),
      fp: parseValues(w.fp[i] ?? []),
      tn: parseValues(w.tn[i] ?? []),
      fn: parseValues(w.fn[i] ?? []),
    })),
  };
}

/**
 * The thresholds a curve is drawn through: precision and recall finite, and some example predicted
 * positive (above the highest score nothing is, and the "precision 0 at recall 0" written there would
 * draw a false drop to the origin; TensorBoard leaves those thresholds out too).
 */
export function drawnIndices(c: PrCurve): number[] {
  const out: number[] = [];
  for (let i = 0; i < c.thresholds.length; i++) {
    if (!Number.isFinite(c.precision[i]!) || !Number.isFinite(c.recall[i]!)) continue;
    if (!(c.tp[i]! + c.fp[i]! > 0)) continue;
    out.push(i);
  }
  return out;
}

/** One run's curve as a card shows it: the step nearest the chosen one, and its drawn points. */
export interface ShownCurve {
  run: string;
  step: number;
  wallTime: number;
  curve: PrCurve;
  /** Threshold indices drawn, ascending. */
  drawn: number[];
}

/** Each run's curve at its step nearest `step` (null: each run's latest); runs without data are left out. */
export function curvesAt(series: readonly PrSeries[], step: number | null): ShownCurve[] {
  const out: ShownCurve[] = [];
  for (const s of series) {
    const i = step === null ? s.steps.length - 1 : nearestStepIndex(s.steps, step);
    if (i < 0) continue;
    const curve = s.curves[i]!;
    out.push({ run: s.run, step: s.steps[i]!, wallTime: s.wallTimes[i]!, curve, drawn: drawnIndices(curve) });
  }
  return out;
}

function nearestStepIndex(steps: readonly number[], target: number): number {
  let best = -1;
  for (let i = 0; i < steps.length; i++) {
    if (best < 0 || Math.abs(steps[i]! - target) < Math.abs(steps[best]! - target)) best = i;
  }
  return best;
}

/** uPlot's faceted data (mode 2): per curve, its drawn points as `[recall[], precision[]]`. */
export function facetData(curves: readonly ShownCurve[]): [null, ...[number[], number[]][]] {
  return [
    null,
    ...curves.map((c): [number[], number[]] => [c.drawn.map((i) => c.curve.recall[i]!), c.drawn.map((i) => c.curve.precision[i]!)]),
  ];
}

/** Where a drawn point is on the screen (CSS pixels), for hovering. */
export type ToPixels = (recall: number, precision: number) => [number, number];

/** The drawn point nearest (x, y) over every curve, within `maxDistance` pixels: the curve and threshold index. */
export function nearestPoint(
  curves: readonly ShownCurve[],
  toPx: ToPixels,
  x: number,
  y: number,
  maxDistance = Number.POSITIVE_INFINITY,
): { curve: number; index: number } | null {
  let best: { curve: number; index: number } | null = null;
  let bestD = maxDistance * maxDistance;
  curves.forEach((c, k) => {
    for (const i of c.drawn) {
      const [px, py] = toPx(c.curve.recall[i]!, c.curve.precision[i]!);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = { curve: k, index: i };
      }
    }
  });
  return best;
}

/** The drawn threshold of a curve nearest to `threshold` (the lower on a tie); -1 when nothing is drawn. */
export function nearestThreshold(c: ShownCurve, threshold: number): number {
  let best = -1;
  for (const i of c.drawn) {
    if (best < 0 || Math.abs(c.curve.thresholds[i]! - threshold) < Math.abs(c.curve.thresholds[best]! - threshold)) best = i;
  }
  return best;
}

/** A count for the tooltip: whole counts as integers, weighted (fractional) ones to 4 significant digits. */
export function formatCount(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** Precision, recall or a threshold for the tooltip: 4 decimals, as the curve's axes run from 0 to 1. */
export function formatRatio(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  return v.toFixed(4);
}
