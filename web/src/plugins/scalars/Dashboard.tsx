/**
 * The Scalars dashboard: a toolbar (tag filter, smoothing, x axis, y scale, outliers), then the tags
 * grouped by prefix in collapsible sections of chart cards. Tags are re-read when the live stream
 * reports a tag or run this page does not know yet.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { onUpdate } from '../../app/live';
import { page, selectedRuns, setPage, status, theme } from '../../app/store';
import { Chevron } from '../../components/Icons';
import {
  EmptyReasonView,
  ErrorBox,
  IndexingBanner,
  ProblemsBanner,
  SkeletonGrid,
  isIndexing,
} from '../../components/StatusViews';
import { type TagInfo, api } from '../../lib/api';
import { compileFilter } from '../../lib/regex';
import { MAX_SMOOTHING } from '../../lib/smoothing';
import { UNGROUPED, groupTags } from '../../lib/tagGroups';
import type { XAxis, YScale } from '../../lib/urlState';
import { type CardSettings, ScalarCard } from './Card';

function useScalarTags() {
  const [tags, setTags] = useState<TagInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const known = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    api
      .tags('scalars', ctrl.signal)
      .then((r) => {
        known.current = new Set(r.tags.flatMap((t) => t.runs.map((run) => `${run}\u0000${t.tag}`)));
        setTags(r.tags);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => ctrl.abort();
  }, [tick]);

  useEffect(() => {
    const refresh = () => {
      if (timer.current !== undefined) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        setTick((t) => t + 1);
      }, 1000);
    };
    const off = onUpdate((ev) => {
      if (ev.new_runs || ev.tags.some((t) => t.kind === 'scalars' && !known.current.has(`${t.run}\u0000${t.tag}`))) {
        refresh();
      }
    });
    return () => {
      off();
      clearTimeout(timer.current);
    };
  }, []);

  // The server's count of scalar tags moved (indexing in progress): re-read the list.
  const count = status.value?.kinds?.scalars ?? 0;
  const lastCount = useRef(count);
  useEffect(() => {
    if (count !== lastCount.current) {
      lastCount.current = count;
      setTick((t) => t + 1);
    }
  }, [count]);

  return { tags, error, retry: () => setTick((t) => t + 1) };
}

export function ScalarsDashboard() {
  const { tags, error, retry } = useScalarTags();
  const state = page.value;
  const filter = compileFilter(state.tagFilter);
  const filterRef = useRef<HTMLInputElement>(null);
  const selected = selectedRuns.value;
  const selectedSet = useMemo(() => new Set(selected), [selected]);

  // Keyboard: "/" focuses the tag filter; Esc leaves it, or closes the enlarged card.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      } else if (e.key === 'Escape') {
        if (t === filterRef.current) filterRef.current?.blur();
        else if (page.value.card !== null) setPage({ card: null });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const settings: CardSettings = {
    smoothing: state.smoothing,
    xAxis: state.xAxis,
    yScale: state.yScale,
    ignoreOutliers: state.ignoreOutliers,
    showHidden: state.showHidden,
    theme: theme.value,
  };

  const st = status.value;
  const indexing = isIndexing(st?.ingest);

  const matching = useMemo(() => {
    if (!tags) return [];
    return tags.filter((t) => (filter.ok ? filter.test(t.tag) : true));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tags, state.tagFilter]);
  const withRuns = matching.filter((t) => t.runs.some((r) => selectedSet.has(r)));
  const groups = useMemo(() => groupTags(withRuns, (t) => t.tag), [withRuns]);
  const collapsed = new Set(state.collapsed);

  function toggleGroup(name: string) {
    const next = new Set(collapsed);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setPage({ collapsed: [...next] });
  }

  let content;
  if (error && !tags) {
    content = <ErrorBox title="Could not load the scalar tags" message={error} onRetry={retry} />;
  } else if (!tags) {
    content = <SkeletonGrid />;
  } else if (tags.length === 0) {
    if (!st || (indexing && !st.empty_reason)) content = <SkeletonGrid />;
    else if (st.empty_reason) content = <EmptyReasonView reason={st.empty_reason} logdir={st.logdir} />;
    else
      content = (
        <EmptyReasonView
          reason={{ code: 'no_scalars', message: 'The runs found so far have no scalar data.' }}
          logdir={st.logdir}
        />
      );
  } else if (matching.length === 0) {
    content = (
      <p class="hint" data-testid="no-match">
        No tag matches <code>{state.tagFilter}</code>. {tags.length} {tags.length === 1 ? 'tag is' : 'tags are'} hidden by
        the filter.{' '}
        <button type="button" class="link-btn" onClick={() => setPage({ tagFilter: '' })}>
          Clear the filter
        </button>
      </p>
    );
  } else if (selected.length === 0) {
    content = (
      <p class="hint" data-testid="no-runs">
        No run is selected. Tick runs in the sidebar to draw them.
      </p>
    );
  } else if (withRuns.length === 0) {
    content = <p class="hint">None of the selected runs has a matching scalar tag.</p>;
  } else {
    content = groups.map((g) => {
      const open = !collapsed.has(g.name);
      const label = g.name === UNGROUPED ? 'Ungrouped' : g.name;
      return (
        <section class="group" key={g.name} data-group={g.name}>
          <h2 style={{ margin: 0 }}>
            <button
              type="button"
              class="group-head"
              aria-expanded={open}
              onClick={() => toggleGroup(g.name)}
              title={g.name === UNGROUPED ? 'Tags without a "prefix/"' : g.name}
            >
              <span class="chev">
                <Chevron />
              </span>
              <span>{label}</span>
              <span class="count">({g.items.length})</span>
            </button>
          </h2>
          {open && (
            <div class="grid">
              {g.items.map((t) => (
                <ScalarCard
                  key={t.tag}
                  tag={t}
                  runs={t.runs.filter((r) => selectedSet.has(r))}
                  settings={settings}
                  enlarged={state.card === t.tag}
                  onEnlarge={(on) => setPage({ card: on ? t.tag : null })}
                />
              ))}
            </div>
          )}
        </section>
      );
    });
  }

  const hiddenByRuns = matching.length - withRuns.length;

  return (
    <>
      <div class="toolbar" role="toolbar" aria-label="Chart settings">
        <div class="tag-filter">
          <input
            ref={filterRef}
            class="input"
            type="search"
            placeholder="Filter tags (regex)"
            aria-label="Filter tags (regular expression)"
            aria-invalid={!filter.ok}
            aria-describedby={!filter.ok ? 'tag-filter-error' : undefined}
            value={state.tagFilter}
            onInput={(e) => setPage({ tagFilter: e.currentTarget.value })}
          />
          {!state.tagFilter && (
            <span class="kbd" aria-hidden="true">
              /
            </span>
          )}
          {!filter.ok && (
            <div id="tag-filter-error" class="field-error filter-error" role="alert">
              Invalid regex: {filter.error}
            </div>
          )}
        </div>
        <label class="control">
          Smoothing
          <input
            type="range"
            min={0}
            max={MAX_SMOOTHING}
            step={0.001}
            value={state.smoothing}
            aria-label="Smoothing"
            onInput={(e) => setPage({ smoothing: Number(e.currentTarget.value) })}
          />
          <output aria-live="off">{state.smoothing.toFixed(state.smoothing >= 0.99 ? 3 : 2)}</output>
        </label>
        <div class="control" role="group" aria-label="X axis">
          <span aria-hidden="true">X</span>
          <Segmented<XAxis>
            value={state.xAxis}
            options={[
              ['step', 'Step'],
              ['relative', 'Relative'],
              ['wall', 'Wall'],
            ]}
            onChange={(v) => setPage({ xAxis: v })}
            label="X axis"
          />
        </div>
        <div class="control" role="group" aria-label="Y scale">
          <span aria-hidden="true">Y</span>
          <Segmented<YScale>
            value={state.yScale}
            options={[
              ['linear', 'Linear'],
              ['log', 'Log'],
            ]}
            onChange={(v) => setPage({ yScale: v })}
            label="Y scale"
          />
        </div>
        <label class="control" title="Scale the y axis to the 5th–95th percentile, so one spike does not flatten the curve">
          <input
            type="checkbox"
            checked={state.ignoreOutliers}
            aria-label="Ignore outliers in chart scaling"
            onChange={(e) => setPage({ ignoreOutliers: e.currentTarget.checked })}
          />
          Ignore outliers
        </label>
        <label
          class="control"
          title="When a run restarts from a checkpoint, the points it logs again replace the old ones. Show the replaced points as faint marks."
        >
          <input
            type="checkbox"
            checked={state.showHidden}
            aria-label="Show points overwritten by restarts"
            onChange={(e) => setPage({ showHidden: e.currentTarget.checked })}
          />
          Overwritten points
        </label>
      </div>
      <div class="content">
        {st && indexing && <IndexingBanner ingest={st.ingest} />}
        {st && <ProblemsBanner ingest={st.ingest} />}
        {content}
        {tags && tags.length > 0 && hiddenByRuns > 0 && selected.length > 0 && (
          <p class="hint" style={{ paddingTop: 0 }}>
            {hiddenByRuns} {hiddenByRuns === 1 ? 'tag is' : 'tags are'} hidden because none of their runs is selected.
          </p>
        )}
      </div>
    </>
  );
}

function Segmented<T extends string>(props: {
  value: T;
  options: [T, string][];
  onChange: (v: T) => void;
  label: string;
}) {
  return (
    <span class="segmented">
      {props.options.map(([v, text]) => (
        <button
          type="button"
          key={v}
          aria-pressed={props.value === v}
          aria-label={`${props.label}: ${text}`}
          onClick={() => props.onChange(v)}
        >
          {text}
        </button>
      ))}
    </span>
  );
}
