/**
 * One tag across the selected runs, side by side at one step: a slider over the union of the runs' steps
 * (or the global step), each run showing its nearest step, one sample index for all. Enlarged, the images
 * zoom and pan together, so the same region of each run's image is compared.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type StepUnion, useReportSteps } from '../../app/stepUnion';
import { useCardEnlarged } from '../../app/store';
import { TagCard } from '../../components/Card';
import { StepSlot } from '../../components/StepSlider';
import { useInView } from '../../components/useInView';
import { type BlobStep, type ImageItem, type TagInfo, api } from '../../lib/api';
import { formatStep } from '../../lib/format';
import { mergeSteps, nearestIndex } from '../../lib/steps';
import { type ImageSettings, cardHeight } from './ImageCard';
import { ImageView } from './ImageView';
import { useListings } from '../../app/useListings';
import { useOwnStep } from '../../components/GlobalStep';
import { RunLabel } from '../../components/RunLabel';
import { clampSample, stepsOf } from '../../lib/blobListing';
import { shownIndex } from '../../lib/stepChoice';
import { HOME, type View } from './view';

interface Panel {
  run: string;
  listing: BlobStep<ImageItem>[] | null;
  step: BlobStep<ImageItem> | null;
  error: string | null;
}

export function CompareCard(props: { tag: TagInfo; runs: string[]; union: StepUnion; settings: ImageSettings }) {
  const { tag, runs, union, settings } = props;
  const [enlarged] = useCardEnlarged(tag.tag);
  const ref = useRef<HTMLElement>(null);
  const visible = useInView(ref);
  const listings = useListings<ImageItem>('images', api.images, tag.tag, runs, visible);
  const lists = runs.map((r) => listings.byRun.get(r) ?? null);
  const loaded = lists.some((l) => l !== null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const allSteps = useMemo(() => mergeSteps(lists.filter((l) => l !== null).map(stepsOf)), lists);
  useReportSteps(union, `compare\u0000${tag.tag}`, loaded ? allSteps : null);

  const [own, setOwn] = useOwnStep(settings.step);
  const [sample, setSample] = useState(0);
  const [view, setView] = useState<View>(HOME);
  useEffect(() => {
    if (!enlarged) setView(HOME);
  }, [enlarged]);

  const index = shownIndex(allSteps, own, settings.step);
  const chosen = index >= 0 ? allSteps[index]! : null;
  const panels: Panel[] = runs.map((run, i) => {
    const listing = lists[i]!;
    let step: BlobStep<ImageItem> | null = null;
    if (listing && chosen !== null) {
      const j = nearestIndex(stepsOf(listing), chosen);
      step = j >= 0 ? listing[j]! : null;
    }
    return { run, listing, step, error: listings.errors.get(run) ?? null };
  });
  const maxItems = Math.max(0, ...panels.map((p) => p.step?.items.length ?? 0));
  const s = clampSample(sample, maxItems);
  const height = enlarged ? Math.round(cardHeight(true) * (runs.length > 2 ? 0.6 : 0.85)) : 170;
  const failed = panels.filter((p) => p.error && !p.listing);

  return (
    <TagCard
      tag={tag}
      noun="comparison"
      label={`Images of ${tag.tag} across ${runs.length} ${runs.length === 1 ? 'run' : 'runs'}`}
      cardRef={ref}
      data={{
        'data-kind': 'images',
        'data-compare': true,
        'data-state': !loaded ? (failed.length ? 'error' : 'loading') : 'ready',
        'data-step': chosen ?? undefined,
        'data-runs': runs.length,
      }}
      footer={
        failed.length > 0 ? (
          <span class="field-error" role="alert">
            {failed.length} {failed.length === 1 ? 'run' : 'runs'} failed to load.{' '}
            <button type="button" class="link-btn" onClick={listings.retry}>
              Retry
            </button>
          </span>
        ) : undefined
      }
    >
      <div class="img-body">
        <div
          class="compare-grid"
          style={{ gridTemplateColumns: `repeat(auto-fit, minmax(${enlarged ? 300 : 150}px, 1fr))` }}
        >
          {panels.map((p) => {
            const item = p.step ? (p.step.items[clampSample(s, p.step.items.length)] ?? null) : null;
            const off = p.step !== null && chosen !== null && p.step.step !== chosen;
            return (
              <figure class="compare-panel" key={p.run} data-run={p.run} data-step={p.step?.step}>
                <div class="img-box" style={{ height: `${height}px` }}>
                  {item && p.step ? (
                    <ImageView
                      key={enlarged ? 'zoom' : 'card'}
                      item={item}
                      alt={`${tag.tag}, ${p.run}, step ${p.step.step}`}
                      height={height}
                      actual={settings.actual}
                      interactive={enlarged}
                      view={view}
                      onView={setView}
                    />
                  ) : p.error && !p.listing ? (
                    <div class="card-msg error">Could not load: {p.error}</div>
                  ) : !p.listing ? (
                    <div class="skeleton" style={{ position: 'absolute', inset: '4px' }} aria-label="Loading" />
                  ) : (
                    <div class="card-msg">No image</div>
                  )}
                </div>
                <figcaption>
                  <RunLabel run={p.run} />
                  {p.step && (
                    <span
                      class={`panel-step${off ? ' off' : ''}`}
                      title={off ? `This run has no image at step ${formatStep(chosen!)}; its nearest step is shown` : undefined}
                    >
                      {off ? '≈ ' : ''}step {formatStep(p.step.step)}
                    </span>
                  )}
                </figcaption>
              </figure>
            );
          })}
        </div>
        {maxItems > 1 && (
          <label class="step-slider sample-slider">
            <span>Sample</span>
            <input
              type="range"
              min={0}
              max={maxItems - 1}
              value={s}
              aria-label={`Sample of ${tag.tag}`}
              aria-valuetext={`Sample ${s + 1} of ${maxItems}`}
              onInput={(e) => setSample(Number(e.currentTarget.value))}
            />
            <output>
              {s + 1}/{maxItems}
            </output>
          </label>
        )}
        <StepSlot
          steps={allSteps}
          value={chosen}
          onChange={(v) => setOwn({ step: v })}
          label={`Step of ${tag.tag} in every run`}
        />
      </div>
    </TagCard>
  );
}
