/**
 * One PR-curve tag: the curve of every selected run that has it, overlaid in the runs' colours, at the
 * step the card's own slider chooses (else the global step's nearest, else the latest; each run shows its
 * nearest step). Every step is fetched once the card is (nearly) in view; moving the slider only redraws.
 * Hovering shows a threshold's precision, recall and counts on every curve.
 */
import { useMemo, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import { type StepUnion, useReportSteps } from '../../app/stepUnion';
import { colorOf, useCardEnlarged } from '../../app/store';
import { TagCard } from '../../components/Card';
import { UpdateFailed, seriesCardBody, seriesCardState } from '../../components/CardBody';
import { Chart } from '../../components/Chart';
import { StepSlider } from '../../components/StepSlider';
import { useInView } from '../../components/useInView';
import { type TagInfo, api } from '../../lib/api';
import { formatStep, shortRunNames } from '../../lib/format';
import { runJsonDownloads } from '../../lib/downloads';
import { mergeSteps, wallTimesAt } from '../../lib/steps';
import { useTagData } from '../../app/useTagData';
import { useOwnStep } from '../../components/GlobalStep';
import { LEGEND_MAX, LEGEND_MAX_ENLARGED, Legend } from '../../components/Legend';
import { shownIndex } from '../../lib/stepChoice';
import { makePrOptions } from './chartOptions';
import { type PrSeries, type ShownCurve, curvesAt, facetData, fromWire } from './curves';

export interface PrSettings {
  /** The global step (null: the latest). */
  step: number | null;
  theme: string;
}

export function PrCard(props: { tag: TagInfo; runs: string[]; union: StepUnion; settings: PrSettings }) {
  const { tag, runs, union, settings } = props;
  const [enlarged] = useCardEnlarged(tag.tag);
  const ref = useRef<HTMLElement>(null);
  const visible = useInView(ref);
  const runsKey = runs.join('\u0000');

  const fetched = useTagData({
    tag: tag.tag,
    runs,
    visible,
    kind: 'pr_curves',
    key: 0,
    fetch: async (run, signal) => fromWire(await api.prCurves({ run, tag: tag.tag }, signal)),
  });
  const { data, version, error, loaded } = fetched;
  const series = useMemo(
    () => runs.map((r) => data.get(r)).filter((s): s is PrSeries => !!s && s.steps.length > 0),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, runsKey],
  );
  const steps = useMemo(() => (loaded ? mergeSteps(series.map((s) => s.steps)) : null), [series, loaded]);
  const wallTimes = useMemo(() => wallTimesAt(series, steps ?? []), [series, steps]);
  useReportSteps(union, tag.tag, steps);

  const [own, setOwn] = useOwnStep(settings.step);
  const index = steps ? shownIndex(steps, own, settings.step) : -1;
  const step = index >= 0 ? steps![index]! : null;
  // A curve with no drawable point (nothing ever predicted positive) has nothing to overlay.
  const curves = useMemo(() => (step === null ? [] : curvesAt(series, step).filter((c) => c.drawn.length > 0)), [series, step]);
  const chartData = useMemo(() => facetData(curves) as unknown as uPlot.AlignedData, [curves]);
  const curvesRef = useRef<ShownCurve[]>(curves);
  curvesRef.current = curves;

  const drawnRuns = curves.map((c) => c.run);
  const labels = shortRunNames(drawnRuns);
  const labelsRef = useRef(labels);
  labelsRef.current = labels;
  const structureKey = [drawnRuns.join('\u0000'), settings.theme, drawnRuns.map(colorOf).join()].join('|');
  const height = enlarged ? 480 : 260;
  const hasData = curves.length > 0;

  const body = seriesCardBody(fetched, {
    noRuns: runs.length === 0,
    hasData,
    what: 'these PR curves',
    empty: 'No PR curve yet for the selected runs.',
  });

  const offStep = curves.filter((c) => c.step !== step);
  const footer = (
    <>
      <Legend
        label="Runs in this chart"
        max={enlarged ? LEGEND_MAX_ENLARGED : LEGEND_MAX}
        entries={curves.map((c) => ({
          key: c.run,
          color: colorOf(c.run),
          label: labels.get(c.run) ?? c.run,
          title: `${c.run}, step ${formatStep(c.step)}`,
          attrs: { 'data-run': c.run, 'data-step': c.step },
        }))}
      />
      {offStep.length > 0 && (
        <span title={offStep.map((c) => `${c.run}: step ${formatStep(c.step)}`).join('\n')}>
          {offStep.length === 1 ? '1 run' : `${offStep.length} runs`} at another step
        </span>
      )}
      {hasData && <UpdateFailed error={error} />}
    </>
  );

  return (
    <TagCard
      tag={tag}
      noun="PR curve"
      cardRef={ref}
      data={{
        'data-state': seriesCardState(fetched, hasData),
        'data-step': step ?? undefined,
        'data-steps': steps?.length,
        'data-series-count': curves.length,
        'data-shown-steps': curves.map((c) => c.step).join(','),
      }}
      downloads={runJsonDownloads(series.map((s) => s.run), tag.tag, 'pr_curves', '-pr')}
      downloadLabel="Download data"
      footer={footer}
    >
      {steps && steps.length > 0 && (
        <div class="pr-step">
          <StepSlider
            steps={steps}
            value={step}
            wallTimes={wallTimes}
            onChange={(s) => setOwn({ step: s })}
            followLatest
            label={`Step of ${tag.tag}`}
            hideLabel
          />
        </div>
      )}
      <div
        class="chart-box pr-box"
        style={{ height: `${height}px` }}
        role={hasData ? 'img' : undefined}
        aria-label={hasData ? `Precision (y) against recall (x) at step ${formatStep(step ?? 0)}, ${curves.length === 1 ? '1 run' : `${curves.length} runs`}` : undefined}
      >
        {body ?? (
          <Chart
            structureKey={structureKey}
            makeOptions={() =>
              makePrOptions(drawnRuns, {
                curves: () => curvesRef.current,
                color: colorOf,
                label: (run) => labelsRef.current.get(run) ?? run,
              })
            }
            data={chartData}
            height={height}
            visible={visible}
          />
        )}
      </div>
    </TagCard>
  );
}
