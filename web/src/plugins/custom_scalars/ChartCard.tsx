/**
 * One chart of a custom-scalars layout, drawn by the Scalars dashboard's chart (the same uPlot options:
 * smoothing, axes, zoom, shared crosshair, tooltip), with a line per matching tag and run (multiline) or
 * a value line inside its lower–upper band per run (margin). Fetches only when (nearly) visible; a zoom
 * re-fetches its window at full detail; double-click resets it.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { colorOf, runs as allRuns, useCardEnlarged } from '../../app/store';
import { Card } from '../../components/Card';
import { UpdateFailed, seriesCardBody } from '../../components/CardBody';
import { Chart } from '../../components/Chart';
import { useInView, useWidth } from '../../components/useInView';
import { LEGEND_MAX, LEGEND_MAX_ENLARGED, Legend } from '../../components/Legend';
import type { CustomScalarsChart, TagInfo } from '../../lib/api';
import { withAlpha } from '../../lib/colors';
import { type ChartSettings, type ScalarChartSettings, type Zoom, makeOptions } from '../../lib/scalarChart';
import { type PreparedRun, alignRuns, minOf, pointBudget, prepareRun, smoothedChecksum, stepWindow } from '../../lib/scalarSeries';
import { type Line, chartLines, lineColors, lineLabel } from './layout';
import { useLines } from './useLines';

export function ChartCard(props: {
  cardKey: string;
  category: string;
  chart: CustomScalarsChart;
  scalarTags: readonly TagInfo[];
  selected: readonly string[];
  settings: ScalarChartSettings;
}) {
  const { cardKey, chart, settings } = props;
  const [enlarged] = useCardEnlarged(cardKey);
  const ref = useRef<HTMLElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const visible = useInView(ref);
  const width = useWidth(boxRef);
  const [zoom, setZoom] = useState<Zoom | null>(null);
  const zoomRef = useRef<Zoom | null>(null);
  zoomRef.current = zoom;

  const { lines, invalid } = useMemo(
    () => chartLines(chart, props.scalarTags, props.selected),
    [chart, props.scalarTags, props.selected],
  );
  const margin = chart.kind === 'margin';
  // A band is drawn between exact values: margin charts are not smoothed.
  const smoothing = margin ? 0 : settings.smoothing;
  const points = pointBudget(width);
  const lineData = useLines({ lines, visible: visible && width > 0, points, window: zoom?.steps ?? null });

  const origins = useRef(new Map<string, number>());
  const linesRef = useRef(lines);
  linesRef.current = lines;
  // Relative time counts from a run's first point in this chart (before that is known, its first event).
  const origin = (key: string) => {
    const line = linesRef.current.find((l) => l.key === key);
    const run = line?.run ?? key;
    return origins.current.get(run) ?? allRuns.peek().find((r) => r.name === run)?.first_wall_time ?? 0;
  };
  const prepared: PreparedRun[] = useMemo(() => {
    const out: PreparedRun[] = [];
    for (const l of lines) {
      const s = lineData.data.get(l.key);
      if (!s || s.steps.length === 0) continue;
      if (!zoomRef.current && !origins.current.has(l.run)) origins.current.set(l.run, minOf(s.wallTimes));
      out.push(prepareRun({ ...s, run: l.key }, { xAxis: settings.xAxis, smoothing, origin: origin(l.key) }));
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lineData.version, lines, settings.xAxis, smoothing]);
  const preparedRef = useRef(prepared);
  preparedRef.current = prepared;
  const chartData = useMemo(() => alignRuns(prepared, settings.yScale) as uPlot.AlignedData, [prepared, settings.yScale]);

  const drawn = prepared.map((p) => p.run);
  const byKey = new Map(lines.map((l) => [l.key, l]));
  const severalRuns = new Set(lines.map((l) => l.run)).size > 1;
  const colors = lineColors(lines, colorOf);
  const colorsRef = useRef(colors);
  colorsRef.current = colors;
  const label = (key: string) => {
    const l = byKey.get(key);
    return l ? lineLabel(l, severalRuns) : key;
  };
  const labelRef = useRef(label);
  labelRef.current = label;

  const chartSettings: ChartSettings = {
    runNames: drawn,
    smoothing,
    xAxis: settings.xAxis,
    yScale: settings.yScale,
    ignoreOutliers: settings.ignoreOutliers,
    seriesHeader: 'Series',
  };
  const structureKey = [
    drawn.join('\u0001'),
    smoothing > 0,
    settings.xAxis,
    settings.yScale,
    settings.ignoreOutliers,
    settings.theme,
    drawn.map((k) => colors.get(k)).join(),
  ].join('|');

  function onZoom(x0: number, x1: number) {
    setZoom({ x: [x0, x1], steps: stepWindow(preparedRef.current, x0, x1, settings.xAxis) });
  }
  function resetZoom() {
    if (!zoomRef.current) return;
    zoomRef.current = null;
    setZoom(null);
  }

  const makeChartOptions = () => {
    const opts = makeOptions(chartSettings, {
      runs: () => preparedRef.current,
      color: (key) => colorsRef.current.get(key) ?? '#888888',
      label: (key) => labelRef.current(key),
      origin,
      zoom: () => zoomRef.current?.x ?? null,
      onZoom,
      onResetZoom: resetZoom,
    });
    return margin ? withBands(opts, drawn, byKey, colorsRef.current) : opts;
  };

  const hasData = prepared.length > 0;
  const height = enlarged ? 460 : 220;
  let body;
  if (chart.kind === null) {
    body = <div class="card-msg">This chart is of a kind Telescope cannot draw.</div>;
  } else if (lines.length === 0) {
    body = (
      <div class="card-msg" data-testid="no-lines">
        {chart.kind === 'multiline' ? (
          <span>
            No scalar tag of the selected runs matches {chart.tags.map((t, i) => <code key={i}>{(i ? ', ' : '') + t}</code>)}.
          </span>
        ) : (
          <span>None of the selected runs has these tags.</span>
        )}
        {invalid.map((p) => (
          <span key={p.source} class="field-error">
            Invalid regex <code>{p.source}</code>: {p.error}
          </span>
        ))}
      </div>
    );
  } else {
    body = seriesCardBody(lineData, { noRuns: false, hasData, what: 'this chart', empty: 'No points yet for the selected runs.' });
  }

  const legendMax = enlarged ? LEGEND_MAX_ENLARGED : LEGEND_MAX;
  const shown = margin ? prepared.filter((p) => byKey.get(p.run)?.role === 'value') : prepared;
  const footer = (
    <>
      <Legend
        label="Lines in this chart"
        max={legendMax}
        chars={30}
        entries={shown.map((p) => ({
          key: p.run,
          color: colors.get(p.run) ?? '',
          label: label(p.run),
          attrs: { 'data-line': p.run },
        }))}
      />
      {margin && settings.smoothing > 0 && hasData && (
        <span title="A margin chart draws its band between the values as logged, so smoothing does not apply">not smoothed</span>
      )}
      {invalid.length > 0 && lines.length > 0 && (
        <span class="note-warn" title={invalid.map((p) => `${p.source}: ${p.error}`).join('\n')}>
          {invalid.length} invalid {invalid.length === 1 ? 'regex' : 'regexes'}
        </span>
      )}
      {hasData && <UpdateFailed error={lineData.error} />}
      {zoom && (
        <button type="button" class="link-btn zoom-reset" onClick={resetZoom} title="Or double-click the chart">
          Reset zoom
        </button>
      )}
    </>
  );

  const subtitle =
    chart.kind === 'multiline' ? chart.tags.join(', ') : chart.kind === 'margin' ? chart.series.map((s) => s.value).join(', ') : '';

  return (
    <Card
      tag={cardKey}
      title={chart.title || 'untitled'}
      subtitle={subtitle}
      label={`Chart ${chart.title} of ${props.category}`}
      cardRef={ref}
      copyLink
      data={{
        'data-chart': chart.title,
        'data-chart-kind': chart.kind ?? 'unknown',
        'data-state': lineData.error && !hasData ? 'error' : hasData ? 'ready' : lines.length === 0 ? 'empty' : 'loading',
        'data-series-count': drawn.length,
        'data-smoothed-checksum': smoothedChecksum(prepared),
        'data-zoomed': zoom ? 'true' : 'false',
      }}
      footer={footer}
    >
      <div class="chart-box" ref={boxRef} style={{ height: `${height}px` }}>
        {body ?? (
          <Chart structureKey={structureKey} makeOptions={makeChartOptions} data={chartData} height={height} visible={visible} />
        )}
      </div>
    </Card>
  );
}

/**
 * A margin chart: each value line drawn firmly, its bounds as thin faint lines with the band between them
 * filled. `makeOptions` gives each key a raw (index 1 + 2k) and a smoothed (2 + 2k) series; margin charts
 * are not smoothed, so the raw ones are the lines.
 */
