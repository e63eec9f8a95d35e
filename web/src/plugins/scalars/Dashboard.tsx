/**
 * The Scalars dashboard: the shared tag view (filter, groups, empty states) with the chart settings
 * (smoothing, x axis, y scale, outliers, overwritten points) in its toolbar and a chart card per tag.
 */
import { page, theme } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { OutliersControl, OverwrittenControl, SmoothingControl, XAxisControl, YScaleControl } from '../../components/ChartControls';
import { TagGroupsView } from '../../components/TagGroupsView';
import { type CardSettings, ScalarCard } from './Card';

export function ScalarsDashboard() {
  const tags = useKindTags('scalars');
  const state = page.value;
  const settings: CardSettings = {
    smoothing: state.smoothing,
    xAxis: state.xAxis,
    yScale: state.yScale,
    ignoreOutliers: state.ignoreOutliers,
    showHidden: state.showHidden,
    theme: theme.value,
  };

  return (
    <TagGroupsView
      kind="scalars"
      noun="scalar"
      tags={tags}
      renderCard={(tag, runs) => <ScalarCard tag={tag} runs={runs} settings={settings} />}
    >
      <SmoothingControl />
      <XAxisControl />
      <YScaleControl />
      <OutliersControl />
      <OverwrittenControl />
    </TagGroupsView>
  );
}
