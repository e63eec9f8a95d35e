/**
 * One run's audio of one tag: a player per clip at the chosen step (the card's own slider over every step,
 * else the global step's nearest, else the latest), each with its label as plain text (labels are Markdown
 * from the writer: never injected as HTML), sample rate, channels and length, and a download. Nothing is
 * fetched until the card is (nearly) in view, and players load a clip only when played (`preload="none"`).
 */
import type { StepUnion } from '../../app/stepUnion';
import { RunCard, itemDownload, runCardStatus, useRunListing } from '../../components/RunCard';
import { type AudioItem, type TagInfo, api, blobUrl } from '../../lib/api';
import { clipFacts, clipFile, labelText } from './meta';

export function AudioCard(props: { tag: TagInfo; run: string; union: StepUnion; step: number | null }) {
  const { tag, run } = props;
  const listing = useRunListing<AudioItem>({ kind: 'audio', fetcher: api.audio, tag: tag.tag, run, union: props.union, step: props.step });
  const { current } = listing;
  const clips = current?.items ?? [];

  const { state, body } = runCardStatus(listing, {
    hasItems: clips.length > 0,
    what: 'this audio',
    skeleton: <div class="skeleton audio-skeleton" aria-label="Loading" />,
    empty: 'No clips yet.',
  });

  const downloads = current
    ? clips.map((c, i) =>
        itemDownload(
          clips.length > 1 ? `Clip ${i + 1} (${c.format.toUpperCase()})` : 'Download this clip',
          tag.tag,
          current.step,
          c,
          i,
          clips.length,
        ),
      )
    : [];

  return (
    <RunCard
      tag={tag}
      run={run}
      kind="audio"
      noun="audio card"
      label={`Audio of ${tag.tag} in ${run}`}
      listing={listing}
      downloads={downloads}
      downloadLabel="Download a clip"
      state={state}
      data={{ 'data-clips': current ? clips.length : undefined }}
      bodyClass="audio-body"
    >
      <div class="clips" data-enlarged={listing.enlarged} style={{ position: 'relative' }}>
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
    </RunCard>
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
