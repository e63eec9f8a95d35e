/**
 * Draws a histogram scene (geometry.ts) on a 2-D canvas: the ridges of the offset view back to front,
 * the step-coloured lines of the overlay view, the runs of the compare view, their axes, and on a second
 * canvas above it the hovered step and bin, so hovering never redraws a thousand ridges.
 */
import {
  type CompareScene,
  type HistPanel,
  type OffsetPanel,
  type PanelHit,
  type PanelsScene,
  type RGB,
  type Rect,
  type Scene,
  type Tick,
  css,
  mix,
  parseColor,
  ramp,
} from './geometry';
import { cssVar } from '../../lib/chartAxes';

export interface Theme {
  dark: boolean;
  axis: string;
  grid: string;
  text: string;
  surface: RGB;
  font: string;
}

/** The colours and font of the current theme, from the stylesheet's variables. */
export function readTheme(dark: boolean): Theme {
  return {
    dark,
    axis: cssVar('--chart-axis', dark ? '#9aa5b1' : '#5d6875'),
    grid: cssVar('--chart-grid', dark ? 'rgba(255,255,255,0.07)' : 'rgba(16,24,40,0.07)'),
    text: cssVar('--text', dark ? '#e3e7eb' : '#1c2127'),
    surface: parseColor(cssVar('--surface', dark ? '#171b1f' : '#ffffff')) ?? (dark ? [23, 27, 31] : [255, 255, 255]),
    font: `11px ${cssVar('--font', 'system-ui, sans-serif')}`,
  };
}

/** Size a canvas for its CSS box at the device's pixel ratio; the context then draws in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

function drawXAxis(ctx: CanvasRenderingContext2D, plot: Rect, ticks: Tick[], t: Theme, grid: boolean): void {
  const bottom = plot.y + plot.h;
  ctx.fillStyle = t.axis;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.strokeStyle = t.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const tick of ticks) {
    const x = Math.round(tick.pos) + 0.5;
    ctx.moveTo(x, grid ? plot.y : bottom);
    ctx.lineTo(x, bottom + 4);
  }
  ctx.stroke();
  // Labels that would collide with the previous one, or fall off the canvas, are skipped.
  let lastRight = Number.NEGATIVE_INFINITY;
  const maxX = ctx.canvas.width / (window.devicePixelRatio || 1);
  for (const tick of ticks) {
    const w = ctx.measureText(tick.label).width;
    const l = tick.pos - w / 2;
    if (l < lastRight + 6 || l < 0 || tick.pos + w / 2 > maxX) continue;
    ctx.fillText(tick.label, tick.pos, bottom + 5);
    lastRight = l + w;
  }
}

function drawYGrid(ctx: CanvasRenderingContext2D, plot: Rect, ticks: Tick[], t: Theme): void {
  ctx.strokeStyle = t.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const tick of ticks) {
    const y = Math.round(tick.pos) + 0.5;
    ctx.moveTo(plot.x - 4, y);
    ctx.lineTo(plot.x + plot.w, y);
  }
  ctx.stroke();
  ctx.fillStyle = t.axis;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const tick of ticks) ctx.fillText(tick.label, plot.x - 7, tick.pos);
}

function drawLabel(ctx: CanvasRenderingContext2D, p: HistPanel, color: string, t: Theme): void {
  if (!p.label) return;
  const y = p.outer.y + 9;
  ctx.fillStyle = color;
  ctx.fillRect(p.plot.x, y - 4, 8, 8);
  ctx.fillStyle = t.text;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const room = p.outer.w - p.plot.x - 20;
  let text = p.label;
  // Shorten in the middle: the end of a run's path tells runs apart.
  while (text.length > 4 && ctx.measureText(text).width > room) {
    const keep = text.length - 2;
    text = `${p.label.slice(0, Math.ceil(keep / 2))}…${p.label.slice(p.label.length - Math.floor(keep / 2))}`;
  }
  ctx.fillText(text, p.plot.x + 13, y);
}

/** The first and last bins with a count (null when every bin is empty). */
function occupied(counts: Float64Array): [number, number] | null {
  let f = 0;
  while (f < counts.length && !(counts[f]! > 0)) f++;
  if (f === counts.length) return null;
  let l = counts.length - 1;
  while (l > f && !(counts[l]! > 0)) l--;
  return [f, l];
}

