/**
 * One run's audio of one tag: a player per clip at the chosen step (the card's own slider over every step,
 * else the global step's nearest, else the latest), each with its label as plain text (labels are Markdown
 * from the writer: never injected as HTML), sample rate, channels and length, and a download. Nothing is
 * fetched until the card is (nearly) in view, and players load a clip only when played (`preload="none"`).
 */
import { useMemo, useRef } from 'preact/hooks';
import { type StepUnion, useReportSteps } from '../../app/stepUnion';
import { useCardEnlarged } from '../../app/store';
import { Card } from '../../components/Card';
import { LoadError } from '../../components/CardBody';
import { StepSlider } from '../../components/StepSlider';
import { useInView } from '../../components/useInView';
import { type AudioItem, type TagInfo, api, blobUrl } from '../../lib/api';
import { useListings } from '../../app/useListings';
import { useOwnStep } from '../../components/GlobalStep';
import { RunLabel } from '../../components/RunLabel';
import { downloadName, stepsOf, wallTimesOf } from '../../lib/blobListing';
import { runCardKey, shownIndex } from '../../lib/stepChoice';
import { clipFacts, clipFile, labelText } from './meta';

export function AudioCard(props: { tag: TagInfo; run: string; union: StepUnion; step: number | null }) {
  const { tag, run, union } = props;
  const key = runCardKey(tag.tag, run);
  const [enlarged] = useCardEnlarged(key);
  const ref = useRef<HTMLElement>(null);
  const visible = useInView(ref);
  const runs = useMemo(() => [run], [run]);
  const listings = useListings<AudioItem>('audio', api.audio, tag.tag, runs, visible);
  const listing = listings.byRun.get(run) ?? null;
  const steps = useMemo(() => (listing ? stepsOf(listing) : null), [listing]);
  const wallTimes = useMemo(() => (listing ? wallTimesOf(listing) : undefined), [listing]);
  useReportSteps(union, key, steps);

  const [own, setOwn] = useOwnStep(props.step);
  const index = steps ? shownIndex(steps, own, props.step) : -1;
  const current = index >= 0 ? listing![index]! : null;
  const clips = current?.items ?? [];
  const error = listings.errors.get(run) ?? null;
  const title = tag.display_name && tag.display_name !== tag.tag ? tag.display_name : tag.tag;

  let body;
  if (error && !listing) {
    body = <LoadError what="this audio" error={error} onRetry={listings.retry} />;
  } else if (!listing) {
    body = <div class="skeleton audio-skeleton" aria-label="Loading" />;
  } else if (!current || clips.length === 0) {
    body = <div class="card-msg">No clips yet.</div>;
  }

  const downloads = current
    ? clips.map((c, i) => ({
        label: clips.length > 1 ? `Clip ${i + 1} (${c.format.toUpperCase()})` : 'Download this clip',
        href: blobUrl(c.url),
        filename: downloadName(tag.tag, current.step, i, clips.length, c.format),
      }))
    : [];

  return (
    <Card
      tag={key}
      title={title}
      subtitle={tag.description}
      noun="audio card"
      label={`Audio of ${tag.tag} in ${run}`}
      cardRef={ref}
      downloads={downloads}
      downloadLabel="Download a clip"
      data={{
        'data-tag': tag.tag,
        'data-run': run,
        'data-kind': 'audio',
        'data-state': error && !listing ? 'error' : !listing ? 'loading' : clips.length ? 'ready' : 'empty',
        'data-step': current?.step,
        'data-steps': steps?.length,
        'data-clips': current ? clips.length : undefined,
      }}
      footer={<RunLabel run={run} />}
    >
      <div class="audio-body">
        <div class="clips" data-enlarged={enlarged} style={{ position: 'relative' }}>
          {body ??
            clips.map((c, i) => (
              <Clip
                key={`${current!.step}:${i}`}
                clip={c}
                name={`Clip ${i + 1}${clips.length > 1 ? ` of ${clips.length}` : ''} of ${tag.tag} at step ${current!.step}`}
                number={clips.length > 1 ? i + 1 : null}
              />
            ))}
        </div>
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

function Clip(props: { clip: AudioItem; name: string; number: number | null }) {
  const { clip } = props;
  const src = blobUrl(clip.url);
  const label = labelText(clip.label);
  const facts = clipFacts(clip);
  return (
    <div
      class="clip"
      data-index={clip.index}
      data-sample-rate={clip.sample_rate ?? ''}
      data-channels={clip.num_channels ?? ''}
      data-duration={clip.duration ?? ''}
    >
      <div class="clip-player">
        {props.number !== null && <span class="clip-no">{props.number}</span>}
        {src ? (
          <audio controls preload="none" src={src} aria-label={props.name}>
            <a href={src}>Download the clip</a>
          </audio>
        ) : (
          <span class="field-error">This clip's address is outside the app.</span>
        )}
      </div>
      {label && (
        <p class="clip-label" title="The clip's label (Markdown, shown as written)">
          {label}
        </p>
      )}
      <div class="clip-facts" title={`${clip.content_type}, ${clipFile(clip)}`}>
        {facts.length ? facts.join(' · ') : clipFile(clip)}
      </div>
    </div>
  );
}
