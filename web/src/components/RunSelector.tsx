/**
 * The run selector: the left sidebar shared by every dashboard. A checkbox and colour swatch per run,
 * a regex filter, all/none for the runs the filter shows, and long names shortened in the middle.
 * The list is virtualised (fixed row height), so thousands of runs scroll smoothly.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { fitMiddle } from '../lib/format';
import { textWidth } from './textWidth';
import {
  activeKind,
  colorOf,
  hiddenRuns,
  page,
  runFilter,
  runs,
  runsError,
  runsLoaded,
  setPage,
  setRunsMatching,
  toggleRun,
} from '../app/store';

const ROW = 28;
/** Room for the name in a row: the list width less padding, checkbox, swatch and gaps. */
const ROW_CHROME = 74; // includes a margin: canvas and CSS may pick different fallback fonts

const measureName = (s: string) => textWidth(s, '13px');

export function RunSelector() {
  const listRef = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600, width: 250 });

  useEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const update = () => setScroll({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth });
    const ro = new ResizeObserver(update);
    ro.observe(el);
    el.addEventListener('scroll', update, { passive: true });
    update();
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', update);
    };
  }, []);

  const filter = runFilter.value;
  const all = runs.value;
  const shown = filter.ok ? all.filter((r) => filter.test(r.name)) : all;
  const hidden = hiddenRuns.value;
  const selectedCount = all.filter((r) => !hidden.has(r.name)).length;

  const first = Math.max(0, Math.floor(scroll.top / ROW) - 5);
  const last = Math.min(shown.length, Math.ceil((scroll.top + scroll.height) / ROW) + 5);

  return (
    <aside class="sidebar" aria-label="Runs">
      <div class="sidebar-head">
        <h2>
          <span>Runs</span>
          <span class="count" data-testid="runs-count">
            {selectedCount} of {all.length} shown
          </span>
        </h2>
        <input
          class="input"
          type="search"
          placeholder="Filter runs (regex)"
          aria-label="Filter runs (regular expression)"
          aria-invalid={!filter.ok}
          value={page.value.runFilter}
          onInput={(e) => setPage({ runFilter: e.currentTarget.value })}
        />
        {!filter.ok && (
          <div class="field-error" role="alert">
            Invalid regex: {filter.error}
          </div>
        )}
        <div class="link-btns">
          <button type="button" class="link-btn" onClick={() => setRunsMatching(true)}>
            {filter.ok && page.value.runFilter ? 'all matching' : 'all'}
          </button>
          <span aria-hidden="true" style={{ color: 'var(--text-faint)' }}>
            ·
          </span>
          <button type="button" class="link-btn" onClick={() => setRunsMatching(false)}>
            {filter.ok && page.value.runFilter ? 'none matching' : 'none'}
          </button>
        </div>
      </div>
      {runsError.value && (
        <div class="sidebar-note field-error" role="alert">
          Could not load runs: {runsError.value}
        </div>
      )}
      {runsLoaded.value && !runsError.value && all.length === 0 && <div class="sidebar-note">No runs yet.</div>}
      {all.length > 0 && shown.length === 0 && filter.ok && (
        <div class="sidebar-note">No run matches this filter.</div>
      )}
      <div class="run-list" ref={listRef} role="group" aria-label="Runs to show">
        <div style={{ height: `${shown.length * ROW}px` }} />
        {shown.slice(first, last).map((r, i) => {
          const off = hidden.has(r.name);
          const label = r.name === '.' ? '. (logdir)' : r.name;
          const kind = activeKind.value;
          const lacksKind = kind !== null && !r.kinds.includes(kind);
          return (
            <label
              key={r.name}
              class="run-row"
              data-run={r.name}
              data-off={off}
              data-lacks-kind={lacksKind}
              style={{ top: `${(first + i) * ROW}px` }}
              title={lacksKind ? `${label} (no ${kind} in this run)` : label}
            >
              <input type="checkbox" checked={!off} onChange={() => toggleRun(r.name)} aria-label={label} />
              <span class="swatch" style={{ background: colorOf(r.name) }} aria-hidden="true" />
              <span class="run-name">{fitMiddle(label, scroll.width - ROW_CHROME, measureName)}</span>
            </label>
          );
        })}
      </div>
    </aside>
  );
}
