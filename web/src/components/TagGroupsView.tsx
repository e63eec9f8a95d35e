/**
 * The body every tag-based dashboard shares: a toolbar with the regex tag filter (`/` focuses it, Esc leaves
 * it or shrinks the enlarged card) and the dashboard's own controls, then the tags holding a selected run,
 * grouped by prefix in collapsible sections (`collapsed` in the URL) of cards in a responsive grid. Until
 * there are cards, it says why: an error with a retry, a skeleton while indexing, the logdir's empty reason,
 * no tag matching the filter, no run selected, or tags hidden because none of their runs is selected.
 */
import { type ComponentChildren, Fragment } from 'preact';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { page, selectedRuns, setPage, status } from '../app/store';
import type { KindTags } from '../app/useKindTags';
import type { EmptyReason, TagInfo } from '../lib/api';
import { type Filter, compileFilter } from '../lib/regex';
import { UNGROUPED, groupTags } from '../lib/tagGroups';
import { Chevron } from './Icons';
import { EmptyReasonView, ErrorBox, IndexingBanner, ProblemsBanner, SkeletonGrid, isIndexing } from './StatusViews';

export interface TagGroupsViewProps {
  /** The kind the tags are of (`useKindTags(kind)`); the server's `no_scalars` reason applies to scalars only. */
  kind: string;
  tags: KindTags;
  /** The kind in words, for messages: "scalar" → "Could not load the scalar tags". */
  noun: string;
  /** One card: `runs` are the selected runs that hold the tag, in sidebar order. */
  renderCard: (tag: TagInfo, runs: string[]) => ComponentChildren;
  /** The dashboard's own controls, after the tag filter in the toolbar. */
  children?: ComponentChildren;
  /** The toolbar's accessible name. */
  toolbarLabel?: string;
  /** The narrowest a card may get before the grid has one column less (default 290 px, from the stylesheet). */
  cardMinWidth?: number;
}

export function TagGroupsView(props: TagGroupsViewProps) {
  const { kind, noun } = props;
  const { tags, error, retry } = props.tags;
  const state = page.value;
  const filter = compileFilter(state.tagFilter);
  const selected = selectedRuns.value;
  const selectedSet = useMemo(() => new Set(selected), [selected]);
  const st = status.value;
  const indexing = isIndexing(st?.ingest);

  const matching = useMemo(() => {
    if (!tags) return [];
    return tags.filter((t) => (filter.ok ? filter.test(t.tag) : true));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tags, state.tagFilter]);
  const withRuns = matching.filter((t) => t.runs.some((r) => selectedSet.has(r)));
  const groups = useMemo(() => groupTags(withRuns, (t) => t.tag), [withRuns]);
  const gridStyle = props.cardMinWidth
    ? { gridTemplateColumns: `repeat(auto-fill, minmax(${props.cardMinWidth}px, 1fr))` }
    : undefined;

  let content;
  if (error && !tags) {
    content = <ErrorBox title={`Could not load the ${noun} tags`} message={error} onRetry={retry} />;
  } else if (!tags) {
    content = <SkeletonGrid />;
  } else if (tags.length === 0) {
    if (!st || (indexing && !st.empty_reason)) content = <SkeletonGrid />;
    else content = <EmptyReasonView reason={emptyReason(kind, noun, st.empty_reason)} logdir={st.logdir} />;
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
    content = <p class="hint">None of the selected runs has a matching {noun} tag.</p>;
  } else {
    content = groups.map((g) => (
      <GroupSection key={g.name} name={g.name} count={g.items.length}>
        <div class="grid" style={gridStyle}>
          {g.items.map((t) => (
            // keyed by tag: a card keeps its fetched data while the grid changes around it
            <Fragment key={t.tag}>
              {props.renderCard(
                t,
                t.runs.filter((r) => selectedSet.has(r)),
              )}
            </Fragment>
          ))}
        </div>
      </GroupSection>
    ));
  }

  const hiddenByRuns = matching.length - withRuns.length;

  return (
    <>
      <div class="toolbar" role="toolbar" aria-label={props.toolbarLabel ?? 'Chart settings'}>
        <TagFilter />
        {props.children}
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

/** What an empty dashboard says: the server's reason, unless it is about scalars and this is not Scalars. */
function emptyReason(kind: string, noun: string, reason: EmptyReason | null): EmptyReason {
  if (reason && (reason.code !== 'no_scalars' || kind === 'scalars')) return reason;
  return {
    code: kind === 'scalars' ? 'no_scalars' : 'no_data',
    message: `The runs found so far have no ${noun} data.`,
  };
}

/**
 * The toolbar's regex tag filter (`tags=` in the URL), with its error under it. `/` anywhere focuses it;
 * Esc leaves it, or elsewhere shrinks the enlarged card.
 */
export function TagFilter() {
  const value = page.value.tagFilter;
  const filter: Filter = compileFilter(value);
  const ref = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        ref.current?.focus();
        ref.current?.select();
      } else if (e.key === 'Escape') {
        if (t === ref.current) ref.current?.blur();
        else if (page.value.card !== null) setPage({ card: null });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div class="tag-filter">
      <input
        ref={ref}
        class="input"
        type="search"
        placeholder="Filter tags (regex)"
        aria-label="Filter tags (regular expression)"
        aria-invalid={!filter.ok}
        aria-describedby={!filter.ok ? 'tag-filter-error' : undefined}
        value={value}
        onInput={(e) => setPage({ tagFilter: e.currentTarget.value })}
      />
      {!value && (
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
  );
}

/**
 * One collapsible section of cards, `data-group` = its name (UNGROUPED, '', shows as "Ungrouped").
 * Open unless its name is in `collapsed` in the URL; the header toggles that.
 */
export function GroupSection(props: { name: string; count: number; children: ComponentChildren }) {
  const { name } = props;
  const open = !page.value.collapsed.includes(name);
  const label = name === UNGROUPED ? 'Ungrouped' : name;
  const toggle = () => {
    const next = new Set(page.peek().collapsed);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setPage({ collapsed: [...next] });
  };
  return (
    <section class="group" data-group={name}>
      <h2 style={{ margin: 0 }}>
        <button
          type="button"
          class="group-head"
          aria-expanded={open}
          onClick={toggle}
          title={name === UNGROUPED ? 'Tags without a "prefix/"' : name}
        >
          <span class="chev">
            <Chevron />
          </span>
          <span>{label}</span>
          <span class="count">({props.count})</span>
        </button>
      </h2>
      {open && props.children}
    </section>
  );
}