function withBands(
  opts: Omit<uPlot.Options, 'width' | 'height'>,
  keys: readonly string[],
  lines: ReadonlyMap<string, Line>,
  colors: ReadonlyMap<string, string>,
): Omit<uPlot.Options, 'width' | 'height'> {
  const series = opts.series.map((s) => ({ ...s }));
  const rawIndex = new Map<string, number>();
  keys.forEach((k, i) => rawIndex.set(k, 1 + 2 * i));
  const bands: uPlot.Band[] = [];
  const groups = new Map<number, { lower?: number; upper?: number; color: string }>();
  for (const k of keys) {
    const l = lines.get(k);
    const idx = rawIndex.get(k)!;
    if (!l) continue;
    const color = colors.get(k) ?? '#888888';
    if (l.role === 'lower' || l.role === 'upper') {
      series[idx] = { ...series[idx], stroke: withAlpha(color, 0.55), width: 1, dash: [4, 3], points: { show: false } };
      const g = groups.get(l.group) ?? { color };
      g[l.role] = idx;
      groups.set(l.group, g);
    } else {
      series[idx] = { ...series[idx], width: 1.75 };
    }
  }
  for (const g of groups.values()) {
    if (g.lower !== undefined && g.upper !== undefined) bands.push({ series: [g.upper, g.lower], fill: withAlpha(g.color, 0.14) });
  }
  return { ...opts, series, bands };
}
