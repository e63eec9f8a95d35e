/**
 * uPlot options for a scalar card: one faint raw line and one smoothed line per run, axes formatted
 * for people, y range from the data (optionally ignoring outliers), drag-to-zoom on x handed back to
 * the card, a crosshair shared by every card, a tooltip near the cursor, and markers where a run has
 * NaN or ±Inf values (which the lines leave as gaps). The Scalars and Custom Scalars charts share them.
 */
import type uPlot from 'uplot';
import { withAlpha } from './colors';
import { axisStyle, timeAxis } from './chartAxes';
import { formatDateTime, formatDuration, formatNumber, formatStep, formatValue, middleEllipsis } from './format';
import { yRange } from './scale';
import type { XAxis, YScale } from './urlState';
import { type PreparedRun, nearestIndex } from './scalarSeries';
import { createTooltip, headerRow, placeBesideCursor, runCells } from './tooltip';

export const SYNC_KEY = 'telescope-scalars';

/** The toolbar's settings every scalar chart follows (Scalars and Custom Scalars), with the theme. */
export interface ScalarChartSettings {
  smoothing: number;
  xAxis: XAxis;
  yScale: YScale;
  ignoreOutliers: boolean;
  /** Points overwritten by a restart, shown faintly (Scalars). */
  showHidden: boolean;
  theme: string;
}

/** A chart's zoom: the x range shown, and the window of steps fetched at full detail (null: none). */
export interface Zoom {
  x: [number, number];
  steps: [number, number] | null;
}

export interface ChartContext {
  /** The runs currently drawn, in series order (read at hover and draw time, so data can change in place). */
  runs: () => PreparedRun[];
  color: (run: string) => string;
  /** The run's label in this chart (shared path prefix shortened). */
  label: (run: string) => string;
  origin: (run: string) => number;
  zoom: () => [number, number] | null;
  onZoom: (x0: number, x1: number) => void;
  onResetZoom: () => void;
}

export interface ChartSettings {
  /** The series drawn, one raw and one smoothed line each: runs here, or other keys given by `ChartContext`. */
  runNames: readonly string[];
  smoothing: number;
  xAxis: XAxis;
  yScale: YScale;
  ignoreOutliers: boolean;
  /** The tooltip's heading of the series column (default "Run"; Custom Scalars lines are tags in runs). */
  seriesHeader?: string;
}

export function makeOptions(s: ChartSettings, ctx: ChartContext): Omit<uPlot.Options, 'width' | 'height'> {
  const style = axisStyle();
  const smoothed = s.smoothing > 0;

  const series: uPlot.Series[] = [{ label: s.xAxis }];
  for (const run of s.runNames) {
    const c = ctx.color(run);
    series.push({
      label: `${run} (raw)`,
      stroke: smoothed ? withAlpha(c, 0.35) : c,
      width: smoothed ? 1 : 1.5,
      // (an explicit `show: undefined` would switch uPlot's default off, so the key is left out)
      points: smoothed ? { show: false } : { size: 5, fill: c, filter: isolatedPoints },
      spanGaps: false,
    });
    series.push({
      label: run,
      stroke: c,
      width: 1.75,
      show: smoothed,
      points: { size: 5, fill: c, filter: isolatedPoints },
      spanGaps: false,
    });
  }

  // uPlot passes null for ticks it wants unlabelled (log scales thin their labels this way).
  // On a log axis, only round values (1, 2, 5 × 10^k) get a label: the others are the range's own ends.
  const log = s.yScale === 'log';
  const yValues = (_u: uPlot, splits: (number | null)[]) =>
    splits.map((v) => (v == null || (log && !isRoundLogTick(v)) ? '' : formatNumber(v)));

  const tooltip = new Tooltip(s, ctx);

  return {
    series,
    legend: { show: false },
    padding: [10, 12, 0, 0],
    scales: {
      x: {
        time: s.xAxis === 'wall',
        range: (_u, min, max) => {
          const z = ctx.zoom();
          if (z) return z;
          if (min == null || max == null) return [0, 1];
          if (min === max) return [min - 1, max + 1];
          return [min, max];
        },
      },
      y: {
        distr: s.yScale === 'log' ? 3 : 1,
        log: 10,
        range: (u, min, max) => {
          const cols = visibleColumns(u);
          const r = yRange(cols, { ignoreOutliers: s.ignoreOutliers, log: s.yScale === 'log' });
          if (r) return r;
          if (s.yScale === 'log') return [1, 10];
          return [min ?? 0, max ?? 1];
        },
      },
    },
    axes: [
      timeAxis(s.xAxis, style),
      {
        ...style,
        values: yValues,
        space: 36,
        size: (_u, values) => {
          const longest = Math.max(2, ...(values ?? []).map((v) => String(v).length));
          return Math.ceil(longest * 6.6 + 14);
        },
      },
    ],
    cursor: {
      // Only the vertical line: a horizontal one synced into other charts would point at nothing.
      y: false,
      sync: { key: SYNC_KEY, setSeries: false },
      drag: { x: true, y: false, setScale: false },
      points: { size: 7, width: 2 },
      focus: { prox: 24 },
      bind: {
        // Double-click is ours: it resets the zoom and re-fetches the whole series.
        dblclick: () => null,
      },
    },
    focus: { alpha: 1 },
    hooks: {
      ready: [
        (u) => {
          u.over.addEventListener('dblclick', () => ctx.onResetZoom());
          tooltip.attach(u);
        },
      ],
      setSelect: [
        (u) => {
          const { left, width } = u.select;
          if (width > 4) {
            const x0 = u.posToVal(left, 'x');
            const x1 = u.posToVal(left + width, 'x');
            ctx.onZoom(x0, x1);
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
      setCursor: [(u) => tooltip.update(u)],
      draw: [(u) => drawNonFiniteMarkers(u, ctx), (u) => drawOverwritten(u, ctx)],
      destroy: [() => tooltip.destroy()],
    },
  };
}

function isRoundLogTick(v: number): boolean {
  if (!(v > 0)) return false;
  const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5, 10].some((r) => Math.abs(m - r) < 1e-6 * r);
}

/**
 * Which points to mark with a dot: all of them when uPlot finds them sparse enough (`show`), else only
 * those with no drawable neighbour (between NaN gaps, or a run's only point), which no line would show.
 */
function isolatedPoints(u: uPlot, si: number, show: boolean): number[] | null {
  if (show) return null;
  const ys = u.data[si] as (number | null | undefined)[];
  const out: number[] = [];
  let prev: number | null | undefined = null; // last defined value before i
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i];
    if (v === undefined) continue;
    if (v !== null && prev == null) {
      let j = i + 1;
      while (j < ys.length && ys[j] === undefined) j++;
      if (j >= ys.length || ys[j] === null) out.push(i);
    }
    prev = v;
  }
  return out.length ? out : null;
}

