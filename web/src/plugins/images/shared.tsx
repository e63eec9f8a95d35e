/**
 * Pieces the Images and Audio dashboards share: the global step slider, a card's own step choice that
 * yields to it, and the run label with its colour.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { StepUnion } from '../../app/stepUnion';
import { colorOf } from '../../app/store';
import { StepSlider } from '../../components/StepSlider';
import { middleEllipsis } from '../../lib/format';
import type { OwnStep } from './series';
import './shared.css';

/** Reset a card's own step choice whenever the global step moves, so the global slider moves every card. */
export function useOwnStep(global: number | null): [OwnStep | null, (s: OwnStep | null) => void] {
  const [own, setOwn] = useState<OwnStep | null>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    setOwn(null);
  }, [global]);
  return [own, setOwn];
}

/** The run a card shows, with its colour. */
export function RunLabel(props: { run: string }) {
  return (
    <span class="run-label" title={props.run} data-run={props.run}>
      <span class="swatch" style={{ background: colorOf(props.run) }} />
      <span class="run-label-text">{middleEllipsis(props.run, 48)}</span>
    </span>
  );
}


/**
 * The toolbar's step slider over every loaded card's steps. Its own component, so that a card reporting its
 * steps redraws this slider only, not the whole grid of cards.
 */
export function GlobalStep(props: { union: StepUnion; value: number | null; onChange: (s: number | null) => void }) {
  return <StepSlider steps={props.union.steps.value} value={props.value} onChange={props.onChange} followLatest label="Step" />;
}
