/**
 * Choosing steps out of the steps a series has. Steps are sparse (images every 500 steps, a run that
 * logged from 0 to 90 and then from 1000), so a step slider moves over the list, not a numeric range,
 * and a global step is shown in each card as the card's nearest step.
 */

/**
 * The index in `steps` (sorted ascending) of the step nearest to `target`; a tie goes to the earlier step.
 * -1 for an empty list or a NaN target.
 */
export function nearestIndex(steps: readonly number[], target: number): number {
  const n = steps.length;
  if (n === 0 || Number.isNaN(target)) return -1;
  // first index whose step is >= target
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  if (lo === n) return n - 1;
  return target - steps[lo - 1]! <= steps[lo]! - target ? lo - 1 : lo;
}

/** The step of `steps` (sorted ascending) nearest to `target`, the earlier on a tie; null when there is none. */
export function nearest(steps: readonly number[], target: number): number | null {
  const i = nearestIndex(steps, target);
  return i < 0 ? null : steps[i]!;
}

/** The sorted union of step lists, each step once (the steps a global slider offers). */
export function mergeSteps(lists: Iterable<readonly number[]>): number[] {
  const all = new Set<number>();
  for (const list of lists) for (const s of list) if (Number.isFinite(s)) all.add(s);
  return [...all].sort((a, b) => a - b);
}

/**
 * The wall time of each of `steps` in series that log wall times beside their steps: the first series
 * having the step gives it; NaN for a step none has (a slider then shows no time for it).
 */
export function wallTimesAt(
  series: Iterable<{ steps: readonly number[]; wallTimes: ArrayLike<number> }>,
  steps: readonly number[],
): number[] {
  const at = new Map<number, number>();
  for (const s of series) s.steps.forEach((st, i) => at.has(st) || at.set(st, s.wallTimes[i]!));
  return steps.map((st) => at.get(st) ?? Number.NaN);
}