/** The y columns restricted to the visible x window, so a zoomed chart scales to what it shows. */
function visibleColumns(u: uPlot): (number | null | undefined)[][] {
  const xs = u.data[0] as number[];
  const min = u.scales.x?.min;
  const max = u.scales.x?.max;
  const cols = u.data.slice(1) as (number | null | undefined)[][];
  if (min == null || max == null || xs.length === 0) return cols;
  let i0 = 0;
  while (i0 < xs.length && xs[i0]! < min) i0++;
  let i1 = xs.length - 1;
  while (i1 > i0 && xs[i1]! > max) i1--;
  if (i0 > i1) return cols;
  return cols.map((c) => c.slice(i0, i1 + 1));
}

/** Small marks on the plot edge where a run has non-finite values: ○ NaN and ▲ +∞ at the top, ▼ −∞ at the bottom. */
function drawNonFiniteMarkers(u: uPlot, ctx: ChartContext): void {
  const c = u.ctx;
  const pr = devicePixelRatio || 1;
  const top = u.bbox.top + 4 * pr;
  const bottom = u.bbox.top + u.bbox.height - 4 * pr;
  const xmin = u.scales.x?.min ?? Number.NEGATIVE_INFINITY;
  const xmax = u.scales.x?.max ?? Number.POSITIVE_INFINITY;
  const s = 3.5 * pr;
  c.save();
  c.lineWidth = 1.5 * pr;
  for (const r of ctx.runs()) {
    const color = ctx.color(r.run);
    c.strokeStyle = color;
    c.fillStyle = color;
    for (let i = 0; i < r.raw.length; i++) {
      const v = r.raw[i]!;
      if (Number.isFinite(v)) continue;
      const x = r.xs[i]!;
      if (x < xmin || x > xmax) continue;
      const px = u.valToPos(x, 'x', true);
      c.beginPath();
      if (Number.isNaN(v)) {
        c.arc(px, top, s * 0.8, 0, 2 * Math.PI);
        c.stroke();
      } else if (v > 0) {
        c.moveTo(px - s, top + s);
        c.lineTo(px + s, top + s);
        c.lineTo(px, top - s * 0.6);
        c.closePath();
        c.fill();
      } else {
        c.moveTo(px - s, bottom - s);
        c.lineTo(px + s, bottom - s);
        c.lineTo(px, bottom + s * 0.6);
        c.closePath();
        c.fill();
      }
    }
  }
  c.restore();
}

