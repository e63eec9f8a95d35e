/**
 * One run's images of one tag: the image at the chosen step (the card's own slider over every step, else
 * the global step's nearest, else the latest), a strip of thumbnails when a step holds a batch, the size and
 * format, a download of the shown image; enlarged, it zooms and pans. Nothing is fetched until the card
 * is (nearly) in view. Data attributes expose what a test checks.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { type StepUnion, useReportSteps } from '../../app/stepUnion';
import { useCardEnlarged } from '../../app/store';
import { Card } from '../../components/Card';
import { LoadError } from '../../components/CardBody';
import { StepSlider } from '../../components/StepSlider';
import { useInView } from '../../components/useInView';
import { type ImageItem, type TagInfo, api, blobUrl } from '../../lib/api';
import { formatBytes } from '../../lib/format';
import { ImageView } from './ImageView';
import { renderingFor } from './view';
import { useListings } from '../../app/useListings';
import { useOwnStep } from '../../components/GlobalStep';
import { RunLabel } from '../../components/RunLabel';
import { clampSample, downloadName, stepsOf, wallTimesOf } from '../../lib/blobListing';
import { runCardKey, shownIndex } from '../../lib/stepChoice';

export interface ImageSettings {
  /** The global step (null: the latest). */
  step: number | null;
  actual: boolean;
}

export function cardHeight(enlarged: boolean): number {
  return enlarged ? Math.max(360, Math.min(720, Math.round(window.innerHeight * 0.68))) : 200;
}

export function ImageCard(props: { tag: TagInfo; run: string; union: StepUnion; settings: ImageSettings }) {
  const { tag, run, union, settings } = props;
  const key = runCardKey(tag.tag, run);
  const [enlarged] = useCardEnlarged(key);
  const ref = useRef<HTMLElement>(null);
  const visible = useInView(ref);
  const runs = useMemo(() => [run], [run]);
  const listings = useListings<ImageItem>('images', api.images, tag.tag, runs, visible);
  const listing = listings.byRun.get(run) ?? null;
  const steps = useMemo(() => (listing ? stepsOf(listing) : null), [listing]);
  const wallTimes = useMemo(() => (listing ? wallTimesOf(listing) : undefined), [listing]);
  useReportSteps(union, key, steps);

  const [own, setOwn] = useOwnStep(settings.step);
  const [sample, setSample] = useState(0);
  const index = steps ? shownIndex(steps, own, settings.step) : -1;
  const current = index >= 0 ? listing![index]! : null;
  const items = current?.items ?? [];
  const s = clampSample(sample, items.length);
  const item = items[s] ?? null;
  const error = listings.errors.get(run) ?? null;
  const height = cardHeight(enlarged);
  const title = tag.display_name && tag.display_name !== tag.tag ? tag.display_name : tag.tag;

  let body;
  if (error && !listing) {
    body = <LoadError what="these images" error={error} onRetry={listings.retry} />;
  } else if (!listing) {
    body = visible ? <div class="skeleton" style={{ position: 'absolute', inset: '4px' }} aria-label="Loading" /> : null;
  } else if (!item) {
    body = <div class="card-msg">No images yet.</div>;
  }

  const state = error && !listing ? 'error' : !listing ? 'loading' : item ? 'ready' : 'empty';
  const downloads =
    item && current
      ? [
          {
            label: 'Download this image',
            href: blobUrl(item.url),
            filename: downloadName(tag.tag, current.step, s, items.length, item.format),
          },
        ]
      : [];

  return (
    <Card
      tag={key}
      title={title}
      subtitle={tag.description}
      noun="image"
      label={`Images of ${tag.tag} in ${run}`}
      cardRef={ref}
      downloads={downloads}
      data={{
        'data-tag': tag.tag,
        'data-run': run,
        'data-kind': 'images',
        'data-state': state,
        'data-step': current?.step,
        'data-steps': steps?.length,
        'data-sample': item ? s : undefined,
        'data-samples': items.length || undefined,
      }}
      footer={
        <>
          <RunLabel run={run} />
          {item && (
            <span class="img-meta" title={`${item.content_type}, ${formatBytes(item.length)}`}>
              {item.width}×{item.height} {item.format}
            </span>
          )}
        </>
      }
    >
      <div class="img-body">
        <div class="img-box" style={{ height: `${height}px` }}>
          {body ??
            (item && current && (
              <ImageView
                key={enlarged ? 'zoom' : 'card'}
                item={item}
                alt={`${tag.tag}, ${run}, step ${current.step}${items.length > 1 ? `, sample ${s + 1} of ${items.length}` : ''}`}
                height={height}
                actual={settings.actual}
                interactive={enlarged}
              />
            ))}
        </div>
        {items.length > 1 && current && (
          <Thumbnails items={items} chosen={s} onChoose={setSample} step={current.step} large={enlarged} />
        )}
        <div class="step-slot">
          {steps && steps.length > 0 && (
            <StepSlider
              steps={steps}
              wallTimes={wallTimes}
              value={own ? own.step : index >= 0 ? steps[index]! : null}
              onChange={(v) => setOwn({ step: v })}
              followLatest
              label={`Step of ${tag.tag} in ${run}`}
              hideLabel
            />
          )}
        </div>
      </div>
    </Card>
  );
}

/** A thumbnail's side in CSS pixels (images.css). */
const THUMB = 40;

/** The batch at one step as thumbnails; choosing one shows it large. */
export function Thumbnails(props: {
  items: readonly ImageItem[];
  chosen: number;
  onChoose: (i: number) => void;
  step: number;
  large: boolean;
}) {
  const { items } = props;
  return (
    <div class="thumbs" role="group" aria-label={`Samples at step ${props.step}`} data-large={props.large}>
      {items.map((it, i) => {
        const src = blobUrl(it.url);
        return (
          <button
            type="button"
            key={i}
            class="thumb"
            aria-label={`Sample ${i + 1} of ${items.length}`}
            aria-pressed={i === props.chosen}
            title={`Sample ${i + 1} of ${items.length} (${it.width}×${it.height})`}
            onClick={() => props.onChoose(i)}
          >
            {src && (
              <img
                src={src}
                alt=""
                loading="lazy"
                decoding="async"
                draggable={false}
                style={{ imageRendering: renderingFor(THUMB / Math.max(1, it.width, it.height)) }}
              />
            )}
          </button>
        );
      })}
    </div>
  );
}
