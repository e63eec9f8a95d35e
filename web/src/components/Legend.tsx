/**
 * The legend in a chart card's footer: a swatch and a label per run (or line), at most `max` of them; the rest are
 * counted in a "+N more" whose tooltip names them. Nothing drawn in the chart is left out without saying so.
 */
import { middleEllipsis } from '../lib/format';

export interface LegendEntry {
  key: string;
  color: string;
  label: string;
  /** The tooltip of the entry (default: its key). */
  title?: string;
  /** Extra attributes of the entry's element, e.g. `{ 'data-run': run }`. */
  attrs?: Record<string, string | number>;
}

/** Entries shown in a card's footer, and in an enlarged card. */
export const LEGEND_MAX = 4;
export const LEGEND_MAX_ENLARGED = 50;
/** Names listed in the "+N more" tooltip; a thousand runs would make a tooltip taller than the screen. */
const MORE_LISTED = 20;

export function Legend(props: { entries: LegendEntry[]; max: number; label: string; chars?: number }) {
  const { entries, max, label, chars = 24 } = props;
  const shown = entries.length > max ? entries.slice(0, max) : entries;
  const rest = entries.slice(shown.length);
  return (
    <span class="legend" aria-label={label}>
      {shown.map((e) => (
        <span class="legend-item" key={e.key} title={e.title ?? e.key} {...e.attrs}>
          <span class="swatch" style={{ background: e.color }} />
          {middleEllipsis(e.label, chars)}
        </span>
      ))}
      {rest.length > 0 && (
        <span class="legend-more" data-testid="legend-more" title={moreTitle(rest)}>
          +{rest.length} more
        </span>
      )}
    </span>
  );
}

/** The tooltip of "+N more": the names left out, the first twenty of them. */
export function moreTitle(rest: LegendEntry[]): string {
  const names = rest.slice(0, MORE_LISTED).map((e) => e.title ?? e.key);
  if (rest.length > MORE_LISTED) names.push(`… and ${rest.length - MORE_LISTED} more`);
  return names.join('\n');
}
