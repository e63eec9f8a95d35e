/**
 * One scalar chart card: every selected run of one tag. Fetches only when (nearly) visible, re-fetches
 * a zoomed window at full detail, follows live updates (at most once a second) without losing zoom,
 * and offers download, copy-link and enlarge (the shared card frame). Data attributes expose what a test
 * needs to check.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { Chart } from '../../components/Chart';
import { TagCard } from '../../components/Card';
import { UpdateFailed, seriesCardBody } from '../../components/CardBody';
import { useInView, useWidth } from '../../components/useInView';
import { LEGEND_MAX, LEGEND_MAX_ENLARGED, Legend } from '../../components/Legend';
import { type TagInfo, api, exportUrl } from '../../lib/api';
import { formatNumber, formatStep, shortRunNames } from '../../lib/format';
import { countNonFinite } from '../../lib/values';
import { useLiveCache } from '../../app/useLiveCache';
import { colorOf, runs as allRuns, useCardEnlarged } from '../../app/store';
import { type ChartSettings, type ScalarChartSettings, type Zoom, makeOptions } from '../../lib/scalarChart';
import { type PreparedRun, type RunSeries, alignRuns, fromWire, minOf, pointBudget, prepareRun, smoothedChecksum, stepWindow } from '../../lib/scalarSeries';

export function ScalarCard(props: {
  tag: TagInfo;
  runs: string[];
  settings: ScalarChartSettings;
}) {
  const { tag, runs, settings } = props;
  const [enlarged] = useCardEnlarged(tag.tag);
  const ref = useRef<HTMLElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const visible = useInView(ref);
  const width = useWidth(boxRef);

  const origins = useRef(new Map<string, number>());
  const [zoom, setZoom] = useState<Zoom | null>(null);
  const zoomRef = useRef<Zoom | null>(null);
  zoomRef.current = zoom;
  const fetchedPoints = useRef(0);

  const points = pointBudget(width);
  const runsKey = runs.join('\u0000');

  // Fetch what is missing or stale, once visible and laid out; follow live updates.
  const fetched = useLiveCache<RunSeries>({
    keys: runs,
    enabled: visible && width !== 0,
    // overwritten points come from the server only when asked for
    generation: settings.showHidden,
    deps: [zoom, tag.tag],
    load: async (needed, signal) => {
      const z = zoomRef.current;
      const resp = await api.scalars(
        { tag: tag.tag, runs: needed, minStep: z?.steps?.[0], maxStep: z?.steps?.[1], points, hidden: settings.showHidden },
        signal,
      );
      fetchedPoints.current = points;
      return resp.series.map((w) => {
        const s = fromWire(w);
        if (!z && s.wallTimes.length > 0) origins.current.set(s.run, minOf(s.wallTimes));
        return [s.run, s] as const;
      });
    },
    touched: (t) => (t.tag === tag.tag && t.kind === 'scalars' ? [t.run] : []),
  });
  const { data: cache, version, error, loading, loaded } = fetched;

  // A wider chart (enlarged) deserves more points: re-fetch when the budget grew a lot.
  useEffect(() => {
    if (fetchedPoints.current > 0 && points > fetchedPoints.current * 1.5) {
      fetched.invalidate();
      fetched.retry();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [points]);

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
      const s = cache.get(r);
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
    fetched.invalidate();
    setZoom({ x: [x0, x1], steps });
  }

  function resetZoom() {
    if (!zoomRef.current) return;
    const hadWindow = zoomRef.current.steps !== null;
    if (hadWindow) fetched.invalidate();
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
    const s = cache.get(p.run);
    if (s?.downsampled) downsampled = true;
    shownPoints += p.raw.length;
    totalPoints += s?.total ?? p.raw.length;
  }
  const nfParts: string[] = [];
  if (nonFinite.nan) nfParts.push(`${nonFinite.nan} NaN`);
  if (nonFinite.posInf) nfParts.push(`${nonFinite.posInf} +∞`);
  if (nonFinite.negInf) nfParts.push(`${nonFinite.negInf} −∞`);

  const hasData = prepared.length > 0;
  const height = enlarged ? 460 : 220;
  const legendMax = enlarged ? LEGEND_MAX_ENLARGED : LEGEND_MAX;

  const body = seriesCardBody(fetched, {
    noRuns: runs.length === 0,
    hasData,
    what: 'this chart',
    empty: 'No points yet for the selected runs.',
  });

  const footer = (
    <>
      <Legend
        label="Runs in this chart"
        max={legendMax}
        entries={prepared.map((p) => ({
          key: p.run,
          color: colorOf(p.run),
          label: labels.get(p.run) ?? p.run,
          attrs: { 'data-run': p.run },
        }))}
      />
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
      {hasData && <UpdateFailed error={error} />}
      {zoom && (
        <button type="button" class="link-btn zoom-reset" onClick={resetZoom} title="Or double-click the chart">
          Reset zoom
        </button>
      )}
    </>
  );

  return (
    <TagCard
      tag={tag}
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
    </TagCard>
  );
}
