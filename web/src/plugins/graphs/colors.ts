/**
 * Box colours for each colouring of the graph (op type, device, compute time, memory) in the light and dark
 * themes, and the legend that explains them. Concrete colours, not CSS variables, so an exported SVG or PNG
 * looks like the screen. Op types keep their colour across graphs (a hash of the name picks the hue).
 */
import { formatBytes } from '../../lib/format';
import { hashString } from './series';
import type { Scene, SceneItem } from './scene';

export type ColorMode = 'op' | 'device' | 'compute' | 'memory';
export type Theme = 'light' | 'dark';

export interface BoxColors {
  fill: string;
  stroke: string;
  text: string;
}

/** Hues far enough apart to tell apart in both themes (red is kept for the stats ramp's end). */
const HUES = [212, 152, 38, 272, 188, 96, 326, 56, 244, 124, 18, 300];

export function hueIndex(key: string): number {
  return hashString(key) % HUES.length;
}

export function categorical(index: number, theme: Theme): BoxColors {
  const h = HUES[((index % HUES.length) + HUES.length) % HUES.length]!;
  return theme === 'light'
    ? { fill: `hsl(${h} 70% 91%)`, stroke: `hsl(${h} 42% 52%)`, text: '#1c2127' }
    : { fill: `hsl(${h} 28% 22%)`, stroke: `hsl(${h} 40% 52%)`, text: '#e3e7eb' };
}

export function neutral(theme: Theme): BoxColors {
  return theme === 'light'
    ? { fill: '#eef1f5', stroke: '#8a94a0', text: '#1c2127' }
    : { fill: '#232a31', stroke: '#6c7784', text: '#e3e7eb' };
}

/** Boxes without the colouring's data (no device, no stats): quieter than the rest. */
export function missing(theme: Theme): BoxColors {
  return theme === 'light'
    ? { fill: '#f7f8fa', stroke: '#c9ced5', text: '#5d6875' }
    : { fill: '#1a1f24', stroke: '#3a424b', text: '#9aa5b1' };
}

export function functionScope(theme: Theme): BoxColors {
  return theme === 'light'
    ? { fill: '#f1edfb', stroke: '#8c73c9', text: '#1c2127' }
    : { fill: '#29233a', stroke: '#8c73c9', text: '#e3e7eb' };
}

/** An expanded scope's frame: opaque, a little more tinted per level (nested frames do not add up). */
export function container(depth: number, fn: boolean, theme: Theme): BoxColors {
  const p = Math.min(0.12, 0.025 * depth);
  if (theme === 'light') {
    const tint = fn ? [140, 115, 201] : [47, 98, 216];
    return { fill: mix([255, 255, 255], tint, p), stroke: fn ? '#b9a8e3' : '#b7c3d6', text: '#3b4550' };
  }
  const tint = fn ? [140, 115, 201] : [122, 162, 255];
  return { fill: mix([23, 27, 31], tint, p * 1.3), stroke: fn ? '#5a4c80' : '#3c4c66', text: '#c4ccd4' };
}

