/**
 * One scalar chart card: every selected run of one tag. Fetches only when (nearly) visible, re-fetches
 * a zoomed window at full detail, follows live updates (at most once a second) without losing zoom,
 * and offers download, copy-link and enlarge (the shared card frame). Data attributes expose what a test
 * needs to check.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { Chart } from '../../components/Chart';
import { Card } from '../../components/Card';
import { useInView, useWidth } from '../../components/useInView';
import { ApiError, type TagInfo, api, exportUrl } from '../../lib/api';
import { formatNumber, formatStep, middleEllipsis, shortRunNames } from '../../lib/format';
import { countNonFinite } from '../../lib/values';
import { onUpdate } from '../../app/live';
import { colorOf, runs as allRuns, useCardEnlarged } from '../../app/store';
import { type ChartSettings, makeOptions } from '../../lib/scalarChart';
import { type PreparedRun, type RunSeries, alignRuns, fromWire, minOf, prepareRun, smoothedChecksum, stepWindow } from '../../lib/scalarSeries';
import type { XAxis, YScale } from '../../lib/urlState';

export interface CardSettings {
  smoothing: number;
  xAxis: XAxis;
  yScale: YScale;
  ignoreOutliers: boolean;
  showHidden: boolean;
  theme: string;
}

interface Zoom {
  x: [number, number];
  steps: [number, number] | null;
}

const REFRESH_MS = 1000;

export function ScalarCard(props: {
  tag: TagInfo;
  runs: string[];
  settings: CardSettings;
}) {
  const { tag, runs, settings } = props;
  const [enlarged] = useCardEnlarged(tag.tag);
  const ref = useRef<HTMLElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const visible = useInView(ref);
  const width = useWidth(boxRef);

  const cache = useRef(new Map<string, RunSeries>());
  const stale = useRef(new Set<string>());
  const origins = useRef(new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [refreshTick, setRefreshTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [zoom, setZoom] = useState<Zoom | null>(null);
  const zoomRef = useRef<Zoom | null>(null);
  zoomRef.current = zoom;
  const fetchedPoints = useRef(0);

  const points = Math.max(200, Math.min(8000, Math.round((width || 400) * 2)));
  const runsKey = runs.join('\u0000');

  // A wider chart (enlarged) deserves more points: re-fetch when the budget grew a lot.
  useEffect(() => {
    if (fetchedPoints.current > 0 && points > fetchedPoints.current * 1.5) {
      for (const r of cache.current.keys()) stale.current.add(r);
      setRefreshTick((t) => t + 1);
    }
  }, [points]);

  // Fetch what is missing or stale, once visible.
  useEffect(() => {
    if (!visible || width === 0) return;
    const needed = runs.filter((r) => !cache.current.has(r) || stale.current.has(r));
    if (needed.length === 0) return;
    const ctrl = new AbortController();
    const z = zoomRef.current;
    setLoading(true);
    api
      .scalars(
        {
          tag: tag.tag,
          runs: needed,
          minStep: z?.steps?.[0],
          maxStep: z?.steps?.[1],
          points,
          hidden: settings.showHidden,
        },
        ctrl.signal,
      )
      .then((resp) => {
        for (const w of resp.series) {
          const s = fromWire(w);
          cache.current.set(s.run, s);
          stale.current.delete(s.run);
          if (!z && s.wallTimes.length > 0) origins.current.set(s.run, minOf(s.wallTimes));
        }
        // A run the server did not return has no data for this tag (yet): do not ask again in a loop.
        for (const r of needed) if (!resp.series.some((w) => w.run === r)) stale.current.delete(r);
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
  }, [visible, width === 0, runsKey, zoom, refreshTick, tag.tag]);

  // Live updates: mark the grown runs stale, re-fetch at most once per second.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastRefresh = useRef(0);
  useEffect(() => {
    const off = onUpdate((ev) => {
      let hit = false;
      if (ev.new_runs && ev.tags.length === 0) {
        // reconnected: anything may have changed
        for (const r of cache.current.keys()) stale.current.add(r);
        hit = true;
      }
      for (const t of ev.tags) {
        if (t.tag === tag.tag && t.kind === 'scalars' && cache.current.has(t.run)) {
          stale.current.add(t.run);
          hit = true;
        }
      }
      if (!hit || timer.current !== undefined) return;
      const wait = Math.max(0, REFRESH_MS - (Date.now() - lastRefresh.current));
      timer.current = setTimeout(() => {
        timer.current = undefined;
        lastRefresh.current = Date.now();
        setRefreshTick((t) => t + 1);
      }, wait);
    });
    return () => {
      off();
      clearTimeout(timer.current);
    };
  }, [tag.tag]);

  // Overwritten points come from the server only when asked for: re-fetch when the choice changes.
  const firstShowHidden = useRef(true);
  useEffect(() => {
    if (firstShowHidden.current) {
      firstShowHidden.current = false;
      return;
    }
    for (const r of cache.current.keys()) stale.current.add(r);
    setRefreshTick((t) => t + 1);
  }, [settings.showHidden]);

  // A new x axis means new x units: the old zoom no longer applies.
  useEffect(() => {
    if (zoomRef.current) resetZoom();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings.xAxis]);

  // Relative time counts from the first point of the run in this chart; before the unzoomed data is
  // known, from the run's first event. (peek: the run list changes on every live update; charts need not.)
  const origin = useCallback(
    (run: string) => origins.current.get(run) ?? allRuns.peek().find((r) => r.name === run)?.first_wall_time ?? 0,
    [],
  );

  const prepared: PreparedRun[] = useMemo(() => {
    const out: PreparedRun[] = [];
    for (const r of runs) {
      const s = cache.current.get(r);
      if (s && s.steps.length > 0) {
        out.push(prepareRun(s, { xAxis: settings.xAxis, smoothing: settings.smoothing, origin: origin(r) }));
      }
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, runsKey, settings.xAxis, settings.smoothing, origin]);

  const data = useMemo(() => alignRuns(prepared, settings.yScale) as uPlot.AlignedData, [prepared, settings.yScale]);
  const preparedRef = useRef(prepared);
  preparedRef.current = prepared;

  const drawnRuns = prepared.map((p) => p.run);
  const labels = shortRunNames(drawnRuns);
  const labelsRef = useRef(labels);
  labelsRef.current = labels;
  const chartSettings: ChartSettings = {
    runNames: drawnRuns,
    smoothing: settings.smoothing,
    xAxis: settings.xAxis,
    yScale: settings.yScale,
    ignoreOutliers: settings.ignoreOutliers,
  };
  const structureKey = [
    drawnRuns.join('\u0000'),
    settings.smoothing > 0,
    settings.xAxis,
    settings.yScale,
    settings.ignoreOutliers,
    settings.theme,
    drawnRuns.map(colorOf).join(),
  ].join('|');

  function onZoom(x0: number, x1: number) {
    const steps = stepWindow(preparedRef.current, x0, x1, settings.xAxis);
    for (const r of cache.current.keys()) stale.current.add(r);
    setZoom({ x: [x0, x1], steps });
  }

  function resetZoom() {
    if (!zoomRef.current) return;
    const hadWindow = zoomRef.current.steps !== null;
    if (hadWindow) for (const r of cache.current.keys()) stale.current.add(r);
    zoomRef.current = null;
    setZoom(null);
  }

  const plotRef = useRef<uPlot | null>(null);
  // Redraw at once when the zoom changes; the full-detail data follows.
  useEffect(() => {
    const u = plotRef.current;
    if (u) u.setData(u.data, true);
  }, [zoom]);

  const makeChartOptions = () =>
    makeOptions(chartSettings, {
      runs: () => preparedRef.current,
      color: colorOf,
      label: (run) => labelsRef.current.get(run) ?? run,
      origin,
      zoom: () => zoomRef.current?.x ?? null,
      onZoom,
      onResetZoom: resetZoom,
    });

  // Notes under the chart.
  const nonFinite = { nan: 0, posInf: 0, negInf: 0 };
  let downsampled = false;
  let shownPoints = 0;
  let totalPoints = 0;
  let overwritten = 0;
  for (const p of prepared) {
    overwritten += p.overwritten.xs.length;
    const c = countNonFinite(p.raw);
    nonFinite.nan += c.nan;
    nonFinite.posInf += c.posInf;
    nonFinite.negInf += c.negInf;
    const s = cache.current.get(p.run);
    if (s?.downsampled) downsampled = true;
    shownPoints += p.raw.length;
    totalPoints += s?.total ?? p.raw.length;
  }
  const nfParts: string[] = [];
  if (nonFinite.nan) nfParts.push(`${nonFinite.nan} NaN`);
  if (nonFinite.posInf) nfParts.push(`${nonFinite.posInf} +∞`);
  if (nonFinite.negInf) nfParts.push(`${nonFinite.negInf} −∞`);

  const hasData = prepared.length > 0;
  const loaded = cache.current.size > 0 || (!loading && version > 0);
  const title = tag.display_name && tag.display_name !== tag.tag ? tag.display_name : tag.tag;
  const height = enlarged ? 460 : 220;
  const legendMax = enlarged ? 50 : 4;

  let body;
  if (runs.length === 0) {
    body = <div class="card-msg">No selected run has this tag.</div>;
  } else if (error && !hasData) {
    body = (
      <div class="card-msg error" role="alert">
        <span>Could not load this chart: {error}</span>
        <button type="button" class="btn retry" onClick={() => setRefreshTick((t) => t + 1)}>
          Retry
        </button>
      </div>
    );
  } else if (!loaded || (!hasData && loading)) {
    body = <div class="skeleton" style={{ position: 'absolute', inset: '8px 4px 24px 40px' }} aria-label="Loading" />;
  } else if (!hasData) {
    body = <div class="card-msg">No points yet for the selected runs.</div>;
  }

  const footer = (
    <>
      <span class="legend" aria-label="Runs in this chart">
        {prepared.slice(0, legendMax).map((p) => (
          <span class="legend-item" data-run={p.run} key={p.run} title={p.run}>
            <span class="swatch" style={{ background: colorOf(p.run) }} />
            {middleEllipsis(labels.get(p.run) ?? p.run, 24)}
          </span>
        ))}
        {prepared.length > legendMax && <span>+{prepared.length - legendMax} more</span>}
      </span>
      {nfParts.length > 0 && (
        <span class="note-warn" data-testid="nonfinite-note" title="Shown as gaps in the line and marks on the chart edge">
          {nfParts.join(' · ')} {nfParts.length === 1 && nonFinite.nan ? 'values' : ''}
        </span>
      )}
      {overwritten > 0 && (
        <span title="Points a restart logged again; the line shows the newer ones">
          {formatNumber(overwritten)} overwritten
        </span>
      )}
      {downsampled && (
        <span title={`${formatStep(shownPoints)} of ${formatStep(totalPoints)} points drawn; the highest and lowest of each bucket are kept. Zoom in for every point.`}>
          {formatNumber(shownPoints)}/{formatNumber(totalPoints)} pts
        </span>
      )}
      {error && hasData && (
        <span class="field-error" role="alert" title={error}>
          update failed
        </span>
      )}
      {zoom && (
        <button type="button" class="link-btn zoom-reset" onClick={resetZoom} title="Or double-click the chart">
          Reset zoom
        </button>
      )}
    </>
  );

  return (
    <Card
      tag={tag.tag}
      title={title}
      subtitle={tag.description}
      cardRef={ref}
      data={{
        'data-series-count': drawnRuns.length,
        'data-smoothed-checksum': smoothedChecksum(prepared),
        'data-state': error ? 'error' : hasData ? 'ready' : loading || !loaded ? 'loading' : 'empty',
        'data-zoomed': zoom ? 'true' : 'false',
        'data-overwritten-count': overwritten,
      }}
      downloads={[
        { label: 'Download CSV', href: exportUrl(tag.tag, drawnRuns, 'csv', settings.showHidden) },
        { label: 'Download JSON', href: exportUrl(tag.tag, drawnRuns, 'json', settings.showHidden) },
      ]}
      downloadLabel="Download data"
      downloadTitle="Download data (CSV or JSON)"
      footer={footer}
    >
      <div class="chart-box" ref={boxRef} style={{ height: `${height}px` }}>
        {body ?? (
          <Chart
            structureKey={structureKey}
            makeOptions={makeChartOptions}
            data={data}
            height={height}
            visible={visible}
            onInstance={(u) => (plotRef.current = u)}
          />
        )}
      </div>
    </Card>
  );
}
