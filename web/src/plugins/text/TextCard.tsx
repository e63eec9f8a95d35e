/**
 * One run's text of one tag: the step its own slider chooses (else the global step's nearest, else the
 * latest), rendered or raw. Rendered is the server's sanitised HTML (`api/text?format=html`), the only
 * HTML this card puts into the page; raw is the text as written, escaped by Preact like any string. Long
 * text is collapsed behind "Show all". Nothing is fetched until the card is (nearly) in view.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type StepUnion, useReportSteps } from '../../app/stepUnion';
import { colorOf, useCardEnlarged } from '../../app/store';
import { Card } from '../../components/Card';
import { LoadError } from '../../components/CardBody';
import { StepSlider } from '../../components/StepSlider';
import { useInView } from '../../components/useInView';
import type { TagInfo } from '../../lib/api';
import { formatStep, middleEllipsis, tagTitle } from '../../lib/format';
import { useTagData } from '../../app/useTagData';
import { fetchTextHtml, textUrl } from './api';
import { describeShape, isSingleCell, isTable, rowsOf } from './sample';
import { useOwnStep } from '../../components/GlobalStep';
import { runCardKey, shownIndex } from '../../lib/stepChoice';

export type TextView = 'rendered' | 'raw';

export interface TextSettings {
  /** The global step (null: the latest). */
  step: number | null;
  view: TextView;
}

/** Height of the text before it is collapsed behind "Show all". */
const COLLAPSED_PX = 260;

export function TextCard(props: { tag: TagInfo; run: string; union: StepUnion; settings: TextSettings }) {
  const { tag, run, union, settings } = props;
  const key = runCardKey(tag.tag, run);
  const [enlarged] = useCardEnlarged(key);
  const ref = useRef<HTMLElement>(null);
  const visible = useInView(ref);
  const runs = useMemo(() => [run], [run]);
  const { data, error, loaded, retry } = useTagData({
    tag: tag.tag,
    runs,
    visible,
    kind: 'text',
    key: 0,
    fetch: (r, signal) => fetchTextHtml({ run: r, tag: tag.tag }, signal),
  });
  const series = data.get(run) ?? null;
  const steps = series?.steps ?? null;
  useReportSteps(union, key, steps);

  const [own, setOwn] = useOwnStep(settings.step);
  const index = steps ? shownIndex(steps, own, settings.step) : -1;
  const step = index >= 0 ? steps![index]! : undefined;
  const shape = index >= 0 ? (series!.shapes[index] ?? []) : [];

  let body;
  if (error && !series) {
    body = <LoadError what="this text" error={error} onRetry={retry} />;
  } else if (!series) {
    body = <div class="skeleton text-skeleton" aria-label="Loading" />;
  } else if (index < 0) {
    body = <div class="card-msg">No text yet.</div>;
  } else {
    const sample = series.text[index]!;
    body = (
      <Collapsible key={`${index}:${settings.view}`} open={enlarged}>
        {settings.view === 'rendered' ? (
          // Server output only: sanitised by the server (nh3), never the raw text.
          <div
            class="text-md"
            data-single-cell={isSingleCell(shape)}
            dangerouslySetInnerHTML={{ __html: series.html[index] ?? '' }}
          />
        ) : isTable(sample) && !isSingleCell(shape) ? (
          <table class="text-raw-table">
            <tbody>
              {rowsOf(sample).map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <pre class="text-raw">{rowsOf(sample)[0]?.[0] ?? ''}</pre>
        )}
      </Collapsible>
    );
  }

  const state = error && !series ? 'error' : !series ? (loaded ? 'empty' : 'loading') : index >= 0 ? 'ready' : 'empty';

  return (
    <Card
      tag={key}
      title={tagTitle(tag)}
      subtitle={tag.description}
      noun="text"
      label={`Text of ${tag.tag} in ${run}`}
      cardRef={ref}
      downloads={series ? [{ label: 'Download the raw text (JSON)', href: textUrl(run, tag.tag) }] : []}
      data={{
        'data-tag': tag.tag,
        'data-run': run,
        'data-kind': 'text',
        'data-state': state,
        'data-step': step,
        'data-steps': steps?.length,
        'data-view': settings.view,
      }}
      footer={
        <>
          <span class="text-run" title={run} data-run={run}>
            <span class="swatch" style={{ background: colorOf(run) }} />
            <span class="text-run-name">{middleEllipsis(run, 48)}</span>
          </span>
          {index >= 0 && !isSingleCell(shape) && <span class="text-shape">{describeShape(shape)}</span>}
          {steps && steps.length > 1 && <span>{formatStep(steps.length)} steps</span>}
        </>
      }
    >
      <div class="text-body">
        {steps && steps.length > 0 && (
          <StepSlider
            steps={steps}
            value={step ?? null}
            wallTimes={series?.wall_times}
            onChange={(s) => setOwn({ step: s })}
            followLatest
            label={`Step of ${tag.tag} in ${run}`}
            hideLabel
          />
        )}
        <div class="text-content">{body}</div>
      </div>
    </Card>
  );
}

/**
 * Its content cut at COLLAPSED_PX with a fade and a "Show all" button when it is taller; `open` (an
 * enlarged card) shows everything.
 */
function Collapsible(props: { open: boolean; children: ComponentChildren }) {
  const inner = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState(false);
  const [tall, setTall] = useState(false);
  useLayoutEffect(() => {
    const el = inner.current;
    if (!el) return;
    const measure = () => setTall(el.scrollHeight > COLLAPSED_PX + 24);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const open = props.open || expanded || !tall;
  return (
    <div class="text-collapsible" data-collapsed={!open}>
      <div
        ref={inner}
        class="text-clip"
        style={open ? undefined : { maxHeight: `${COLLAPSED_PX}px` }}
      >
        {props.children}
      </div>
      {tall && !props.open && (
        <button type="button" class="link-btn text-more" aria-expanded={open} onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show less' : 'Show all'}
        </button>
      )}
    </div>
  );
}
