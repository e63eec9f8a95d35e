/**
 * The Scalars dashboard: the shared tag view (filter, groups, empty states) with the chart settings
 * (smoothing, x axis, y scale, outliers, overwritten points) in its toolbar and a chart card per tag.
 */
import { useKindTags } from '../../app/useKindTags';
import {
  OutliersControl,
  OverwrittenControl,
  SmoothingControl,
  XAxisControl,
  YScaleControl,
  scalarChartSettings,
} from '../../components/ChartControls';
import { TagGroupsView } from '../../components/TagGroupsView';
import { ScalarCard } from './Card';

export function ScalarsDashboard() {
  const tags = useKindTags('scalars');
  const settings = scalarChartSettings();

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
