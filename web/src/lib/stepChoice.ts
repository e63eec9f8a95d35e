/**
 * Which step a card shows when it has a slider of its own beside the dashboard's global one: the card's
 * own choice, until the global step moves (then every card follows the global step again), else the
 * global step's nearest, else the latest. Every dashboard with a global step slider (Images, Audio, Text,
 * PR curves) uses this; the hook that drops a card's own choice is `useOwnStep` in components/GlobalStep.
 */
import { nearestIndex } from './steps';

/** A card's own choice of step (its slider moved): a step, or null for "the latest, following new steps". */
export interface OwnStep {
  step: number | null;
}

/**
 * The index in `steps` (ascending) of the step a card shows: its own choice if any, else the nearest to
 * the global step, else (global null: "latest") the last. -1 when there are no steps.
 */
export function shownIndex(steps: readonly number[], own: OwnStep | null, global: number | null): number {
  if (steps.length === 0) return -1;
  const target = own ? own.step : global;
  if (target === null) return steps.length - 1;
  return nearestIndex(steps, target);
}

/**
 * The identity of one run's card of a tag (unique on the page, used for `card=` in the URL when enlarged).
 * Kept readable in a shared link; a tag that itself ends in " @ <run>" is too unlikely to matter.
 */
export function runCardKey(tag: string, run: string): string {
  return `${tag} @ ${run}`;
}
