/**
 * Where everything goes on a histogram card's canvas, in CSS pixels: scales and ticks, the panels (one
 * per run), the ridges of the offset view (one per step, earliest at the back, the time axis in depth),
 * the lines of the overlay view, the runs of the compare view, and what lies under the cursor. Pure:
 * `render.ts` draws a scene, the card hit-tests it, and vitest pins the arithmetic.
 */
import { formatDuration, formatNumber, formatStepShort, formatWallTick } from '../../lib/format';
import type { XAxis } from '../../lib/urlState';
import { type Comparison, type HistSeries, binOf, thinByPosition, timeValues } from './data';

export type Mode = 'offset' | 'overlay' | 'compare';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Scale {
  map(v: number): number;
  invert(p: number): number;
}

/** The linear map of [d0, d1] onto [r0, r1] (a point domain maps to the middle of the range). */
export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  if (d1 === d0) {
    const mid = (r0 + r1) / 2;
    return { map: () => mid, invert: () => d0 };
  }
  const k = (r1 - r0) / (d1 - d0);
  return { map: (v) => r0 + (v - d0) * k, invert: (p) => d0 + (p - r0) / k };
}

/** A round tick spacing (1, 2 or 5 × 10^k) giving at most about `maxTicks` ticks over `span`. */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, maxTicks);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw * (1 - 1e-9)) return m * p;
  return 10 * p;
}

function ticksWithStep(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9) * step;
  for (let v = first, i = 0; v <= hi + step * 1e-9 && i < 1000; i++, v = first + i * step) {
    // -0 and 0.30000000000000004 read badly on an axis
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return out;
}

/** Round values inside [lo, hi], at most about `maxTicks` of them; `integer` keeps them whole (steps). */
export function niceTicks(lo: number, hi: number, maxTicks: number, integer = false): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  let step = niceStep(hi - lo, maxTicks);
  if (integer) step = Math.max(1, Math.round(step));
  return ticksWithStep(lo, hi, step);
}

/** Tick spacings for durations and wall times, in seconds: round minutes, hours and days. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** Ticks of a time axis in seconds: sub-second spans get decimal ticks, longer ones round units of time. */
export function timeTicks(lo: number, hi: number, maxTicks: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, maxTicks);
  if (raw < 1) return niceTicks(lo, hi, maxTicks);
  const step = TIME_STEPS.find((s) => s >= raw) ?? niceStep(hi - lo, maxTicks);
  return ticksWithStep(lo, hi, step);
}

/** Ticks for a time axis of the given kind. */
export function axisTicks(lo: number, hi: number, maxTicks: number, axis: XAxis): number[] {
  return axis === 'step' ? niceTicks(lo, hi, maxTicks, true) : timeTicks(lo, hi, maxTicks);
}

/**
 * The depth axis' ticks: round values, plus both ends (the earliest and the latest time, which people
 * look for), leaving out round values that would crowd an end. `pxPerUnit` converts a time difference
 * into pixels.
 */
export function depthTickValues(lo: number, hi: number, pxPerUnit: number, maxTicks: number, axis: XAxis): number[] {
  if (hi <= lo) return [lo];
  const minGap = 14;
  const inner = axisTicks(lo, hi, maxTicks, axis).filter((v) => (v - lo) * pxPerUnit >= minGap && (hi - v) * pxPerUnit >= minGap);
  return [lo, ...inner, hi];
}

/** A label on a time axis: a step (1.2k), a duration (12 min) or a clock time as precise as `span` needs. */
export function formatTime(v: number, axis: XAxis, span: number): string {
  if (axis === 'step') return formatStepShort(v);
  if (axis === 'relative') return formatDuration(v);
  return formatWallTick(v, span);
}

// ---- colour ------------------------------------------------------------------------------------------

export type RGB = [number, number, number];

/**
 * The sequential ramp colouring steps, early (t = 0) to late (t = 1): on a light background from pale to
 * deep orange, on a dark one from dim to bright, so the latest steps always stand out most. Orange is
 * what TensorBoard users know histograms by, and is far from the accent blue.
 */
const RAMP_LIGHT: RGB[] = [
  [253, 219, 183],
  [249, 161, 96],
  [221, 90, 22],
  [130, 40, 4],
];
const RAMP_DARK: RGB[] = [
  [92, 52, 24],
  [176, 88, 26],
  [244, 142, 64],
  [255, 219, 180],
];

