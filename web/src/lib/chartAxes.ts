/**
 * What the uPlot charts' axes share (Scalars, Custom Scalars, Distributions, PR curves): the theme's
 * colours and font read from the stylesheet's variables, the look of an axis, and the time axis (step,
 * relative hours or wall time) with labels for people.
 */
import type uPlot from 'uplot';
import { formatDateTime, formatDuration, formatStepShort, formatWallTick } from './format';
import type { XAxis } from './urlState';

/** A CSS variable of the page's root (the theme), or `fallback` where it is not set. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** An axis in the current theme's colours and font: its line, labels, grid and ticks. */
export function axisStyle(): Pick<uPlot.Axis, 'stroke' | 'font' | 'grid' | 'ticks'> & { font: string } {
  const grid = cssVar('--chart-grid', 'rgba(0,0,0,0.07)');
  return {
    stroke: cssVar('--chart-axis', '#666'),
    font: `11px ${cssVar('--font', 'system-ui, sans-serif')}`,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1, size: 4 },
  };
}

/** Tick spacings for steps: 1, 2, 5 × 10^k, so steps (integers) never get a tick at 0.5. */
export const STEP_INCRS: number[] = [];
for (let e = 0; e < 19; e++) for (const m of [1, 2, 5]) STEP_INCRS.push(m * 10 ** e);

/** An x value as people read it: a step, a duration (relative x is in hours), or a date and time. */
export function formatX(x: number, axis: XAxis): string {
  if (axis === 'step') return formatStepShort(x);
  if (axis === 'relative') return formatDuration(x * 3600);
  return formatDateTime(x);
}

/** The x axis of a chart over time: steps, relative time or wall time, labelled for people. */
export function timeAxis(axis: XAxis, style: ReturnType<typeof axisStyle>): uPlot.Axis {
  return {
    ...style,
    space: axis === 'wall' ? 120 : 70,
    size: 28,
    ...(axis === 'step' ? { incrs: STEP_INCRS } : {}),
    values: (u: uPlot, splits: (number | null)[]) => {
      const span = (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0);
      return splits.map((v) => (v == null ? '' : axis === 'wall' ? formatWallTick(v, span) : formatX(v, axis)));
    },
  };
}
