/**
 * A card's data for one tag, one answer per run: fetched only while the card is near the viewport, only
 * for the runs it lacks, again for a run when the live stream says it grew (at most once a second), and
 * all again when `key` changes (finer bins for an enlarged card). Used by the Histograms, Distributions,
 * Text and PR-curve cards.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { onUpdate } from './live';
import { ApiError } from '../lib/api';

const REFRESH_MS = 1000;

export interface TagData<T> {
  /** Per run, the last answer (kept while a newer one loads). */
  data: ReadonlyMap<string, T>;
  /** Changes whenever `data` does. */
  version: number;
  error: string | null;
  loading: boolean;
  /** Whether any answer has arrived. */
  loaded: boolean;
  retry: () => void;
}

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
  const { tag, runs, visible, kind, key } = opts;
  const cache = useRef(new Map<string, T>());
  const cachedKey = useRef(key);
  const stale = useRef(new Set<string>());
  const [version, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const fetcher = useRef(opts.fetch);
  fetcher.current = opts.fetch;
  const runsKey = runs.join('\u0000');

  if (cachedKey.current !== key) {
    cachedKey.current = key;
    for (const r of cache.current.keys()) stale.current.add(r);
  }

  useEffect(() => {
    if (!visible) return;
    const needed = runs.filter((r) => !cache.current.has(r) || stale.current.has(r));
    if (needed.length === 0) return;
    const ctrl = new AbortController();
    setLoading(true);
    Promise.all(needed.map(async (run) => [run, await fetcher.current(run, ctrl.signal)] as const))
      .then((answers) => {
        for (const [run, answer] of answers) {
          cache.current.set(run, answer);
          stale.current.delete(run);
        }
        setError(null);
        setLoading(false);
        setVersion((v) => v + 1);
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted) return;
        setLoading(false);
        setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
      });
    return () => {
      ctrl.abort();
      setLoading(false);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [visible, runsKey, tick, tag, key]);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastRefresh = useRef(0);
  useEffect(() => {
    const off = onUpdate((ev) => {
      let hit = false;
      if (ev.new_runs && ev.tags.length === 0) {
        // reconnected: anything may have changed
        for (const r of cache.current.keys()) stale.current.add(r);
        hit = cache.current.size > 0;
      }
      for (const t of ev.tags) {
        if (t.tag === tag && t.kind === kind && cache.current.has(t.run)) {
          stale.current.add(t.run);
          hit = true;
        }
      }
      if (!hit || timer.current !== undefined) return;
      const wait = Math.max(0, REFRESH_MS - (Date.now() - lastRefresh.current));
      timer.current = setTimeout(() => {
        timer.current = undefined;
        lastRefresh.current = Date.now();
        setTick((t) => t + 1);
      }, wait);
    });
    return () => {
      off();
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [tag, kind]);

  return {
    data: cache.current,
    version,
    error,
    loading,
    loaded: version > 0 || cache.current.size > 0,
    retry: () => setTick((t) => t + 1),
  };
}
