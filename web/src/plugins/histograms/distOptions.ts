/**
 * uPlot options for one run's distribution chart: nested translucent bands between the symmetric basis
 * points (min–max, ±1.5σ, ±1σ, ±0.5σ) in the run's colour, the median as a line, axes formatted for
 * people, x and y ranges shared by the card's runs, a cursor shared by them, and a tooltip listing every
 * basis point of every run of the card at the hovered step.
 */
import type uPlot from 'uplot';
import { withAlpha } from '../../lib/colors';
import { axisStyle, timeAxis } from '../../lib/chartAxes';
import { formatDateTime, formatDuration, formatNumber, formatStep, formatValue, middleEllipsis } from '../../lib/format';
import { createTooltip, placeBesideCursor, swatch } from '../../lib/tooltip';
import type { XAxis } from '../../lib/urlState';
import { type Distribution, type Prepared, bandPairs, basisPointName, basisPointPercent, medianIndex, nearestX } from './distributions';

export interface DistPanel extends Prepared {
  run: string;
  dist: Distribution;
  /** The wall time relative time counts from. */
  origin: number;
}

export interface DistContext {
  /** Every panel of the card, read at hover time. */
  panels: () => DistPanel[];
  xRange: () => [number, number];
  yRange: () => [number, number];
  color: (run: string) => string;
  label: (run: string) => string;
  tooltip: DistTooltip;
}

/** Outer bands are the faintest; the fills add up towards the median. */
const BAND_ALPHA = [0.12, 0.15, 0.18, 0.22];

export function makeDistOptions(
  panel: { run: string; basisPoints: number[] },
  axis: XAxis,
  syncKey: string,
  ctx: DistContext,
): Omit<uPlot.Options, 'width' | 'height'> {
  const style = axisStyle();
  const c = ctx.color(panel.run);
  const median = medianIndex(panel.basisPoints);
  const last = panel.basisPoints.length - 1;

  const series: uPlot.Series[] = [{ label: axis }];
  panel.basisPoints.forEach((bp, j) => {
    const outer = j === 0 || j === last;
    series.push({
      label: basisPointName(bp),
      // Band edges need paths but no line; the extremes get a faint one, the median a solid one.
      stroke: j === median ? c : outer ? withAlpha(c, 0.45) : 'transparent',
      width: j === median ? 1.5 : outer ? 0.75 : 1,
      points: { show: false },
      spanGaps: false,
    });
  });
  const bands: uPlot.Band[] = bandPairs(panel.basisPoints).map(([lo, hi], k) => ({
    series: [hi + 1, lo + 1],
    fill: withAlpha(c, BAND_ALPHA[Math.min(k, BAND_ALPHA.length - 1)]!),
  }));

  return {
    series,
    bands,
    legend: { show: false },
    padding: [8, 12, 0, 0],
    scales: {
      x: { time: axis === 'wall', range: () => ctx.xRange() },
      y: { range: () => ctx.yRange() },
    },
    axes: [
      timeAxis(axis, style),
      {
        ...style,
        values: (_u: uPlot, splits: (number | null)[]) => splits.map((v) => (v == null ? '' : formatNumber(v))),
        space: 30,
        size: (_u, values) => Math.ceil(Math.max(2, ...(values ?? []).map((v) => String(v).length)) * 6.6 + 14),
      },
    ],
    cursor: {
      y: false,
      sync: { key: syncKey, setSeries: false },
      drag: { x: false, y: false },
      points: { show: false },
    },
    hooks: {
      ready: [(u) => ctx.tooltip.attach(u, panel.run)],
      setCursor: [(u) => ctx.tooltip.update(u, panel.run)],
    },
  };
}

/**
 * One tooltip per card: shown while a chart of the card is hovered, beside the cursor, with a column per
 * run (its value at each basis point, max at the top, at its step nearest the cursor's x).
 */
export class DistTooltip {
  private el: HTMLDivElement | null = null;
  private hovered: string | null = null;

  constructor(
    private readonly axis: XAxis,
    private readonly ctx: () => DistContext,
  ) {}

  attach(u: uPlot, run: string): void {
    if (!this.el) {
      this.el = createTooltip('dist-tooltip');
    }
    u.over.addEventListener('mouseenter', () => (this.hovered = run));
    u.over.addEventListener('mouseleave', () => {
      if (this.hovered === run) this.hovered = null;
      if (this.el) this.el.style.display = 'none';
    });
  }

  destroy(): void {
    this.el?.remove();
    this.el = null;
  }

  update(u: uPlot, run: string): void {
    const el = this.el;
    if (!el || this.hovered !== run) return;
    const { left, top } = u.cursor;
    if (left == null || top == null || left < 0) {
      el.style.display = 'none';
      return;
    }
    const x = u.posToVal(left, 'x');
    const ctx = this.ctx();
    const cols = ctx.panels().map((p) => {
      const i = nearestX(p.cols[0]!, x);
      return { p, i };
    });
    const shown = cols.filter((c) => c.i >= 0);
    if (shown.length === 0) {
      el.style.display = 'none';
      return;
    }
    const bps = shown[0]!.p.dist.basisPoints;
    el.replaceChildren();
    const table = document.createElement('table');
    const head = table.insertRow();
    head.appendChild(document.createElement('th'));
    for (const { p } of shown) {
      const th = document.createElement('th');
      th.dataset.run = p.run;
      th.className = 'run';
      th.title = p.run;
      const sw = swatch(ctx.color(p.run));
      sw.style.marginRight = '5px';
      th.append(sw, middleEllipsis(ctx.label(p.run), 28));
      head.appendChild(th);
    }
    const row = (name: string, cells: { text: string; data?: Record<string, string> }[], muted = false) => {
      const tr = table.insertRow();
      const th = tr.insertCell();
      th.className = 'pct';
      th.textContent = name;
      for (const cell of cells) {
        const td = tr.insertCell();
        td.className = muted ? 'muted' : 'num';
        td.textContent = cell.text;
        if (cell.data) Object.assign(td.dataset, cell.data);
      }
    };
    const at = shown.map(({ p, i }) => ({ step: p.steps[i]!, wall: p.wallTimes[i]! }));
    row(
      'step',
      at.map((a, k) => ({ text: formatStep(a.step), data: { run: shown[k]!.p.run, step: String(a.step) } })),
    );
    for (let j = bps.length - 1; j >= 0; j--) {
      const bp = bps[j]!;
      row(
        `${basisPointName(bp)} · ${basisPointPercent(bp)}`,
        shown.map(({ p, i }) => {
          const v = p.cols[j + 1]?.[i];
          return { text: v == null ? '–' : formatValue(v), data: { run: p.run, bp: String(bp), value: v == null ? '' : String(v) } };
        }),
      );
    }
    row(
      'time',
      at.map((a, k) => ({ text: this.axis === 'relative' ? formatDuration(a.wall - shown[k]!.p.origin) : formatDateTime(a.wall, true) })),
      true,
    );
    el.appendChild(table);
    el.style.display = 'block';
    const rect = u.over.getBoundingClientRect();
    placeBesideCursor(el, rect.left + left, rect.top + top);
  }
}