/**
 * A ridge's outline, open (for the stroke; `close` adds the baseline for the fill): from the empty bin
 * before the first counted one to the empty bin after the last, so flat stretches of nothing draw no
 * line across the plot.
 */
function ridgePath(ctx: CanvasRenderingContext2D, p: OffsetPanel, j: number, close: boolean): boolean {
  const xs = p.xs;
  const counts = p.series.counts[j]!;
  const span = occupied(counts);
  if (!span) return false;
  const [f, l] = span;
  const base = p.baselines[j]!;
  ctx.beginPath();
  ctx.moveTo(xs[f]!, base);
  for (let b = f; b <= l; b++) ctx.lineTo(xs[b + 1]!, base - counts[b]! * p.k);
  ctx.lineTo(xs[l + 2]!, base);
  if (close) ctx.closePath();
  return true;
}

function linePath(ctx: CanvasRenderingContext2D, p: HistPanel & { mode: 'overlay' }, j: number): void {
  const xs = p.xs;
  const counts = p.series.counts[j]!;
  const y0 = p.y.map(0);
  ctx.beginPath();
  ctx.moveTo(xs[0]!, y0);
  for (let b = 0; b < counts.length; b++) ctx.lineTo(xs[b + 1]!, p.y.map(counts[b]!));
  ctx.lineTo(xs[xs.length - 1]!, y0);
}

function ridgeColors(t: number, theme: Theme): { fill: string; stroke: string } {
  const c = ramp(t, theme.dark);
  // An opaque fill, so ridges in front hide the ones behind them: the depth reads as depth.
  return { fill: css(mix(c, theme.surface, theme.dark ? 0.45 : 0.55)), stroke: css(c) };
}

function drawOffset(ctx: CanvasRenderingContext2D, p: OffsetPanel, t: Theme): void {
  drawXAxis(ctx, p.plot, p.xTicks, t, false);
  // depth (time) labels on the right, at the baselines of their times
  ctx.fillStyle = t.axis;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.strokeStyle = t.grid;
  ctx.beginPath();
  const right = p.plot.x + p.plot.w;
  for (const tick of p.depthTicks) {
    const y = Math.round(tick.pos) + 0.5;
    ctx.moveTo(p.plot.x, y);
    ctx.lineTo(right + 4, y);
  }
  ctx.stroke();
  for (const tick of p.depthTicks) ctx.fillText(tick.label, right + 7, tick.pos);
  ctx.lineWidth = 1;
  ctx.lineJoin = 'round';
  for (const j of p.drawn) {
    const { fill, stroke } = ridgeColors(p.colorT[j]!, t);
    if (!ridgePath(ctx, p, j, true)) continue;
    ctx.fillStyle = fill;
    ctx.fill();
    ridgePath(ctx, p, j, false);
    ctx.strokeStyle = stroke;
    ctx.stroke();
  }
}

function drawOverlay(ctx: CanvasRenderingContext2D, p: HistPanel & { mode: 'overlay' }, t: Theme): void {
  drawYGrid(ctx, p.plot, p.yTicks, t);
  drawXAxis(ctx, p.plot, p.xTicks, t, false);
  ctx.lineJoin = 'round';
  const last = p.drawn[p.drawn.length - 1];
  for (const j of p.drawn) {
    ctx.strokeStyle = css(ramp(p.colorT[j]!, t.dark), 0.85);
    ctx.lineWidth = j === last ? 1.75 : 1;
    linePath(ctx, p, j);
    ctx.stroke();
  }
}

function barPath(ctx: CanvasRenderingContext2D, s: CompareScene, counts: Float64Array): void {
  const e = s.comparison.edges;
  const y0 = s.y.map(0);
  ctx.beginPath();
  ctx.moveTo(s.x.map(e[0]!), y0);
  for (let b = 0; b < counts.length; b++) {
    const y = s.y.map(counts[b]!);
    ctx.lineTo(s.x.map(e[b]!), y);
    ctx.lineTo(s.x.map(e[b + 1]!), y);
  }
  ctx.lineTo(s.x.map(e[e.length - 1]!), y0);
}

