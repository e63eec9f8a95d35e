/**
 * A card's data for one tag, one answer per run: fetched only while the card is near the viewport, only
 * for the runs it lacks, again for a run when the live stream says it grew (at most once a second), and
 * all again when `key` changes (finer bins for an enlarged card). Used by the Histograms, Distributions,
 * Text and PR-curve cards; the fetching and following is `useLiveCache`'s.
 */
import { type LiveCache, useLiveCache } from './useLiveCache';

export type TagData<T> = Omit<LiveCache<T>, 'invalidate'>;

export function useTagData<T>(opts: {
  tag: string;
  runs: readonly string[];
  visible: boolean;
  /** The kind the live stream names when this tag grows. */
  kind: string;
  /** A change re-fetches every run. */
  key: string | number;
  fetch: (run: string, signal: AbortSignal) => Promise<T>;
}): TagData<T> {
  const { tag, kind } = opts;
  return useLiveCache<T>({
    keys: opts.runs,
    enabled: opts.visible,
    generation: opts.key,
    deps: [tag],
    load: (runs, signal) => Promise.all(runs.map(async (run) => [run, await opts.fetch(run, signal)] as const)),
    touched: (t) => (t.tag === tag && t.kind === kind ? [t.run] : []),
  });
}