/** Points overwritten by a restart: small faint rings where they were, off the line. */
function drawOverwritten(u: uPlot, ctx: ChartContext): void {
  const c = u.ctx;
  const pr = devicePixelRatio || 1;
  const { left, top, width, height } = u.bbox;
  c.save();
  c.beginPath();
  c.rect(left, top, width, height);
  c.clip();
  c.lineWidth = 1 * pr;
  c.globalAlpha = 0.55;
  for (const r of ctx.runs()) {
    const o = r.overwritten;
    if (o.xs.length === 0) continue;
    c.strokeStyle = ctx.color(r.run);
    c.beginPath();
    for (let i = 0; i < o.xs.length; i++) {
      const v = o.values[i]!;
      if (!Number.isFinite(v)) continue;
      const px = u.valToPos(o.xs[i]!, 'x', true);
      const py = u.valToPos(v, 'y', true);
      c.moveTo(px + 2.5 * pr, py);
      c.arc(px, py, 2.5 * pr, 0, 2 * Math.PI);
    }
    c.stroke();
  }
  c.restore();
}

/** Rows the tooltip shows at most; beyond that, the runs nearest the cursor. */
const TOOLTIP_MAX_ROWS = 12;

/** A tooltip near the cursor, one row per run, sorted by value; shown only on the hovered chart. */
class Tooltip {
  private el: HTMLDivElement | null = null;
  private hovered = false;

  constructor(
    private readonly s: ChartSettings,
    private readonly ctx: ChartContext,
  ) {}

  attach(u: uPlot): void {
    const el = createTooltip();
    this.el = el;
    u.over.addEventListener('mouseenter', () => (this.hovered = true));
    u.over.addEventListener('mouseleave', () => {
      this.hovered = false;
      el.style.display = 'none';
    });
  }

  destroy(): void {
    this.el?.remove();
    this.el = null;
  }

  update(u: uPlot): void {
    const el = this.el;
    if (!el) return;
    const { left, top, idx } = u.cursor;
    if (!this.hovered || idx == null || left == null || top == null || left < 0) {
      el.style.display = 'none';
      return;
    }
    const x = u.posToVal(left, 'x');
    const smoothed = this.s.smoothing > 0;
    const rows: { run: string; sm: number; raw: number; step: number; wall: number }[] = [];
    for (const r of this.ctx.runs()) {
      const i = nearestIndex(r.xs, x);
      if (i < 0) continue;
      rows.push({ run: r.run, sm: r.smoothed[i]!, raw: r.raw[i]!, step: r.steps[i]!, wall: r.wallTimes[i]! });
    }
    if (rows.length === 0) {
      el.style.display = 'none';
      return;
    }
    const key = (v: number) => (Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v);
    // With many runs, list the ones whose line is nearest the cursor (a table of 100 rows hides the chart).
    const total = rows.length;
    if (total > TOOLTIP_MAX_ROWS) {
      const yv = u.posToVal(top, 'y');
      const distance = (v: number) => (Number.isFinite(v) ? Math.abs(v - yv) : Number.POSITIVE_INFINITY);
      rows.sort((a, b) => distance(a.sm) - distance(b.sm));
      rows.length = TOOLTIP_MAX_ROWS;
    }
    rows.sort((a, b) => key(b.sm) - key(a.sm));

    el.replaceChildren();
    const table = document.createElement('table');
    headerRow(table, ['', this.s.seriesHeader ?? 'Run', ...(smoothed ? ['Smoothed'] : []), 'Value', 'Step', 'Relative', 'Time']);
    for (const row of rows) {
      const tr = table.insertRow();
      runCells(tr, row.run, this.ctx.color(row.run), middleEllipsis(this.ctx.label(row.run), 40));
      const cells = [
        ...(smoothed ? [formatValue(row.sm)] : []),
        formatValue(row.raw),
        formatStep(row.step),
        formatDuration(row.wall - this.ctx.origin(row.run)),
        formatDateTime(row.wall),
      ];
      cells.forEach((text, k) => {
        const td = tr.insertCell();
        td.className = k < cells.length - 1 ? 'num' : 'muted';
        td.textContent = text;
      });
    }
    el.appendChild(table);
    if (total > rows.length) {
      const more = document.createElement('div');
      more.className = 'muted';
      more.textContent = `${rows.length} of ${total} runs: the nearest to the cursor`;
      el.appendChild(more);
    }
    el.style.display = 'block';
    const rect = u.over.getBoundingClientRect();
    placeBesideCursor(el, rect.left + left, rect.top + top);
  }
}
