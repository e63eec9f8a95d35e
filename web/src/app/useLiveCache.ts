/**
 * A card's fetched data, kept by key (a run, or a chart's line) and kept fresh: fetched only while the
 * card is (nearly) in view, only for the keys it lacks or that went stale, all of them in one `load`; a key
 * goes stale when the live stream says its data grew (re-fetched at most once a second), when the card
 * changes `generation` (finer bins, a zoomed window) or calls `invalidate`, and every key after a
 * reconnection. The one fetch-and-follow loop of the series cards: `useTagData` (Histograms,
 * Distributions, Text, PR curves), the Scalars card and the Custom Scalars chart.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLiveRefresh } from './useLiveRefresh';
import type { UpdateEvent } from '../lib/api';

/** One tag of one run that grew, as the live stream names it. */
export type TagUpdate = UpdateEvent['tags'][number];

export interface LiveCache<V> {
  /** Per key, the last answer (kept while a newer one loads). */
  data: ReadonlyMap<string, V>;
  /** Changes whenever `data` does. */
  version: number;
  error: string | null;
  loading: boolean;
  /** Whether any answer has arrived. */
  loaded: boolean;
  /** Fetch what is missing or stale now (the Retry button). */
  retry: () => void;
  /** Mark every cached key stale: the next fetch asks for all of them again. */
  invalidate: () => void;
}

export interface LiveCacheOptions<V> {
  /** The keys the card shows, in order. */
  keys: readonly string[];
  /** Whether the card may fetch (near the viewport, laid out). */
  enabled: boolean;
  /**
   * The answers for `keys` (each missing or stale): a key left out has no data yet, and is asked for
   * again only with the next fetch.
   */
  load: (keys: string[], signal: AbortSignal) => Promise<Iterable<readonly [string, V]>>;
  /** The keys whose data an update of one run's tag may have grown (only cached ones are marked stale). */
  touched: (t: TagUpdate) => Iterable<string>;
  /** A change marks every key stale and re-fetches (e.g. the number of bins). */
  generation?: string | number | boolean;
  /** Other values whose change re-runs the fetch for what is missing or stale (a fixed-length list). */
  deps?: readonly unknown[];
}

export function useLiveCache<V>(opts: LiveCacheOptions<V>): LiveCache<V> {
  const { keys, enabled, generation = 0, deps = [] } = opts;
  const cache = useRef(new Map<string, V>());
  const stale = useRef(new Set<string>());
  const [version, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // `load` and `touched` are read when used, so callers may pass new closures on every render.
  const latest = useRef(opts);
  latest.current = opts;
  const keysKey = keys.join('\u0000');

  const invalidate = () => {
    for (const k of cache.current.keys()) stale.current.add(k);
  };
  const seenGeneration = useRef(generation);
  if (seenGeneration.current !== generation) {
    seenGeneration.current = generation;
    invalidate();
  }

  useEffect(() => {
    if (!enabled) return;
    const needed = keys.filter((k) => !cache.current.has(k) || stale.current.has(k));
    if (needed.length === 0) return;
    const ctrl = new AbortController();
    setLoading(true);
    latest.current
      .load(needed, ctrl.signal)
      .then((answers) => {
        for (const [k, v] of answers) cache.current.set(k, v);
        // A key without an answer has no data (yet): do not ask again in a loop.
        for (const k of needed) stale.current.delete(k);
        setError(null);
        setLoading(false);
        setVersion((v) => v + 1);
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted) return;
        setLoading(false);
        setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      ctrl.abort();
      setLoading(false);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, keysKey, tick, generation, ...deps]);

  // Live updates: mark what grew stale, re-fetch at most once a second.
  useLiveRefresh(
    (ev) => {
      let hit = false;
      if (ev.new_runs && ev.tags.length === 0) {
        // reconnected: anything may have changed while away
        invalidate();
        hit = true;
      }
      for (const t of ev.tags) {
        for (const k of latest.current.touched(t)) {
          if (cache.current.has(k)) {
            stale.current.add(k);
            hit = true;
          }
        }
      }
      return hit;
    },
    () => setTick((t) => t + 1),
    [],
  );

  return {
    data: cache.current,
    version,
    error,
    loading,
    loaded: version > 0 || cache.current.size > 0,
    retry: () => setTick((t) => t + 1),
    invalidate,
  };
}
