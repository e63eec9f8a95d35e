/**
 * The Text dashboard: the shared tag view with a card per run and tag, a global step slider (every card
 * moves to its nearest step; each card also has its own) and the choice of rendered Markdown or raw text,
 * both in the URL.
 */
import { useStepUnion } from '../../app/stepUnion';
import { usePageParam } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { Segmented } from '../../components/Segmented';
import { TagGroupsView } from '../../components/TagGroupsView';
import { enumParam, intParam, nullable } from '../../lib/pageParams';
import { GlobalStep } from '../../components/GlobalStep';
import { TextCard, type TextView } from './TextCard';
import './text.css';

const VIEWS = ['rendered', 'raw'] as const;

export function TextDashboard() {
  const tags = useKindTags('text');
  const union = useStepUnion();
  const [step, setStep] = usePageParam('text', 'step', null, nullable(intParam));
  const [view, setView] = usePageParam<TextView>('text', 'view', 'rendered', enumParam(VIEWS));
  const settings = { step, view };

  return (
    <TagGroupsView
      kind="text"
      noun="text"
      tags={tags}
      toolbarLabel="Text settings"
      cardMinWidth={340}
      renderCard={(tag, runs) =>
        runs.map((run) => <TextCard key={run} tag={tag} run={run} union={union} settings={settings} />)
      }
    >
      <GlobalStep union={union} value={step} onChange={setStep} />
      <div class="control" role="group" aria-label="Text view" title="Rendered Markdown, or the text exactly as written">
        <Segmented<TextView>
          value={view}
          options={[
            ['rendered', 'Rendered'],
            ['raw', 'Raw'],
          ]}
          onChange={setView}
          label="Text view"
        />
      </div>
    </TagGroupsView>
  );
}
