/**
 * The Histograms dashboard: a card per histogram tag (the shared tag view: filter, groups, empty
 * states), with the view (offset ridges, overlay, compare runs; `histograms.mode` in the URL) and the time
 * axis the steps are laid out on (the app's x axis setting, shared with Scalars and Distributions).
 */
import { page, theme, usePageParam } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { XAxisControl } from '../../components/ChartControls';
import { Segmented } from '../../components/Segmented';
import { TagGroupsView } from '../../components/TagGroupsView';
import { enumParam } from '../../lib/pageParams';
import type { Mode } from './geometry';
import { HistogramCard, type HistSettings } from './HistogramCard';
import './histograms.css';

const MODES = ['offset', 'overlay', 'compare'] as const;
const modeParam = enumParam<Mode>(MODES);

export function HistogramsDashboard() {
  const tags = useKindTags('histograms');
  const [mode, setMode] = usePageParam<Mode>('histograms', 'mode', 'offset', modeParam);
  const settings: HistSettings = { mode, axis: page.value.xAxis, theme: theme.value };

  return (
    <TagGroupsView
      kind="histograms"
      noun="histogram"
      tags={tags}
      toolbarLabel="Histogram settings"
      cardMinWidth={320}
      renderCard={(tag, runs) => <HistogramCard tag={tag} runs={runs} settings={settings} />}
    >
      <div class="control" role="group" aria-label="Histogram view">
        <span aria-hidden="true">View</span>
        <Segmented<Mode>
          value={mode}
          options={[
            ['offset', 'Offset'],
            ['overlay', 'Overlay'],
            ['compare', 'Compare runs'],
          ]}
          onChange={setMode}
          label="View"
        />
      </div>
      {mode !== 'compare' && (
        <XAxisControl label="Time axis" short="Time" title="What lays the steps out in depth (offset) and colours them" />
      )}
    </TagGroupsView>
  );
}
