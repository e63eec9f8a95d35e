/**
 * The Audio dashboard: the shared tag view with a global step slider in its toolbar (every card moves to
 * its nearest step; `audio.step` in the URL) and a card of players per run and tag.
 */
import { useStepUnion } from '../../app/stepUnion';
import { GlobalStep } from '../../components/GlobalStep';
import { usePageParam } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { TagGroupsView } from '../../components/TagGroupsView';
import { intParam, nullable } from '../../lib/pageParams';
import { AudioCard } from './AudioCard';
import './audio.css';

export function AudioDashboard() {
  const tags = useKindTags('audio');
  const union = useStepUnion();
  const [step, setStep] = usePageParam('audio', 'step', null, nullable(intParam));

  return (
    <TagGroupsView
      kind="audio"
      noun="audio"
      tags={tags}
      toolbarLabel="Audio settings"
      cardMinWidth={320}
      renderCard={(tag, runs) =>
        runs.map((run) => <AudioCard key={run} tag={tag} run={run} union={union} step={step} />)
      }
    >
      <GlobalStep union={union} value={step} onChange={setStep} />
    </TagGroupsView>
  );
}
