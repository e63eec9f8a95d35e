/**
 * The scalar data of a chart's lines: one `api/scalars` request per tag for the runs still missing, only
 * while the card is (nearly) in view, a zoomed step window at full detail, and again for a line when the
 * live stream says it grew (at most once a second).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { onUpdate } from '../../app/live';
import { ApiError, api } from '../../lib/api';
import { type RunSeries, fromWire } from '../../lib/scalarSeries';
import { type Line, fetchPlan, lineKey } from './layout';

const REFRESH_MS = 1000;

export interface LinesData {
  /** Per line key, the last answer. */
  series: ReadonlyMap<string, RunSeries>;
  /** Changes whenever `series` does. */
  version: number;
  error: string | null;
  loading: boolean;
  loaded: boolean;
  retry: () => void;
}

export function useLines(opts: {
  lines: readonly Line[];
  visible: boolean;
  /** The point budget per line. */
  points: number;
  /** A zoomed step window (null: every step); a change re-fetches every line. */
  window: [number, number] | null;
}): LinesData {
  const { lines, visible, points, window } = opts;
  const cache = useRef(new Map<string, RunSeries>());
  const stale = useRef(new Set<string>());
  const [version, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const linesKey = lines.map((l) => l.key).join('\u0001');
  const windowKey = window ? window.join(':') : '';
  const fetchedWindow = useRef(windowKey);
  const fetchedPoints = useRef(0);
  const keys = useRef(new Set<string>());
  keys.current = new Set(lines.map((l) => l.key));

  if (fetchedWindow.current !== windowKey) {
    fetchedWindow.current = windowKey;
    for (const k of cache.current.keys()) stale.current.add(k);
  }
  // A wider chart (enlarged) deserves more points.
  if (fetchedPoints.current > 0 && points > fetchedPoints.current * 1.5) {
    fetchedPoints.current = points;
    for (const k of cache.current.keys()) stale.current.add(k);
  }

  useEffect(() => {
    if (!visible) return;
    const needed = lines.filter((l) => !cache.current.has(l.key) || stale.current.has(l.key));
    if (needed.length === 0) return;
    const ctrl = new AbortController();
    setLoading(true);
    Promise.all(
      [...fetchPlan(needed)].map(([tag, runs]) =>
        api.scalars({ tag, runs, points, minStep: window?.[0], maxStep: window?.[1] }, ctrl.signal),
      ),
    )
      .then((answers) => {
        for (const resp of answers) {
          for (const w of resp.series) {
            const s = fromWire(w);
            for (const l of needed) {
              if (l.tag === resp.tag && l.run === s.run) {
                cache.current.set(l.key, s);
                stale.current.delete(l.key);
              }
            }
          }
        }
        // A line the server did not answer for has no points (yet): do not ask again in a loop.
        for (const l of needed) stale.current.delete(l.key);
        fetchedPoints.current = points;
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
  }, [visible, linesKey, windowKey, tick, points]);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastRefresh = useRef(0);
  useEffect(() => {
    const off = onUpdate((ev) => {
      let hit = false;
      if (ev.new_runs && ev.tags.length === 0) {
        // reconnected: anything may have changed
        for (const k of cache.current.keys()) stale.current.add(k);
        hit = cache.current.size > 0;
      }
      for (const t of ev.tags) {
        if (t.kind !== 'scalars') continue;
        for (const role of ['line', 'value', 'lower', 'upper'] as const) {
          const k = lineKey(t.run, t.tag, role);
          if (keys.current.has(k) && cache.current.has(k)) {
            stale.current.add(k);
            hit = true;
          }
        }
      }
      if (!hit || timer.current !== undefined) return;
      const wait = Math.max(0, REFRESH_MS - (Date.now() - lastRefresh.current));
      timer.current = setTimeout(() => {
        timer.current = undefined;
        lastRefresh.current = Date.now();
        setTick((x) => x + 1);
      }, wait);
    });
    return () => {
      off();
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, []);

  return {
    series: cache.current,
    version,
    error,
    loading,
    loaded: version > 0 || cache.current.size > 0,
    retry: () => setTick((x) => x + 1),
  };
}
