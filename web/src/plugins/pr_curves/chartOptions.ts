/**
 * uPlot options for a PR-curve card: recall on x, precision on y, both from 0 to 1, one line per run in
 * its colour. Recall falls as the threshold rises, so a curve's x is not the ascending x uPlot's aligned
 * mode wants; the faceted mode (2) takes each curve's own `[recall[], precision[]]` and draws it point by
 * point in threshold order. Hover is ours: the point nearest the cursor, then the same threshold on every
 * other curve, marked on the plot, with a tooltip listing threshold, precision, recall and the counts.
 */
import uPlot from 'uplot';
import { axisStyle } from '../../lib/chartAxes';
import { formatStep, middleEllipsis } from '../../lib/format';
import { createTooltip, headerRow, placeBesideCursor, runCells } from '../../lib/tooltip';
import { type ShownCurve, formatCount, formatRatio, nearestPoint, nearestThreshold } from './curves';

export interface PrChartContext {
  /** The curves drawn, in series order (read at hover time, so the step can change in place). */
  curves: () => ShownCurve[];
  color: (run: string) => string;
  /** The run's label in this chart (shared path prefix shortened). */
  label: (run: string) => string;
}

/** A little room around [0, 1], so a curve along an edge (precision 1) is not cut in half. */
const RANGE: uPlot.Range.MinMax = [-0.015, 1.015];

export function makePrOptions(runs: readonly string[], ctx: PrChartContext): Omit<uPlot.Options, 'width' | 'height'> {
  const style = axisStyle();
  const linear = uPlot.paths.linear!();
  const hover = new PrHover(ctx);

  const axis = (label: string): uPlot.Axis => ({
    ...style,
    label,
    labelFont: style.font,
    labelSize: 16,
    labelGap: 0,
    splits: () => [0, 0.2, 0.4, 0.6, 0.8, 1],
    values: (_u: uPlot, splits: number[]) => splits.map((v) => (v === 0 || v === 1 ? String(v) : v.toFixed(1))),
  });

  return {
    mode: 2,
    series: [
      {},
      ...runs.map(
        (run): uPlot.Series => ({
          label: run,
          stroke: ctx.color(run),
          width: 1.75,
          paths: linear,
          points: { show: false },
          facets: [
            { scale: 'x', auto: false },
            { scale: 'y', auto: false },
          ],
        }),
      ),
    ],
    legend: { show: false },
    padding: [10, 14, 0, 0],
    scales: {
      x: { time: false, auto: false, range: RANGE },
      y: { auto: false, range: RANGE },
    },
    axes: [
      { ...axis('Recall'), size: 30 },
      { ...axis('Precision'), size: 40 },
    ],
    // uPlot's own cursor (crosshair, points, drag) would follow the x of faceted data poorly: hover is ours.
    cursor: { x: false, y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
    hooks: {
      ready: [(u) => hover.attach(u)],
      setData: [(u) => hover.refresh(u)],
      destroy: [() => hover.destroy()],
    },
  };
}

/** The hovered point, its threshold on every curve, markers on the plot and the tooltip near the cursor. */
class PrHover {
  private tip: HTMLDivElement | null = null;
  private markers: HTMLDivElement[] = [];
  private last: { x: number; y: number } | null = null;

  constructor(private readonly ctx: PrChartContext) {}

  attach(u: uPlot): void {
    this.tip = createTooltip('pr-tooltip');
    u.over.addEventListener('mousemove', (e) => {
      const rect = u.over.getBoundingClientRect();
      this.last = { x: e.clientX - rect.left, y: e.clientY - rect.top };
      this.show(u);
    });
    u.over.addEventListener('mouseleave', () => {
      this.last = null;
      this.hide();
    });
  }

  /** New data under a still cursor (the step moved): show the new values there. */
  refresh(u: uPlot): void {
    if (this.last) this.show(u);
  }

  destroy(): void {
    this.tip?.remove();
    this.tip = null;
    for (const m of this.markers) m.remove();
    this.markers = [];
  }

  private hide(): void {
    if (this.tip) this.tip.style.display = 'none';
    for (const m of this.markers) m.style.display = 'none';
  }

  private show(u: uPlot): void {
    const tip = this.tip;
    const at = this.last;
    if (!tip || !at) return;
    const curves = this.ctx.curves();
    const toPx = (r: number, p: number): [number, number] => [u.valToPos(r, 'x'), u.valToPos(p, 'y')];
    const hit = nearestPoint(curves, toPx, at.x, at.y);
    if (!hit) {
      this.hide();
      return;
    }
    const threshold = curves[hit.curve]!.curve.thresholds[hit.index]!;
    // The hovered curve first, then the others at the threshold nearest the hovered one.
    const rows = curves
      .map((c, k) => ({ c, k, i: k === hit.curve ? hit.index : nearestThreshold(c, threshold) }))
      .filter((r) => r.i >= 0)
      .sort((a, b) => (a.k === hit.curve ? -1 : b.k === hit.curve ? 1 : a.k - b.k));

    // markers on the plot
    while (this.markers.length < rows.length) {
      const m = document.createElement('div');
      m.className = 'pr-marker';
      u.over.appendChild(m);
      this.markers.push(m);
    }
    this.markers.forEach((m, j) => {
      const r = rows[j];
      if (!r) {
        m.style.display = 'none';
        return;
      }
      const [px, py] = toPx(r.c.curve.recall[r.i]!, r.c.curve.precision[r.i]!);
      m.style.display = 'block';
      m.style.left = `${px}px`;
      m.style.top = `${py}px`;
      m.style.borderColor = this.ctx.color(r.c.run);
      m.dataset.hovered = String(r.k === hit.curve);
    });

    tip.replaceChildren();
    const table = document.createElement('table');
    headerRow(table, ['', 'Run', 'Step', 'Threshold', 'Precision', 'Recall', 'TP', 'FP', 'TN', 'FN']);
    for (const { c, i } of rows) {
      const tr = table.insertRow();
      tr.dataset.run = c.run;
      tr.dataset.step = String(c.step);
      tr.dataset.index = String(i);
      runCells(tr, c.run, this.ctx.color(c.run), middleEllipsis(this.ctx.label(c.run), 32));
      const cv = c.curve;
      const cells: [string, string][] = [
        ['step', formatStep(c.step)],
        ['threshold', formatRatio(cv.thresholds[i]!)],
        ['precision', formatRatio(cv.precision[i]!)],
        ['recall', formatRatio(cv.recall[i]!)],
        ['tp', formatCount(cv.tp[i]!)],
        ['fp', formatCount(cv.fp[i]!)],
        ['tn', formatCount(cv.tn[i]!)],
        ['fn', formatCount(cv.fn[i]!)],
      ];
      for (const [field, text] of cells) {
        const td = tr.insertCell();
        td.className = 'num';
        td.dataset.field = field;
        td.textContent = text;
      }
    }
    tip.appendChild(table);
    tip.style.display = 'block';
    const rect = u.over.getBoundingClientRect();
    placeBesideCursor(tip, rect.left + at.x, rect.top + at.y);
  }
}
