/**
 * The listings (every step with its items) of one tag's series in some runs, for an Images or Audio card:
 * fetched only once the card is (nearly) visible, then grown by live updates, at most once a second, by
 * asking only for the steps from the last known one on. A reconnection re-reads everything.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLiveRefresh } from './useLiveRefresh';
import type { BlobSeriesResponse, BlobStep, StepWindow } from '../lib/api';
import { mergeListing } from '../lib/blobListing';

export type ListingFetcher<Item> = (w: StepWindow, signal?: AbortSignal) => Promise<BlobSeriesResponse<Item>>;

export interface Listings<Item> {
  /** The runs loaded so far, each with its steps in order. */
  byRun: ReadonlyMap<string, BlobStep<Item>[]>;
  /** The last error per run (a run keeps its old listing when an update fails). */
  errors: ReadonlyMap<string, string>;
  loading: boolean;
  retry: () => void;
}

export function useListings<Item>(
  kind: string,
  fetcher: ListingFetcher<Item>,
  tag: string,
  runs: readonly string[],
  enabled: boolean,
): Listings<Item> {
  const cache = useRef(new Map<string, BlobStep<Item>[]>());
  const stale = useRef(new Set<string>());
  const full = useRef(new Set<string>());
  const [errors, setErrors] = useState<ReadonlyMap<string, string>>(new Map());
  const [, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const [loading, setLoading] = useState(false);
  const runsKey = runs.join('\u0000');

  // A fetch runs on when the card leaves the viewport (its answer is kept; cards shifting while the page
  // loads would otherwise ask twice); it is cancelled only when the card goes or shows another tag.
  const inflight = useRef(new Map<string, AbortController>());
  useEffect(() => {
    const running = inflight.current;
    return () => {
      for (const c of running.values()) c.abort();
      running.clear();
    };
  }, [tag]);

  useEffect(() => {
    if (!enabled) return;
    const needed = runs.filter(
      (r) => !inflight.current.has(r) && (!cache.current.has(r) || stale.current.has(r)),
    );
    if (needed.length === 0) return;
    setLoading(true);
    for (const run of needed) {
      const ctrl = new AbortController();
      inflight.current.set(run, ctrl);
      const old = cache.current.get(run);
      const from = old && old.length > 0 && !full.current.has(run) ? old[old.length - 1]!.step : null;
      stale.current.delete(run);
      full.current.delete(run);
      fetcher({ run, tag, minStep: from }, ctrl.signal)
        .then((resp) => {
          cache.current.set(run, mergeListing(cache.current.get(run) ?? [], resp.steps, from));
          setErrors((e) => (e.has(run) ? withoutKey(e, run) : e));
          setVersion((v) => v + 1);
        })
        .catch((e: unknown) => {
          if (ctrl.signal.aborted) return;
          const message = e instanceof Error ? e.message : String(e);
          setErrors((old) => new Map(old).set(run, message));
        })
        .finally(() => {
          if (inflight.current.get(run) !== ctrl) return;
          inflight.current.delete(run);
          if (inflight.current.size === 0) setLoading(false);
          // updates that arrived meanwhile
          if (stale.current.has(run)) setTick((t) => t + 1);
        });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, runsKey, tag, tick]);

  // Live updates: the runs that grew get their new steps, at most once a second.
  useLiveRefresh(
    (ev) => {
      let hit = false;
      if (ev.new_runs && ev.tags.length === 0) {
        // reconnected: anything may have changed while away
        for (const r of cache.current.keys()) {
          stale.current.add(r);
          full.current.add(r);
        }
        hit = cache.current.size > 0;
      }
      for (const t of ev.tags) {
        if (t.kind === kind && t.tag === tag && cache.current.has(t.run)) {
          stale.current.add(t.run);
          hit = true;
        }
      }
      return hit;
    },
    () => setTick((t) => t + 1),
    [kind, tag],
  );

  return {
    byRun: cache.current,
    errors,
    loading,
    retry: () => {
      for (const r of runs) {
        if (cache.current.has(r)) {
          stale.current.add(r);
          full.current.add(r);
        }
      }
      setErrors(new Map());
      setTick((t) => t + 1);
    },
  };
}

function withoutKey<V>(m: ReadonlyMap<string, V>, key: string): Map<string, V> {
  const out = new Map(m);
  out.delete(key);
  return out;
}
