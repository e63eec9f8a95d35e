/**
 * Pan and zoom arithmetic for the graph view: fitting a scene into the viewport, zooming about a point,
 * centring a box, and which part of the scene is worth drawing (the viewport and a margin around it) at what
 * level of detail. Pure.
 */

export interface View {
  /** Screen = graph × k + (x, y). */
  x: number;
  y: number;
  k: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const MIN_K = 0.02;
export const MAX_K = 4;
const FIT_PAD = 24;

export function clampK(k: number): number {
  return Math.max(MIN_K, Math.min(MAX_K, k));
}

/** The whole scene in view, never enlarged beyond 100 %; centred. */
export function fitView(scene: { width: number; height: number }, vw: number, vh: number, maxK = 1): View {
  const w = Math.max(1, scene.width);
  const h = Math.max(1, scene.height);
  const k = clampK(Math.min(maxK, (vw - 2 * FIT_PAD) / w, (vh - 2 * FIT_PAD) / h));
  return { k, x: (vw - w * k) / 2, y: Math.max(FIT_PAD, (vh - h * k) / 2) };
}

/** Zoom by `factor` keeping the graph point under (sx, sy) where it is on screen. */
export function zoomAt(v: View, factor: number, sx: number, sy: number): View {
  const k = clampK(v.k * factor);
  const f = k / v.k;
  return { k, x: sx - (sx - v.x) * f, y: sy - (sy - v.y) * f };
}

/** A box in the middle of the viewport, at zoom `k`. */
export function centreOn(r: Rect, vw: number, vh: number, k: number): View {
  return { k, x: vw / 2 - (r.x + r.w / 2) * k, y: vh / 2 - (r.y + r.h / 2) * k };
}

/** Move the view so a graph point keeps the screen position it had (a box that was expanded in place). */
export function keepAnchor(v: View, graphX: number, graphY: number, screenX: number, screenY: number): View {
  return { k: v.k, x: screenX - graphX * v.k, y: screenY - graphY * v.k };
}

/** Below this zoom box text is not drawn (see `detailAt`); a scope just opened is not shrunk past it. */
const READABLE_K = 0.5;

/**
 * The least change of view that shows `r` (a scope just opened) whole: a pan when it fits at the current zoom;
 * else zoomed out until it fits, but not past legible text, then with its start (top left, where data flows
 * from) in view.
 */
export function bringIntoView(v: View, r: Rect, vw: number, vh: number): View {
  const fitK = clampK(Math.min((vw - 2 * FIT_PAD) / Math.max(1, r.w), (vh - 2 * FIT_PAD) / Math.max(1, r.h)));
  const k = fitK >= v.k ? v.k : Math.min(v.k, Math.max(fitK, READABLE_K));
  // Zoom about the box's top-left corner, so it stays where it was on screen.
  const out = zoomAt(v, k / v.k, r.x * v.k + v.x, r.y * v.k + v.y);
  const axis = (offset: number, start: number, size: number, room: number): number => {
    const a = start * k + offset;
    const b = a + size * k;
    if (size * k > room - 2 * FIT_PAD || a < FIT_PAD) return offset + FIT_PAD - a;
    if (b > room - FIT_PAD) return offset - (b - (room - FIT_PAD));
    return offset;
  };
  return { k, x: axis(out.x, r.x, r.w, vw), y: axis(out.y, r.y, r.h, vh) };
}

/** Whether `r` fits in the viewport at zoom `k`, with the usual margin. */
export function fitsAt(r: { w: number; h: number }, k: number, vw: number, vh: number): boolean {
  return r.w * k <= vw - 2 * FIT_PAD && r.h * k <= vh - 2 * FIT_PAD;
}

/** The part of the graph on screen, in graph coordinates. */
export function viewport(v: View, vw: number, vh: number): Rect {
  return { x: -v.x / v.k, y: -v.y / v.k, w: vw / v.k, h: vh / v.k };
}

export function grow(r: Rect, by: number): Rect {
  return { x: r.x - r.w * by, y: r.y - r.h * by, w: r.w * (1 + 2 * by), h: r.h * (1 + 2 * by) };
}

export function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.w <= outer.x + outer.w &&
    inner.y + inner.h <= outer.y + outer.h
  );
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** 0: boxes only; 1: box text; 2: edge labels too. */
export type Detail = 0 | 1 | 2;

export function detailAt(k: number): Detail {
  return k < 0.3 ? 0 : k < 0.6 ? 1 : 2;
}

/** The minimap's scale and offset for a scene drawn into a w × h canvas. */
export function minimapTransform(scene: { width: number; height: number }, w: number, h: number): View {
  const k = Math.min(w / Math.max(1, scene.width), h / Math.max(1, scene.height));
  return { k, x: (w - scene.width * k) / 2, y: (h - scene.height * k) / 2 };
}
