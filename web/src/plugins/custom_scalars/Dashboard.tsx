/**
 * The Custom Scalars dashboard: the charts that runs' `add_custom_scalars` layouts declare, by category
 * (collapsible; a category the layout marks `closed` starts closed, and what the user opens or closes is
 * kept in the URL), each drawn like a Scalars chart over the selected runs. The toolbar holds the chart
 * settings shared with the Scalars dashboard.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { onUpdate } from '../../app/live';
import { selectedRuns, status, usePageParam } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { Chevron } from '../../components/Icons';
import { SmoothingControl, XAxisControl, scalarChartSettings } from '../../components/ChartControls';
import { EmptyReasonView, ErrorBox, SkeletonGrid } from '../../components/StatusViews';
import { type CustomScalarsCategory, type CustomScalarsLayout, api } from '../../lib/api';
import { ChartCard } from './ChartCard';
import { chartKeys, isOpen, stringListParam, toggle } from './layout';
import './custom_scalars.css';

export function CustomScalarsDashboard() {
  const layout = useLayout();
  const scalarTags = useKindTags('scalars');
  const [toggled, setToggled] = usePageParam<string[]>('custom_scalars', 'toggled', [], stringListParam);
  const selected = selectedRuns.value;
  const settings = scalarChartSettings();
  const categories = layout.value?.categories ?? [];
  const keys = useMemo(() => chartKeys(categories), [categories]);

  let content;
  if (layout.error && !layout.value) {
    content = <ErrorBox title="Could not load the custom scalars layout" message={layout.error} onRetry={layout.retry} />;
  } else if (!layout.value || !scalarTags.tags) {
    content = scalarTags.error ? (
      <ErrorBox title="Could not load the scalar tags" message={scalarTags.error} onRetry={scalarTags.retry} />
    ) : (
      <SkeletonGrid />
    );
  } else if (categories.length === 0) {
    content = (
      <EmptyReasonView
        reason={{
          code: 'no_data',
          message: 'No run has a custom scalars layout. Write one with add_custom_scalars(layout) in a run.',
        }}
        logdir={status.value?.logdir ?? ''}
      />
    );
  } else if (selected.length === 0) {
    content = (
      <p class="hint" data-testid="no-runs">
        No run is selected. Tick runs in the sidebar to draw them.
      </p>
    );
  } else {
    content = categories.map((cat, i) => (
      <Category key={cat.title} category={cat} open={isOpen(cat, toggled)} onToggle={() => setToggled(toggle(toggled, cat.title))}>
        <div class="grid">
          {cat.charts.map((chart, j) => (
            <ChartCard
              key={keys[i]![j]!}
              cardKey={keys[i]![j]!}
              category={cat.title}
              chart={chart}
              scalarTags={scalarTags.tags!}
              selected={selected}
              settings={settings}
            />
          ))}
        </div>
      </Category>
    ));
  }

  return (
    <>
      <div class="toolbar" role="toolbar" aria-label="Chart settings">
        <SmoothingControl />
        <XAxisControl />
        {layout.value && layout.value.runs.length > 0 && (
          <span class="cs-source" title={layout.value.runs.join('\n')}>
            Layout of {layout.value.runs.length === 1 ? layout.value.runs[0] : `${layout.value.runs.length} runs`}
          </span>
        )}
      </div>
      <div class="content">{content}</div>
    </>
  );
}

/** The merged layout, fetched on mount and again when a run writes a new one (live stream). */
function useLayout(): { value: CustomScalarsLayout | null; error: string | null; retry: () => void } {
  const [value, setValue] = useState<CustomScalarsLayout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .customScalarsLayout(ctrl.signal)
      .then((l) => {
        setValue(l);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => ctrl.abort();
  }, [tick]);
  useEffect(
    () =>
      onUpdate((ev) => {
        if (ev.tags.some((t) => t.kind === 'custom_scalars')) setTick((t) => t + 1);
      }),
    [],
  );
  return { value, error, retry: () => setTick((t) => t + 1) };
}

/** A collapsible category of charts (the same look as the tag groups of other dashboards). */
function Category(props: { category: CustomScalarsCategory; open: boolean; onToggle: () => void; children: ComponentChildren }) {
  const { category, open } = props;
  return (
    <section class="group" data-group={category.title} data-category={category.title} data-open={open}>
      <h2 style={{ margin: 0 }}>
        <button type="button" class="group-head" aria-expanded={open} onClick={props.onToggle}>
          <span class="chev">
            <Chevron />
          </span>
          <span>{category.title || 'Untitled'}</span>
          <span class="count">({category.charts.length})</span>
        </button>
      </h2>
      {open && props.children}
    </section>
  );
}
