/**
 * What a card shows instead of its drawing while it has none: no run, a failed load with Retry, a
 * skeleton while loading, nothing yet; and the footer's note when an update failed over shown data.
 * Shared by the cards of every dashboard, so these states look and read the same everywhere.
 */
import type { JSX } from 'preact';

/** A failed first load, in place of the card's body: "Could not load <what>: <error>" and Retry. */
export function LoadError(props: { what: string; error: string; onRetry: () => void }) {
  return (
    <div class="card-msg error" role="alert">
      <span>
        Could not load {props.what}: {props.error}
      </span>
      <button type="button" class="btn retry" onClick={props.onRetry}>
        Retry
      </button>
    </div>
  );
}

/** The footer's note that a refresh failed while the card still shows what it loaded before. */
export function UpdateFailed(props: { error: string | null }) {
  if (!props.error) return null;
  return (
    <span class="field-error" role="alert" title={props.error}>
      update failed
    </span>
  );
}

/** Where a chart's skeleton sits in its box: inside the axes. */
const CHART_INSET = '8px 4px 24px 40px';

/** Where a card's data stands (what `useTagData` and `useLiveCache` give). */
export interface LoadState {
  error: string | null;
  /** Whether any answer has arrived. */
  loaded: boolean;
  loading: boolean;
  retry: () => void;
}

/**
 * The body of a card of series over the selected runs while there is nothing to draw (undefined when
 * there is: the card draws its chart): no selected run has the tag, the first load failed, it is loading,
 * or no run has data yet.
 */
export function seriesCardBody(
  l: LoadState,
  s: {
    /** Whether no selected run has the tag (else left to the card to say). */
    noRuns: boolean;
    hasData: boolean;
    /** In "Could not load <what>: …". */
    what: string;
    /** The message when the runs have nothing yet. */
    empty: string;
    /** The skeleton's inset in the card's box. */
    inset?: string;
  },
): JSX.Element | undefined {
  if (s.noRuns) return <div class="card-msg">No selected run has this tag.</div>;
  if (l.error && !s.hasData) return <LoadError what={s.what} error={l.error} onRetry={l.retry} />;
  if (!l.loaded || (!s.hasData && l.loading)) {
    return <div class="skeleton" style={{ position: 'absolute', inset: s.inset ?? CHART_INSET }} aria-label="Loading" />;
  }
  if (!s.hasData) return <div class="card-msg">{s.empty}</div>;
  return undefined;
}

/**
 * A series card's `data-state` for tests: `error` (the first load failed), `ready` (drawn: by default as
 * soon as there is data; `ready` for cards that draw after the data arrives), `loading`, or `empty`
 * (loaded, nothing to draw).
 */
export function seriesCardState(l: LoadState, hasData: boolean, ready = hasData): 'error' | 'ready' | 'loading' | 'empty' {
  if (l.error && !hasData) return 'error';
  if (ready) return 'ready';
  return hasData || l.loading || !l.loaded ? 'loading' : 'empty';
}
