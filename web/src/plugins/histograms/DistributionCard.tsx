/**
 * One distributions card: a histogram tag's basis-point bands over steps, one chart per selected run,
 * stacked in the tag's card with the x and y ranges and the cursor shared, so the runs read side by side
 * without their bands muddying each other. Loads only near the viewport (uPlot draws only when visible).
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { colorOf, useCardEnlarged } from '../../app/store';
import { TagCard } from '../../components/Card';
import { UpdateFailed, seriesCardBody, seriesCardState } from '../../components/CardBody';
import { Chart } from '../../components/Chart';
import { useInView } from '../../components/useInView';
import { type TagInfo, api } from '../../lib/api';
import { runJsonDownloads } from '../../lib/downloads';
import { middleEllipsis, shortRunNames } from '../../lib/format';
import type { XAxis } from '../../lib/urlState';
import type uPlot from 'uplot';
import { type DistContext, type DistPanel, DistTooltip, makeDistOptions } from './distOptions';
import { type Distribution, extent, fromWire, padRange, prepare } from './distributions';
import { useTagData } from '../../app/useTagData';

export interface DistSettings {
  axis: XAxis;
  theme: 'light' | 'dark';
}

/** Runs drawn in a card before "enlarge to see all". */
const MAX_PANELS = 3;

export function DistributionCard(props: { tag: TagInfo; runs: string[]; settings: DistSettings }) {
  const { tag, runs, settings } = props;
  const { axis } = settings;
  const [enlarged] = useCardEnlarged(tag.tag);
  const ref = useRef<HTMLElement>(null);
  const visible = useInView(ref);

  const fetched = useTagData<Distribution>({
    tag: tag.tag,
    runs,
    visible,
    kind: 'histograms',
    key: 0,
    fetch: async (run, signal) => fromWire(await api.distributions({ run, tag: tag.tag }, signal)),
  });
  const { data, version, error } = fetched;
  const runsKey = runs.join('\u0000');
  const dists = useMemo(
    () => runs.map((r) => data.get(r)).filter((d): d is Distribution => !!d && d.steps.length > 0),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, runsKey],
  );
  const shown = useMemo(() => (enlarged ? dists : dists.slice(0, MAX_PANELS)), [dists, enlarged]);

  const panels: DistPanel[] = useMemo(
    () =>
      shown.map((d) => {
        let origin = Number.POSITIVE_INFINITY;
        for (const w of d.wallTimes) if (w < origin) origin = w;
        if (!Number.isFinite(origin)) origin = 0;
        return { run: d.run, dist: d, origin, ...prepare(d, axis, origin) };
      }),
    [shown, axis],
  );
  const xRange = useMemo((): [number, number] => {
    const r = extent(panels.map((p) => p.cols[0]!));
    if (!r) return [0, 1];
    return r[0] === r[1] ? [r[0] - 1, r[1] + 1] : r;
  }, [panels]);
  const yRange = useMemo(() => padRange(extent(panels.flatMap((p) => p.cols.slice(1)))), [panels]);
  const labels = shortRunNames(panels.map((p) => p.run));

  // Read at draw and hover time, so charts keep their instance while the data changes.
  const live = useRef({ panels, xRange, yRange, labels });
  live.current = { panels, xRange, yRange, labels };
  const ctx = useMemo(() => {
    const c: DistContext = {
      panels: () => live.current.panels,
      xRange: () => live.current.xRange,
      yRange: () => live.current.yRange,
      color: colorOf,
      label: (run) => live.current.labels.get(run) ?? run,
      tooltip: new DistTooltip(axis, () => c),
    };
    return c;
  }, [axis]);
  useEffect(() => () => ctx.tooltip.destroy(), [ctx]);

  const hasData = panels.length > 0;
  const n = Math.max(1, panels.length);
  const panelH = n === 1 ? (enlarged ? 460 : 220) : enlarged ? 240 : 150;
  const hiddenRuns = dists.length - shown.length;
  const syncKey = `telescope-dist-${tag.tag}`;

  const body = seriesCardBody(fetched, {
    noRuns: runs.length === 0,
    hasData,
    what: 'these distributions',
    empty: 'No histogram data yet for the selected runs.',
  });

  return (
    <TagCard
      tag={tag}
      noun="chart"
      cardRef={ref}
      data={{
        'data-state': seriesCardState(fetched, hasData),
        'data-panels': panels.length,
        'data-steps': panels.reduce((k, p) => k + p.steps.length, 0),
      }}
      downloads={runJsonDownloads(panels.map((p) => p.run), tag.tag, 'distributions', '-distributions')}
      downloadLabel="Download data"
      downloadTitle="Download the distributions (JSON)"
      footer={
        <>
          <span class="legend" aria-label="Bands">
            <span title="Outermost band: min to max; then ±1.5σ, ±1σ and ±0.5σ around the median (the percentiles of a normal distribution)">
              bands: min–max, ±1.5σ, ±1σ, ±0.5σ · line: median
            </span>
          </span>
          {hiddenRuns > 0 && <span title="Enlarge the card to see every run">+{hiddenRuns} more {hiddenRuns === 1 ? 'run' : 'runs'}</span>}
          {hasData && <UpdateFailed error={error} />}
        </>
      }
    >
      {body ? (
        <div class="chart-box" style={{ height: `${panelH}px` }}>
          {body}
        </div>
      ) : (
        panels.map((p) => (
          <div class="dist-panel" key={p.run} data-run={p.run}>
            {panels.length > 1 && (
              <div class="dist-panel-head" title={p.run}>
                <span class="swatch" style={{ background: colorOf(p.run) }} />
                {middleEllipsis(labels.get(p.run) ?? p.run, 60)}
              </div>
            )}
            <div class="chart-box" style={{ height: `${panelH}px` }}>
              <Chart
                structureKey={[p.run, axis, settings.theme, colorOf(p.run), p.dist.basisPoints.join()].join('|')}
                makeOptions={() => makeDistOptions({ run: p.run, basisPoints: p.dist.basisPoints }, axis, syncKey, ctx)}
                data={p.cols as uPlot.AlignedData}
                height={panelH}
                visible={visible}
              />
            </div>
          </div>
        ))
      )}
    </TagCard>
  );
}
