/**
 * The charts' floating tooltips (Scalars, Custom Scalars, Distributions, PR curves, Histograms): an
 * element on the page's body, a table with a header and a row per run (its colour swatch and label),
 * placed beside the cursor and flipped to the other side near the window's edges.
 */

/** A hidden tooltip element on the page's body (`tooltip` plus `extraClass`). */
export function createTooltip(extraClass?: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = extraClass ? `tooltip ${extraClass}` : 'tooltip';
  el.setAttribute('role', 'tooltip');
  document.body.appendChild(el);
  return el;
}

/** A row of header cells. */
export function headerRow(table: HTMLTableElement, headers: readonly string[]): HTMLTableRowElement {
  const head = table.insertRow();
  for (const h of headers) {
    const th = document.createElement('th');
    th.textContent = h;
    head.appendChild(th);
  }
  return head;
}

/** A run's colour as a small square. */
export function swatch(color: string): HTMLSpanElement {
  const dot = document.createElement('span');
  dot.className = 'swatch';
  dot.style.display = 'inline-block';
  dot.style.background = color;
  return dot;
}

/** A row's first two cells: the run's swatch, and its label (the full name on hover). */
export function runCells(tr: HTMLTableRowElement, run: string, color: string, label: string): void {
  tr.insertCell().appendChild(swatch(color));
  const name = tr.insertCell();
  name.className = 'run';
  name.textContent = label;
  name.title = run;
}

/** Room kept between a tooltip and the window's edges, in CSS pixels. */
const EDGE = 8;

/**
 * Where a `width`×`height` tooltip goes for a cursor at (`cx`, `cy`) in a `view` of the window's size:
 * right of and below the cursor, on the left of it when it would cross the right edge, above it when it
 * would cross the bottom, never past the left or top edge.
 */
export function besideCursor(
  cx: number,
  cy: number,
  width: number,
  height: number,
  view: { width: number; height: number },
  gapY = 12,
): { left: number; top: number } {
  const gapX = 16;
  let left = cx + gapX;
  if (left + width > view.width - EDGE) left = cx - width - gapX;
  let top = cy + gapY;
  if (top + height > view.height - EDGE) top = Math.max(EDGE, cy - height - gapY);
  return { left: Math.max(EDGE, left), top };
}

/** Show `el` (fixed) beside the cursor at (`cx`, `cy`) in the window. */
export function placeBesideCursor(el: HTMLElement, cx: number, cy: number, gapY = 12): void {
  el.style.position = 'fixed';
  const at = besideCursor(cx, cy, el.offsetWidth, el.offsetHeight, { width: window.innerWidth, height: window.innerHeight }, gapY);
  el.style.left = `${at.left}px`;
  el.style.top = `${at.top}px`;
}
