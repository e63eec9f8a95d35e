/**
 * The Scalars dashboard: the shared tag view (filter, groups, empty states) with the chart settings
 * (smoothing, x axis, y scale, outliers, overwritten points) in its toolbar and a chart card per tag.
 */
import { page, setPage, theme } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { Segmented } from '../../components/Segmented';
import { TagGroupsView } from '../../components/TagGroupsView';
import { MAX_SMOOTHING } from '../../lib/smoothing';
import type { XAxis, YScale } from '../../lib/urlState';
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
      <label class="control">
        Smoothing
        <input
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.001}
          value={state.smoothing}
          aria-label="Smoothing"
          onInput={(e) => setPage({ smoothing: Number(e.currentTarget.value) })}
        />
        <output aria-live="off">{state.smoothing.toFixed(state.smoothing >= 0.99 ? 3 : 2)}</output>
      </label>
      <div class="control" role="group" aria-label="X axis">
        <span aria-hidden="true">X</span>
        <Segmented<XAxis>
          value={state.xAxis}
          options={[
            ['step', 'Step'],
            ['relative', 'Relative'],
            ['wall', 'Wall'],
          ]}
          onChange={(v) => setPage({ xAxis: v })}
          label="X axis"
        />
      </div>
      <div class="control" role="group" aria-label="Y scale">
        <span aria-hidden="true">Y</span>
        <Segmented<YScale>
          value={state.yScale}
          options={[
            ['linear', 'Linear'],
            ['log', 'Log'],
          ]}
          onChange={(v) => setPage({ yScale: v })}
          label="Y scale"
        />
      </div>
      <label class="control" title="Scale the y axis to the 5th–95th percentile, so one spike does not flatten the curve">
        <input
          type="checkbox"
          checked={state.ignoreOutliers}
          aria-label="Ignore outliers in chart scaling"
          onChange={(e) => setPage({ ignoreOutliers: e.currentTarget.checked })}
        />
        Ignore outliers
      </label>
      <label
        class="control"
        title="When a run restarts from a checkpoint, the points it logs again replace the old ones. Show the replaced points as faint marks."
      >
        <input
          type="checkbox"
          checked={state.showHidden}
          aria-label="Show points overwritten by restarts"
          onChange={(e) => setPage({ showHidden: e.currentTarget.checked })}
        />
        Overwritten points
      </label>
    </TagGroupsView>
  );
}
