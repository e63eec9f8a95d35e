/**
 * The toolbar's step slider over the steps every loaded card reported. Its own component, so a card
 * reporting its steps redraws this slider only, not the grid of cards.
 */
import type { StepUnion } from '../../app/stepUnion';
import { StepSlider } from '../../components/StepSlider';

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