function mix(a: number[], b: number[], p: number): string {
  const c = a.map((v, i) => Math.round(v + (b[i]! - v) * p));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The stats ramp, t in [0, 1]: pale amber to red. */
export function ramp(t: number, theme: Theme): BoxColors {
  const x = Math.max(0, Math.min(1, t));
  const hue = 45 - 40 * x;
  return theme === 'light'
    ? { fill: `hsl(${hue} 88% ${93 - 33 * x}%)`, stroke: `hsl(${hue} 60% ${55 - 15 * x}%)`, text: '#1c2127' }
    : { fill: `hsl(${hue} ${35 + 30 * x}% ${20 + 22 * x}%)`, stroke: `hsl(${hue} 55% 50%)`, text: '#f2f4f6' };
}

export interface ColorContext {
  mode: ColorMode;
  theme: Theme;
  /** Devices in the graph, most used first (their palette order). */
  devices: readonly string[];
  /** The range of the stat over the boxes on screen (log scale), when colouring by stats. */
  range: [number, number] | null;
}

export function statOf(item: SceneItem, mode: ColorMode): number | null {
  return mode === 'compute' ? item.compute : mode === 'memory' ? item.memory : null;
}

/** The range of a stat over a scene's boxes (not the expanded scopes framing them). */
export function statRange(scene: Scene, mode: ColorMode): [number, number] | null {
  if (mode !== 'compute' && mode !== 'memory') return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const it of scene.items) {
    if (it.expanded) continue;
    const v = statOf(it, mode);
    if (v === null) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : null;
}

export function scaled(v: number, range: [number, number]): number {
  const [lo, hi] = range;
  if (hi <= lo) return 1;
  return (Math.log1p(v) - Math.log1p(lo)) / (Math.log1p(hi) - Math.log1p(lo));
}

export function boxColors(item: SceneItem, ctx: ColorContext): BoxColors {
  if (item.expanded) return container(item.depth, item.fn, ctx.theme);
  switch (ctx.mode) {
    case 'op':
      if (item.kind !== 'leaf') return item.fn ? functionScope(ctx.theme) : neutral(ctx.theme);
      return categorical(hueIndex(item.op ?? ''), ctx.theme);
    case 'device': {
      const i = item.device ? ctx.devices.indexOf(item.device) : -1;
      return i >= 0 ? categorical(i, ctx.theme) : missing(ctx.theme);
    }
    default: {
      const v = statOf(item, ctx.mode);
      return v === null || !ctx.range ? missing(ctx.theme) : ramp(scaled(v, ctx.range), ctx.theme);
    }
  }
}

export interface LegendEntry {
  label: string;
  colors: BoxColors;
  count?: number;
}

export interface Legend {
  title: string;
  entries: LegendEntry[];
  /** More categories than shown. */
  more: number;
  /** For stats: the ends of the ramp. */
  ramp?: { from: string; to: string; low: string; high: string };
}

export function formatMicros(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1e6) return `${(us / 1000).toPrecision(3)} ms`;
  return `${(us / 1e6).toPrecision(3)} s`;
}

const LEGEND_MAX = 8;

export function legend(scene: Scene, ctx: ColorContext): Legend {
  if (ctx.mode === 'op' || ctx.mode === 'device') {
    const counts = new Map<string, number>();
    for (const it of scene.items) {
      if (it.expanded) continue;
      const key = ctx.mode === 'op' ? (it.kind === 'leaf' ? it.op || '(no op)' : null) : it.device;
      if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const entries: LegendEntry[] = sorted.slice(0, LEGEND_MAX).map(([label, count]) => ({
      label,
      count,
      colors:
        ctx.mode === 'op'
          ? categorical(hueIndex(label === '(no op)' ? '' : label), ctx.theme)
          : categorical(ctx.devices.indexOf(label), ctx.theme),
    }));
    if (ctx.mode === 'op' && scene.items.some((i) => !i.expanded && i.kind !== 'leaf'))
      entries.push({ label: 'scope (collapsed)', colors: neutral(ctx.theme) });
    if (ctx.mode === 'device' && scene.items.some((i) => !i.expanded && !i.device))
      entries.push({ label: 'no device', colors: missing(ctx.theme) });
    return { title: ctx.mode === 'op' ? 'Op type' : 'Device', entries, more: Math.max(0, sorted.length - LEGEND_MAX) };
  }
  const fmt = ctx.mode === 'compute' ? formatMicros : formatBytes;
  const title = ctx.mode === 'compute' ? 'Compute time' : 'Memory';
  if (!ctx.range) return { title, entries: [{ label: 'no stats on screen', colors: missing(ctx.theme) }], more: 0 };
  return {
    title,
    entries: [{ label: 'no stats', colors: missing(ctx.theme) }],
    more: 0,
    ramp: {
      from: ramp(0, ctx.theme).fill,
      to: ramp(1, ctx.theme).fill,
      low: fmt(ctx.range[0]),
      high: fmt(ctx.range[1]),
    },
  };
}
