/**
 * The scalar data of a chart's lines: one `api/scalars` request per tag for the lines still missing, only
 * while the card is (nearly) in view, a zoomed step window at full detail, and again for a line when the
 * live stream says it grew (at most once a second; the shared `useLiveCache` loop).
 */
import { useRef } from 'preact/hooks';
import { type LiveCache, useLiveCache } from '../../app/useLiveCache';
import { api } from '../../lib/api';
import { type RunSeries, fromWire } from '../../lib/scalarSeries';
import { type Line, fetchPlan, lineKey } from './layout';

const ROLES = ['line', 'value', 'lower', 'upper'] as const;

export function useLines(opts: {
  lines: readonly Line[];
  visible: boolean;
  /** The point budget per line. */
  points: number;
  /** A zoomed step window (null: every step); a change re-fetches every line. */
  window: [number, number] | null;
}): LiveCache<RunSeries> {
  const { lines, points, window } = opts;
  const fetchedPoints = useRef(0);
  const data = useLiveCache<RunSeries>({
    keys: lines.map((l) => l.key),
    enabled: opts.visible,
    generation: window ? window.join(':') : '',
    deps: [points],
    load: async (keys, signal) => {
      const wanted = new Set(keys);
      const needed = lines.filter((l) => wanted.has(l.key));
      const answers = await Promise.all(
        [...fetchPlan(needed)].map(([tag, runs]) =>
          api.scalars({ tag, runs, points, minStep: window?.[0], maxStep: window?.[1] }, signal),
        ),
      );
      fetchedPoints.current = points;
      const out: [string, RunSeries][] = [];
      for (const resp of answers) {
        for (const w of resp.series) {
          const s = fromWire(w);
          for (const l of needed) if (l.tag === resp.tag && l.run === s.run) out.push([l.key, s]);
        }
      }
      return out;
    },
    touched: (t) => (t.kind === 'scalars' ? ROLES.map((role) => lineKey(t.run, t.tag, role)) : []),
  });
  // A wider chart (enlarged) deserves more points.
  if (fetchedPoints.current > 0 && points > fetchedPoints.current * 1.5) {
    fetchedPoints.current = points;
    data.invalidate();
  }
  return data;
}