export function ramp(t: number, dark: boolean): RGB {
  const stops = dark ? RAMP_DARK : RAMP_LIGHT;
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 1, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** `a` moved towards `b` by `f` (0: a, 1: b). */
export function mix(a: RGB, b: RGB, f: number): RGB {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export function css(c: RGB, alpha = 1): string {
  const [r, g, b] = c.map((v) => Math.round(v));
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** `#rgb`, `#rrggbb` or `rgb(r, g, b)` as numbers (null otherwise). */
export function parseColor(s: string): RGB | null {
  const t = s.trim();
  let m = /^#([0-9a-f]{6})$/i.exec(t);
  if (m) {
    const n = parseInt(m[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  m = /^#([0-9a-f]{3})$/i.exec(t);
  if (m) return [...m[1]!].map((h) => parseInt(h + h, 16)) as RGB;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(t);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return null;
}

// ---- scenes ------------------------------------------------------------------------------------------

export interface Tick {
  /** The pixel position along the axis. */
  pos: number;
  label: string;
}

interface PanelBase {
  run: string;
  /** The panel's whole area (hover finds the panel by it), and the plot inside its axes. */
  outer: Rect;
  plot: Rect;
  /** The run's name over the plot when the card holds several runs. */
  label: string | null;
  x: Scale;
  xTicks: Tick[];
  series: HistSeries;
  /** Pixel x of the drawn outline: the first edge, every bin's centre, the last edge. */
  xs: Float64Array;
  /** Each step's value on the time axis and its colour position on the ramp (0 earliest, 1 latest). */
  times: Float64Array;
  colorT: Float64Array;
  /** The steps drawn, back to front (all of them when they fit). */
  drawn: number[];
}

export interface OffsetPanel extends PanelBase {
  mode: 'offset';
  /** Pixel y of each step's baseline. */
  baselines: Float64Array;
  /** Pixels per count. */
  k: number;
  /** Every step, front (latest on the time axis) to back, for hit-testing. */
  frontToBack: number[];
  depthTicks: Tick[];
}

export interface OverlayPanel extends PanelBase {
  mode: 'overlay';
  y: Scale;
  yTicks: Tick[];
}

export interface CompareScene {
  mode: 'compare';
  outer: Rect;
  plot: Rect;
  x: Scale;
  y: Scale;
  xTicks: Tick[];
  yTicks: Tick[];
  comparison: Comparison;
}

export type HistPanel = OffsetPanel | OverlayPanel;

export interface PanelsScene {
  mode: 'offset' | 'overlay';
  width: number;
  height: number;
  axis: XAxis;
  panels: HistPanel[];
  /** The time range over every panel (for the ramp legend). */
  timeRange: [number, number];
}

export type Scene = PanelsScene | CompareScene;

/** Text width in CSS pixels (the canvas' `measureText` in the page; an estimate in tests). */
export type Measure = (text: string) => number;

export const estimateWidth: Measure = (t) => t.length * 6.2;

const LABEL_H = 17;
const X_AXIS_H = 20;
const PAD_TOP = 6;
/** Pixels between drawn ridges (and the most overlay lines) before steps are thinned out. */
export const RIDGE_GAP = 2;
export const MAX_LINES = 120;

/** The value range of the bins of every series (so panels of one card share the x axis). */
export function valueDomain(series: readonly HistSeries[]): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    if (s.edges.length < 2) continue;
    lo = Math.min(lo, s.edges[0]!);
    hi = Math.max(hi, s.edges[s.edges.length - 1]!);
  }
  return lo <= hi ? [lo, hi] : null;
}

function xTicksFor(x: Scale, lo: number, hi: number, plot: Rect): Tick[] {
  return niceTicks(lo, hi, Math.max(2, Math.floor(plot.w / 70))).map((v) => ({ pos: x.map(v), label: formatNumber(v) }));
}

function outline(edges: Float64Array, x: Scale): Float64Array {
  const n = edges.length - 1;
  const xs = new Float64Array(n + 2);
  xs[0] = x.map(edges[0]!);
  for (let b = 0; b < n; b++) xs[b + 1] = x.map((edges[b]! + edges[b + 1]!) / 2);
  xs[n + 1] = x.map(edges[n]!);
  return xs;
}

/** The outline's height (in counts) at pixel `px`: 0 at the outer edges, linear between bin centres. */
export function outlineValueAt(xs: Float64Array, counts: Float64Array, px: number): number {
  const n = xs.length;
  if (n < 2 || px < xs[0]! || px > xs[n - 1]!) return 0;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= px) lo = mid;
    else hi = mid;
  }
  const v = (i: number) => (i === 0 || i === n - 1 ? 0 : counts[i - 1]!);
  const x0 = xs[lo]!;
  const x1 = xs[hi]!;
  const f = x1 > x0 ? (px - x0) / (x1 - x0) : 0;
  return v(lo) + (v(hi) - v(lo)) * f;
}

export interface PanelsInput {
  width: number;
  height: number;
  mode: 'offset' | 'overlay';
  axis: XAxis;
  series: readonly HistSeries[];
  /** Per series, the wall time relative time counts from. */
  origins: readonly number[];
  measure?: Measure;
}

/** The panels of the offset or overlay view: one per series, stacked, sharing the value axis. */
export function panelsScene(input: PanelsInput): PanelsScene {
  const { width, height, mode, axis } = input;
  const measure = input.measure ?? estimateWidth;
  const series = input.series.filter((s) => s.steps.length > 0 && s.edges.length >= 2);
  const n = Math.max(1, series.length);
  const labels = series.length > 1;
  const ph = height / n;
  const domain = valueDomain(series) ?? [0, 1];

  const times = series.map((s, i) => timeValues(s, axis, input.origins[i] ?? 0));
  let tLo = Number.POSITIVE_INFINITY;
  let tHi = Number.NEGATIVE_INFINITY;
  for (const t of times) for (const v of t) if (Number.isFinite(v)) (tLo = Math.min(tLo, v)), (tHi = Math.max(tHi, v));
  if (!(tLo <= tHi)) [tLo, tHi] = [0, 0];

  const panels = series.map((s, i): HistPanel => {
    const outer: Rect = { x: 0, y: ph * i, w: width, h: ph };
    const top = outer.y + (labels ? LABEL_H : PAD_TOP);
    const plotH = Math.max(10, outer.y + ph - X_AXIS_H - top);
    const t = times[i]!;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of t) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    if (!(lo <= hi)) [lo, hi] = [0, 0];
    // The ramp follows the card's whole time range, so one colour means one time in every panel.
    const colorT = new Float64Array(t.length);
    for (let j = 0; j < t.length; j++) colorT[j] = tHi > tLo ? (t[j]! - tLo) / (tHi - tLo) : 1;
    const label = labels ? s.run : null;
    // What a panel of either view holds once its plot is laid out.
    const panel = (plot: Rect, drawn: number[]): PanelBase => {
      const x = linear(domain[0], domain[1], plot.x, plot.x + plot.w);
      const xTicks = xTicksFor(x, domain[0], domain[1], plot);
      return { run: s.run, outer, plot, label, x, xTicks, series: s, xs: outline(s.edges, x), times: t, colorT, drawn };
    };

    if (mode === 'offset') {
      // Depth labels on the right, as wide as the longest of them.
      const amp = s.steps.length > 1 ? Math.max(16, plotH * 0.4) : plotH;
      const depth = linear(lo, hi, top + amp, top + plotH);
      const rough = depthTickValues(lo, hi, (plotH - amp) / Math.max(hi - lo, 1e-300), Math.max(2, Math.floor((plotH - amp) / 26) + 1), axis);
      const tickLabels = rough.map((v) => formatTime(v, axis, hi - lo));
      const right = Math.ceil(Math.max(24, ...tickLabels.map(measure))) + 12;
      const plot: Rect = { x: 8, y: top, w: Math.max(10, width - 8 - right), h: plotH };
      const baselines = new Float64Array(t.length);
      // a single time value (one step, or a time axis with equal times) puts the ridges at the front
      for (let j = 0; j < t.length; j++) baselines[j] = hi > lo ? depth.map(t[j]!) : top + plotH;
      const frontToBack = [...baselines.keys()].sort((a, b) => baselines[b]! - baselines[a]! || b - a);
      return {
        ...panel(plot, thinByPosition(baselines, RIDGE_GAP)),
        mode,
        baselines,
        k: s.maxCount > 0 ? amp / s.maxCount : 0,
        frontToBack,
        depthTicks: rough.map((v, j) => ({ pos: hi > lo ? depth.map(v) : top + plotH, label: tickLabels[j]! })),
      };
    }

    const yMax = s.maxCount > 0 ? s.maxCount * 1.05 : 1;
    const yTickVals = niceTicks(0, yMax, Math.max(2, Math.floor(plotH / 28)));
    const yLabels = yTickVals.map((v) => formatNumber(v));
    const left = Math.ceil(Math.max(...yLabels.map(measure), 8)) + 10;
    const plot: Rect = { x: left, y: top, w: Math.max(10, width - left - 10), h: plotH };
    const y = linear(0, yMax, top + plotH, top);
    // Past MAX_LINES lines nobody tells them apart: keep lines evenly spread in time, the last always.
    const slots = new Float64Array(t.length);
    for (let j = 0; j < t.length; j++) slots[j] = colorT[j]! * MAX_LINES;
    return {
      ...panel(plot, t.length <= MAX_LINES ? [...t.keys()].sort((a, b) => t[a]! - t[b]! || a - b) : thinByPosition(slots, 1)),
      mode,
      y,
      yTicks: yTickVals.map((v, j) => ({ pos: y.map(v), label: yLabels[j]! })),
    };
  });
  return { mode, width, height, axis, panels, timeRange: [tLo, tHi] };
}

/** The compare view: every run's histogram at one step on one set of axes. */
export function compareScene(width: number, height: number, comparison: Comparison, measure: Measure = estimateWidth): CompareScene {
  const { edges } = comparison;
  const lo = edges.length ? edges[0]! : 0;
  const hi = edges.length ? edges[edges.length - 1]! : 1;
  const top = PAD_TOP + 2;
  const plotH = Math.max(10, height - X_AXIS_H - top);
  const yMax = comparison.maxCount > 0 ? comparison.maxCount * 1.08 : 1;
  const yTickVals = niceTicks(0, yMax, Math.max(2, Math.floor(plotH / 28)));
  const yLabels = yTickVals.map((v) => formatNumber(v));
  const left = Math.ceil(Math.max(...yLabels.map(measure), 8)) + 10;
  const plot: Rect = { x: left, y: top, w: Math.max(10, width - left - 10), h: plotH };
  const x = linear(lo, hi, plot.x, plot.x + plot.w);
  const y = linear(0, yMax, top + plotH, top);
  return {
    mode: 'compare',
    outer: { x: 0, y: 0, w: width, h: height },
    plot,
    x,
    y,
    xTicks: xTicksFor(x, lo, hi, plot),
    yTicks: yTickVals.map((v, j) => ({ pos: y.map(v), label: yLabels[j]! })),
    comparison,
  };
}

// ---- hit-testing ---------------------------------------------------------------------------------------

/** What is under the cursor in the offset or overlay view: a panel, a step of its run, a bin. */
export interface PanelHit {
  panel: number;
  step: number;
  bin: number;
}

function inside(r: Rect, px: number, py: number): boolean {
  return px >= r.x && px <= r.x + r.w && py >= r.y && py <= r.y + r.h;
}

/** The panel under a point (-1 if none). */
export function panelAt(scene: PanelsScene, px: number, py: number): number {
  return scene.panels.findIndex((p) => inside(p.outer, px, py));
}

/**
 * The step and bin under the cursor. Offset view: the front-most ridge whose filled shape holds the
 * point (what the eye sees there), else the ridge whose baseline is nearest; every step counts, not only
 * the drawn ones, so each step can be reached. Overlay view: the line nearest the cursor at its x.
 * Null outside the bins.
 */
export function hitPanels(scene: PanelsScene, px: number, py: number): PanelHit | null {
  const pi = panelAt(scene, px, py);
  if (pi < 0) return null;
  const p = scene.panels[pi]!;
  const edges = p.series.edges;
  if (edges.length < 2 || px < p.plot.x - 0.5 || px > p.plot.x + p.plot.w + 0.5) return null;
  const bin = binOf(edges, Math.min(Math.max(p.x.invert(px), edges[0]!), edges[edges.length - 1]!));
  if (bin < 0) return null;
  const counts = p.series.counts;
  if (p.mode === 'offset') {
    let best = -1;
    let bestDist = Number.POSITIVE_INFINITY;
    for (const j of p.frontToBack) {
      const base = p.baselines[j]!;
      const top = base - outlineValueAt(p.xs, counts[j]!, px) * p.k;
      if (py <= base + 0.5 && py >= top - 0.5) return { panel: pi, step: j, bin };
      const d = Math.abs(py - base);
      if (d < bestDist) (bestDist = d), (best = j);
    }
    return best < 0 ? null : { panel: pi, step: best, bin };
  }
  let best = -1;
  let bestDist = Number.POSITIVE_INFINITY;
  for (let j = 0; j < counts.length; j++) {
    const d = Math.abs(p.y.map(outlineValueAt(p.xs, counts[j]!, px)) - py);
    // ties go to the later step, which is drawn on top
    if (d <= bestDist) (bestDist = d), (best = j);
  }
  return best < 0 ? null : { panel: pi, step: best, bin };
}

/** The bin under the cursor in the compare view (-1 outside the plot). */
export function hitCompare(scene: CompareScene, px: number, py: number): number {
  const { edges } = scene.comparison;
  if (edges.length < 2 || !inside({ ...scene.plot, x: scene.plot.x - 0.5, w: scene.plot.w + 1 }, px, py)) return -1;
  return binOf(edges, Math.min(Math.max(scene.x.invert(px), edges[0]!), edges[edges.length - 1]!));
}
