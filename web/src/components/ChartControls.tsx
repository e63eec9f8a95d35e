/**
 * The toolbar controls of the app-wide chart settings (`page` in app/store, kept in the URL): smoothing,
 * x axis, y scale, ignoring outliers, overwritten points. Every dashboard that offers one of them uses
 * these, so a setting looks and reads the same everywhere: Scalars has them all, Custom Scalars smoothing
 * and the x axis, Distributions and Histograms the x axis (Histograms names it the time axis).
 */
import { page, setPage, theme } from '../app/store';
import type { ScalarChartSettings } from '../lib/scalarChart';
import { MAX_SMOOTHING } from '../lib/smoothing';
import type { XAxis, YScale } from '../lib/urlState';
import { Segmented } from './Segmented';

/** What these controls set, with the theme, as the scalar charts take it. */
export function scalarChartSettings(): ScalarChartSettings {
  const s = page.value;
  return {
    smoothing: s.smoothing,
    xAxis: s.xAxis,
    yScale: s.yScale,
    ignoreOutliers: s.ignoreOutliers,
    showHidden: s.showHidden,
    theme: theme.value,
  };
}

export function SmoothingControl() {
  const smoothing = page.value.smoothing;
  return (
    <label class="control">
      Smoothing
      <input
        type="range"
        min={0}
        max={MAX_SMOOTHING}
        step={0.001}
        value={smoothing}
        aria-label="Smoothing"
        onInput={(e) => setPage({ smoothing: Number(e.currentTarget.value) })}
      />
      <output aria-live="off">{smoothing.toFixed(smoothing >= 0.99 ? 3 : 2)}</output>
    </label>
  );
}

/** The x axis: step, relative or wall time. `label` names the group, `short` is the visible caption. */
export function XAxisControl(props: { label?: string; short?: string; title?: string }) {
  const label = props.label ?? 'X axis';
  return (
    <div class="control" role="group" aria-label={label} title={props.title}>
      <span aria-hidden="true">{props.short ?? 'X'}</span>
      <Segmented<XAxis>
        value={page.value.xAxis}
        options={[
          ['step', 'Step'],
          ['relative', 'Relative'],
          ['wall', 'Wall'],
        ]}
        onChange={(v) => setPage({ xAxis: v })}
        label={label}
      />
    </div>
  );
}

export function YScaleControl() {
  return (
    <div class="control" role="group" aria-label="Y scale">
      <span aria-hidden="true">Y</span>
      <Segmented<YScale>
        value={page.value.yScale}
        options={[
          ['linear', 'Linear'],
          ['log', 'Log'],
        ]}
        onChange={(v) => setPage({ yScale: v })}
        label="Y scale"
      />
    </div>
  );
}

/** A checkbox of one of the boolean chart settings. */
function SettingCheckbox(props: { setting: 'ignoreOutliers' | 'showHidden'; text: string; label: string; title: string }) {
  const { setting } = props;
  return (
    <label class="control" title={props.title}>
      <input
        type="checkbox"
        checked={page.value[setting]}
        aria-label={props.label}
        onChange={(e) => setPage({ [setting]: e.currentTarget.checked })}
      />
      {props.text}
    </label>
  );
}

export function OutliersControl() {
  return (
    <SettingCheckbox
      setting="ignoreOutliers"
      text="Ignore outliers"
      label="Ignore outliers in chart scaling"
      title="Scale the y axis to the 5th–95th percentile, so one spike does not flatten the curve"
    />
  );
}

export function OverwrittenControl() {
  return (
    <SettingCheckbox
      setting="showHidden"
      text="Overwritten points"
      label="Show points overwritten by restarts"
      title="When a run restarts from a checkpoint, the points it logs again replace the old ones. Show the replaced points as faint marks."
    />
  );
}
