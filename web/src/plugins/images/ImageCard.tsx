/**
 * One run's images of one tag: the image at the chosen step (the card's own slider over every step, else
 * the global step's nearest, else the latest), a strip of thumbnails when a step holds a batch, the size and
 * format, a download of the shown image; enlarged, it zooms and pans. Nothing is fetched until the card
 * is (nearly) in view. Data attributes expose what a test checks.
 */
import { useState } from 'preact/hooks';
import type { StepUnion } from '../../app/stepUnion';
import { RunCard, itemDownload, runCardStatus, useRunListing } from '../../components/RunCard';
import { type ImageItem, type TagInfo, api, blobUrl } from '../../lib/api';
import { clampSample } from '../../lib/blobListing';
import { formatBytes } from '../../lib/format';
import { ImageView } from './ImageView';
import { renderingFor } from './view';

export interface ImageSettings {
  /** The global step (null: the latest). */
  step: number | null;
  actual: boolean;
}

export function cardHeight(enlarged: boolean): number {
  return enlarged ? Math.max(360, Math.min(720, Math.round(window.innerHeight * 0.68))) : 200;
}

export function ImageCard(props: { tag: TagInfo; run: string; union: StepUnion; settings: ImageSettings }) {
  const { tag, run, settings } = props;
  const listing = useRunListing<ImageItem>({ kind: 'images', fetcher: api.images, tag: tag.tag, run, union: props.union, step: settings.step });
  const { current, enlarged } = listing;
  const [sample, setSample] = useState(0);
  const items = current?.items ?? [];
  const s = clampSample(sample, items.length);
  const item = items[s] ?? null;
  const height = cardHeight(enlarged);

  const { state, body } = runCardStatus(listing, {
    hasItems: item !== null,
    what: 'these images',
    skeleton: listing.visible ? <div class="skeleton" style={{ position: 'absolute', inset: '4px' }} aria-label="Loading" /> : null,
    empty: 'No images yet.',
  });
  const downloads =
    item && current ? [itemDownload('Download this image', tag.tag, current.step, item, s, items.length)] : [];

  return (
    <RunCard
      tag={tag}
      run={run}
      kind="images"
      noun="image"
      label={`Images of ${tag.tag} in ${run}`}
      listing={listing}
      downloads={downloads}
      state={state}
      data={{
        'data-sample': item ? s : undefined,
        'data-samples': items.length || undefined,
      }}
      footer={
        item && (
          <span class="img-meta" title={`${item.content_type}, ${formatBytes(item.length)}`}>
            {item.width}×{item.height} {item.format}
          </span>
        )
      }
      bodyClass="img-body"
    >
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
    </RunCard>
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
