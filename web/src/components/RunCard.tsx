/**
 * A card of one run's blob listing of one tag (Images, Audio): the hook that loads the listing once the
 * card is near the viewport (followed live), reports its steps to the dashboard's global slider and picks
 * the step shown (the card's own slider, else the global step's nearest, else the latest); and the frame:
 * the shared `Card` titled by the tag, identified by tag and run, its state and the step shown, the run in
 * its footer, the card's own step slider under its body.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useMemo, useRef } from 'preact/hooks';
import { type StepUnion, useReportSteps } from '../app/stepUnion';
import { useCardEnlarged } from '../app/store';
import { type ListingFetcher, useListings } from '../app/useListings';
import { type BlobStep, type TagInfo, blobUrl } from '../lib/api';
import { downloadName, stepsOf, wallTimesOf } from '../lib/blobListing';
import { tagTitle } from '../lib/format';
import { runCardKey, shownIndex } from '../lib/stepChoice';
import { Card, type CardDownload, type DataAttributes } from './Card';
import { LoadError } from './CardBody';
import { useOwnStep } from './GlobalStep';
import { RunLabel } from './RunLabel';
import { StepSlot } from './StepSlider';
import { useInView } from './useInView';

export interface RunListing<Item> {
  /** The card's identity on the page (`runCardKey`). */
  key: string;
  enlarged: boolean;
  cardRef: { current: HTMLElement | null };
  visible: boolean;
  /** Every step with its items (null until loaded). */
  listing: BlobStep<Item>[] | null;
  steps: number[] | null;
  wallTimes: number[] | undefined;
  /** The step shown, with its items (null: none yet). */
  current: BlobStep<Item> | null;
  /** The last error of the listing's run. */
  error: string | null;
  retry: () => void;
  /** The card's own slider: its value (null: the latest) and what moving it does. */
  slider: { value: number | null; onChange: (step: number | null) => void };
}

export function useRunListing<Item>(opts: {
  kind: string;
  fetcher: ListingFetcher<Item>;
  tag: string;
  run: string;
  union: StepUnion;
  /** The global step (null: the latest). */
  step: number | null;
}): RunListing<Item> {
  const { tag, run } = opts;
  const key = runCardKey(tag, run);
  const [enlarged] = useCardEnlarged(key);
  const cardRef = useRef<HTMLElement>(null);
  const visible = useInView(cardRef);
  const runs = useMemo(() => [run], [run]);
  const listings = useListings<Item>(opts.kind, opts.fetcher, tag, runs, visible);
  const listing = listings.byRun.get(run) ?? null;
  const steps = useMemo(() => (listing ? stepsOf(listing) : null), [listing]);
  const wallTimes = useMemo(() => (listing ? wallTimesOf(listing) : undefined), [listing]);
  useReportSteps(opts.union, key, steps);

  const [own, setOwn] = useOwnStep(opts.step);
  const index = steps ? shownIndex(steps, own, opts.step) : -1;
  return {
    key,
    enlarged,
    cardRef,
    visible,
    listing,
    steps,
    wallTimes,
    current: index >= 0 ? listing![index]! : null,
    error: listings.errors.get(run) ?? null,
    retry: listings.retry,
    slider: { value: own ? own.step : index >= 0 ? steps![index]! : null, onChange: (v) => setOwn({ step: v }) },
  };
}

/**
 * The card's state (`data-state`) and what its body shows instead of its items (undefined: the items):
 * the failed first load with Retry, `skeleton` while loading, `empty` when the step shown has nothing.
 */
export function runCardStatus(
  l: RunListing<unknown>,
  s: { hasItems: boolean; what: string; skeleton: JSX.Element | null; empty: string },
): { state: 'error' | 'loading' | 'ready' | 'empty'; body: JSX.Element | null | undefined } {
  if (!l.listing) {
    if (l.error) return { state: 'error', body: <LoadError what={s.what} error={l.error} onRetry={l.retry} /> };
    return { state: 'loading', body: s.skeleton };
  }
  if (!s.hasItems) return { state: 'empty', body: <div class="card-msg">{s.empty}</div> };
  return { state: 'ready', body: undefined };
}

/** The download of one item of the step shown; the file's name says tag, step and, in a batch, which item. */
export function itemDownload(
  label: string,
  tag: string,
  step: number,
  item: { url: string; format: string },
  index: number,
  count: number,
): CardDownload {
  return { label, href: blobUrl(item.url), filename: downloadName(tag, step, index, count, item.format) };
}

export function RunCard(props: {
  tag: TagInfo;
  run: string;
  /** The dashboard's kind (`data-kind`). */
  kind: string;
  /** What the card shows, for its buttons' names ("image" → "Enlarge image"). */
  noun: string;
  /** The card's accessible name. */
  label: string;
  listing: RunListing<unknown>;
  /** `data-state` (from `runCardStatus`). */
  state: string;
  downloads: CardDownload[];
  downloadLabel?: string;
  /** More data attributes (besides tag, run, kind, state, step and steps). */
  data: DataAttributes;
  /** In the footer after the run. */
  footer?: ComponentChildren;
  /** The class of the body, which holds the children and then the step slider. */
  bodyClass: string;
  children: ComponentChildren;
}) {
  const { tag, run, listing } = props;
  return (
    <Card
      tag={listing.key}
      title={tagTitle(tag)}
      subtitle={tag.description}
      noun={props.noun}
      label={props.label}
      cardRef={listing.cardRef}
      downloads={props.downloads}
      downloadLabel={props.downloadLabel}
      data={{
        'data-tag': tag.tag,
        'data-run': run,
        'data-kind': props.kind,
        'data-state': props.state,
        'data-step': listing.current?.step,
        'data-steps': listing.steps?.length,
        ...props.data,
      }}
      footer={
        <>
          <RunLabel run={run} />
          {props.footer}
        </>
      }
    >
      <div class={props.bodyClass}>
        {props.children}
        <StepSlot
          steps={listing.steps}
          wallTimes={listing.wallTimes}
          value={listing.slider.value}
          onChange={listing.slider.onChange}
          label={`Step of ${tag.tag} in ${run}`}
        />
      </div>
    </Card>
  );
}
