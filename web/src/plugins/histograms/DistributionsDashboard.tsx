/**
 * The Distributions dashboard: for every histogram tag, how the spread of its values moves over steps
 * (TensorBoard's basis-point bands), a card per tag with a chart per selected run, and the app's x axis
 * setting (step, relative, wall time).
 */
import { page, theme } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { XAxisControl } from '../../components/ChartControls';
import { TagGroupsView } from '../../components/TagGroupsView';
import { DistributionCard, type DistSettings } from './DistributionCard';
import './histograms.css';

export function DistributionsDashboard() {
  const tags = useKindTags('histograms');
  const settings: DistSettings = { axis: page.value.xAxis, theme: theme.value };
  return (
    <TagGroupsView
      kind="histograms"
      noun="histogram"
      tags={tags}
      toolbarLabel="Distribution settings"
      renderCard={(tag, runs) => <DistributionCard tag={tag} runs={runs} settings={settings} />}
    >
      <XAxisControl />
    </TagGroupsView>
  );
}
