/**
 * Choose one step out of a sorted list of steps (not a numeric range: steps may be sparse). A native range
 * input over the list's indices, so arrows, Page Up/Down, Home and End work and screen readers announce the
 * step ("Step 1 200, 2026-11-26 14:03:05"); the chosen step and, when given, its wall time are shown beside it.
 * A value that is not in the list shows as its nearest step.
 */
import { formatDateTime, formatStep } from '../lib/format';
import { nearestIndex } from '../lib/steps';
import './StepSlider.css';

export interface StepSliderProps {
  /** The steps to choose from, sorted ascending, each once. */
  steps: readonly number[];
  /** The chosen step; null means the last one. */
  value: number | null;
  /** Called with the step chosen (null for the last one when `followLatest`). */
  onChange: (step: number | null) => void;
  /** Wall times parallel to `steps`, to show the chosen step's. */
  wallTimes?: readonly number[];
  /** The accessible name (default "Step"); also the visible label unless `hideLabel`. */
  label?: string;
  hideLabel?: boolean;
  /**
   * Choosing the last step gives null, "the latest", so the slider keeps to the end as new steps arrive
   * (live training); choosing any other step pins it.
   */
  followLatest?: boolean;
  disabled?: boolean;
}

export function StepSlider(props: StepSliderProps) {
  const { steps, value, wallTimes } = props;
  const label = props.label ?? 'Step';
  const last = steps.length - 1;
  const index = value === null ? last : nearestIndex(steps, value);
  const step = index >= 0 ? steps[index]! : null;
  const wall = index >= 0 ? wallTimes?.[index] : undefined;
  const when = wall !== undefined ? formatDateTime(wall, true) : '';
  const text = step === null ? 'none' : formatStep(step);

  return (
    <label class="step-slider" data-step={step ?? ''}>
      {!props.hideLabel && <span>{label}</span>}
      <input
        type="range"
        min={0}
        max={Math.max(0, last)}
        step={1}
        value={Math.max(0, index)}
        disabled={props.disabled || steps.length < 2}
        aria-label={label}
        aria-valuetext={step === null ? 'No steps' : `Step ${text}${when ? `, ${when}` : ''}`}
        onInput={(e) => {
          const i = Number(e.currentTarget.value);
          const s = steps[i];
          if (s === undefined) return;
          props.onChange(props.followLatest && i === last ? null : s);
        }}
      />
      <output aria-hidden="true" title={steps.length > 1 ? `${index + 1} of ${steps.length} steps` : undefined}>
        {text}
      </output>
      {when && (
        <time aria-hidden="true" dateTime={new Date(wall! * 1000).toISOString()}>
          {when}
        </time>
      )}
    </label>
  );
}

/**
 * A card's own step slider, in a slot that keeps its room while the card loads (cards below do not move
 * when the steps arrive); empty until there are steps. It follows the latest step and names itself only
 * to assistive technology (the card says what it shows).
 */
export function StepSlot(props: Omit<StepSliderProps, 'steps' | 'followLatest' | 'hideLabel'> & { steps: readonly number[] | null }) {
  const { steps, ...rest } = props;
  return <div class="step-slot">{steps && steps.length > 0 && <StepSlider {...rest} steps={steps} followLatest hideLabel />}</div>;
}
