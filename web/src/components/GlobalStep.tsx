/**
 * A dashboard's global step: the toolbar's slider over the steps every loaded card reported, and the hook
 * a card uses for its own step choice, which yields to the global slider whenever that moves. Used by
 * every dashboard whose cards have sliders of their own (Images, Audio, Text, PR curves).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { StepUnion } from '../app/stepUnion';
import type { OwnStep } from '../lib/stepChoice';
import { StepSlider } from './StepSlider';

/**
 * The toolbar's step slider. Its own component, so that a card reporting its steps redraws this slider
 * only, not the whole grid of cards.
 */
export function GlobalStep(props: { union: StepUnion; value: number | null; onChange: (s: number | null) => void; label?: string }) {
  return (
    <StepSlider
      steps={props.union.steps.value}
      value={props.value}
      onChange={props.onChange}
      followLatest
      label={props.label ?? 'Step'}
    />
  );
}

/** A card's own step choice, dropped whenever the global step moves, so the global slider moves every card. */
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
