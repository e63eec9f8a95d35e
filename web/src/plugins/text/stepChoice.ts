/**
 * Which step a card shows when it has a slider of its own beside the dashboard's global one: the card's
 * own choice, until the global step moves (then every card follows the global step again), else the
 * global step's nearest, else the latest. The Text and PR-curve dashboards share this.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { nearestIndex } from '../../lib/steps';

/** A card's own choice: a step, or null for "the latest, following new steps". */
export interface OwnStep {
  step: number | null;
}

/** The index in `steps` (ascending) a card shows; -1 when there are none. */
export function shownIndex(steps: readonly number[], own: OwnStep | null, global: number | null): number {
  if (steps.length === 0) return -1;
  const target = own ? own.step : global;
  if (target === null) return steps.length - 1;
  return nearestIndex(steps, target);
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

/** The identity of one run's card of a tag (unique on the page; `card=` in the URL when enlarged). */
export function runCardKey(tag: string, run: string): string {
  return `${tag} @ ${run}`;
}