function drawCompare(ctx: CanvasRenderingContext2D, s: CompareScene, t: Theme, colorOf: (run: string) => string): void {
  drawYGrid(ctx, s.plot, s.yTicks, t);
  drawXAxis(ctx, s.plot, s.xTicks, t, false);
  ctx.lineJoin = 'miter';
  for (const row of s.comparison.rows) {
    const c = parseColor(colorOf(row.run)) ?? [128, 128, 128];
    barPath(ctx, s, row.counts);
    ctx.fillStyle = css(c, 0.16);
    ctx.fill();
    ctx.strokeStyle = css(c);
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

/** Draw a whole scene on a prepared context. */
export function drawScene(ctx: CanvasRenderingContext2D, scene: Scene, t: Theme, colorOf: (run: string) => string): void {
  ctx.font = t.font;
  if (scene.mode === 'compare') {
    drawCompare(ctx, scene, t, colorOf);
    return;
  }
  for (const p of scene.panels) {
    drawLabel(ctx, p, colorOf(p.run), t);
    if (p.mode === 'offset') drawOffset(ctx, p, t);
    else drawOverlay(ctx, p, t);
  }
}

function binBand(ctx: CanvasRenderingContext2D, plot: Rect, x0: number, x1: number, t: Theme): void {
  ctx.fillStyle = t.dark ? 'rgba(255,255,255,0.07)' : 'rgba(16,24,40,0.06)';
  ctx.fillRect(x0, plot.y, Math.max(1, x1 - x0), plot.h);
}

function dot(ctx: CanvasRenderingContext2D, x: number, y: number, color: string, t: Theme): void {
  ctx.beginPath();
  ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
  ctx.fillStyle = color;
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = css(t.surface);
  ctx.stroke();
}

/** The hovered step (brought to the front, outlined) and bin, on the canvas above the scene. */
export function drawPanelHover(ctx: CanvasRenderingContext2D, scene: PanelsScene, hit: PanelHit, t: Theme): void {
  const p = scene.panels[hit.panel];
  if (!p) return;
  const e = p.series.edges;
  const x0 = p.x.map(e[hit.bin]!);
  const x1 = p.x.map(e[hit.bin + 1]!);
  const count = p.series.counts[hit.step]![hit.bin]!;
  const cx = (x0 + x1) / 2;
  const c = ramp(p.colorT[hit.step]!, t.dark);
  ctx.lineJoin = 'round';
  if (p.mode === 'offset') {
    binBand(ctx, { ...p.plot, y: p.plot.y, h: p.baselines[hit.step]! - p.plot.y }, x0, x1, t);
    if (ridgePath(ctx, p, hit.step, true)) {
      ctx.fillStyle = css(mix(c, t.surface, t.dark ? 0.3 : 0.4));
      ctx.fill();
      ridgePath(ctx, p, hit.step, false);
      ctx.strokeStyle = t.text;
      ctx.lineWidth = 1.75;
      ctx.stroke();
    }
    // the baseline of the hovered step, so its place in depth reads even where it is empty
    ctx.strokeStyle = t.axis;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(p.plot.x, p.baselines[hit.step]!);
    ctx.lineTo(p.plot.x + p.plot.w, p.baselines[hit.step]!);
    ctx.stroke();
    ctx.setLineDash([]);
    dot(ctx, cx, p.baselines[hit.step]! - count * p.k, t.text, t);
  } else {
    binBand(ctx, p.plot, x0, x1, t);
    linePath(ctx, p, hit.step);
    ctx.strokeStyle = css(t.surface);
    ctx.lineWidth = 4;
    ctx.stroke();
    ctx.strokeStyle = t.text;
    ctx.lineWidth = 1.75;
    ctx.stroke();
    dot(ctx, cx, p.y.map(count), css(c), t);
  }
}

/** The hovered bin of the compare view, with a dot on each run's bar. */
export function drawCompareHover(ctx: CanvasRenderingContext2D, s: CompareScene, bin: number, t: Theme, colorOf: (run: string) => string): void {
  const e = s.comparison.edges;
  const x0 = s.x.map(e[bin]!);
  const x1 = s.x.map(e[bin + 1]!);
  binBand(ctx, s.plot, x0, x1, t);
  for (const row of s.comparison.rows) dot(ctx, (x0 + x1) / 2, s.y.map(row.counts[bin]!), colorOf(row.run), t);
}
