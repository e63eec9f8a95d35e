/**
 * The PR Curves dashboard: the shared tag view with a card per tag overlaying its runs' curves, and a
 * global step slider (`pr_curves.step` in the URL) that moves every card to its nearest step; each card
 * also has its own.
 */
import { useStepUnion } from '../../app/stepUnion';
import { theme, usePageParam } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { TagGroupsView } from '../../components/TagGroupsView';
import { intParam, nullable } from '../../lib/pageParams';
import { GlobalStep } from '../../components/GlobalStep';
import { PrCard } from './PrCard';
import './pr_curves.css';

export function PrCurvesDashboard() {
  const tags = useKindTags('pr_curves');
  const union = useStepUnion();
  const [step, setStep] = usePageParam('pr_curves', 'step', null, nullable(intParam));
  const settings = { step, theme: theme.value };

  return (
    <TagGroupsView
      kind="pr_curves"
      noun="PR curve"
      tags={tags}
      toolbarLabel="PR curve settings"
      cardMinWidth={320}
      renderCard={(tag, runs) => <PrCard tag={tag} runs={runs} union={union} settings={settings} />}
    >
      <GlobalStep union={union} value={step} onChange={setStep} />
    </TagGroupsView>
  );
}
