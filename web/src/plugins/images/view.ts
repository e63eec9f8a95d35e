/**
 * The geometry of an image in a stage (the box it is shown in): fitted or at actual size, zoomed with the
 * wheel around the cursor and panned by dragging in the enlarged view. A view is kept in the image's own
 * fractions (zoom, and the image point at the stage's centre), so the same view can be applied to images of
 * different sizes side by side (compare) and survives a resize. Also the display settings that are plain
 * CSS: when to scale with nearest-neighbour, and the brightness/contrast filter.
 */

export interface View {
  /** Zoom relative to the base scale (1: fitted, or actual size). */
  z: number;
  /** The image point at the stage's centre, as fractions of the image's width and height. */
  u: number;
  v: number;
}

export const HOME: View = { z: 1, u: 0.5, v: 0.5 };
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 64;

export interface Geometry {
  stageW: number;
  stageH: number;
  imgW: number;
  imgH: number;
  /** One image pixel per CSS pixel at zoom 1 (else fitted into the stage, small images scaled up). */
  actual: boolean;
}

export interface Placement {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Displayed CSS pixels per image pixel. */
  scale: number;
}

/** CSS pixels per image pixel at zoom 1. */
export function baseScale(g: Geometry): number {
  if (g.actual || g.imgW <= 0 || g.imgH <= 0 || g.stageW <= 0 || g.stageH <= 0) return 1;
  return Math.min(g.stageW / g.imgW, g.stageH / g.imgH);
}

export function isHome(v: View): boolean {
  return v.z === 1 && v.u === 0.5 && v.v === 0.5;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** A view with its zoom in range and its centre on the image (it cannot be panned out of sight). */
export function clampView(v: View): View {
  return {
    z: clamp(Number.isFinite(v.z) ? v.z : 1, MIN_ZOOM, MAX_ZOOM),
    u: clamp(Number.isFinite(v.u) ? v.u : 0.5, 0, 1),
    v: clamp(Number.isFinite(v.v) ? v.v : 0.5, 0, 1),
  };
}

/** Where the image goes in the stage for a view. */
export function place(g: Geometry, view: View): Placement {
  const scale = baseScale(g) * view.z;
  const width = g.imgW * scale;
  const height = g.imgH * scale;
  return { left: g.stageW / 2 - view.u * width, top: g.stageH / 2 - view.v * height, width, height, scale };
}

/** Zoom by `factor` keeping the image point under (cx, cy) (stage coordinates) where it is. */
export function zoomAt(g: Geometry, view: View, factor: number, cx: number, cy: number): View {
  const before = place(g, view);
  if (before.width <= 0 || before.height <= 0) return view;
  const z = clamp(view.z * factor, MIN_ZOOM, MAX_ZOOM);
  // the image fraction under the cursor stays under the cursor
  const pu = (cx - before.left) / before.width;
  const pv = (cy - before.top) / before.height;
  const after = place(g, { ...view, z });
  const left = cx - pu * after.width;
  const top = cy - pv * after.height;
  return clampView({ z, u: (g.stageW / 2 - left) / after.width, v: (g.stageH / 2 - top) / after.height });
}

/** Move the image by (dx, dy) CSS pixels. */
export function panBy(g: Geometry, view: View, dx: number, dy: number): View {
  const p = place(g, view);
  if (p.width <= 0 || p.height <= 0) return view;
  return clampView({ z: view.z, u: view.u - dx / p.width, v: view.v - dy / p.height });
}

/** The wheel's zoom factor: a notch (100 px) zooms by about 1.2. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-clamp(px, -300, 300) * 0.0018);
}

/**
 * Nearest-neighbour scaling once an image pixel covers two or more screen pixels: an 8×8 or 28×28 image
 * scaled up smoothly is a blur; its pixels are what people want to see.
 */
export function renderingFor(scale: number): 'pixelated' | 'auto' {
  return scale >= 2 ? 'pixelated' : 'auto';
}

/** The CSS filter for brightness and contrast (1 = unchanged); none when both are 1. */
export function filterCss(brightness: number, contrast: number): string {
  const parts: string[] = [];
  if (brightness !== 1) parts.push(`brightness(${round(brightness)})`);
  if (contrast !== 1) parts.push(`contrast(${round(contrast)})`);
  return parts.length ? parts.join(' ') : 'none';
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
