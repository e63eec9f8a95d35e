/**
 * Pure logic behind the Images and Audio cards: a series' listing (every step with its items, as
 * `api/images` and `api/audio` return it) grown by live updates, which step a card shows (its own slider,
 * else the global step's nearest, else the latest), the sample chosen in a batch, and names for downloads.
 * The Audio dashboard uses this module too: both kinds are listings of blob items per step.
 */
import type { BlobStep } from '../../lib/api';
import { nearestIndex } from '../../lib/steps';

/**
 * A listing after fetching the steps from `from` on (`min_step=from`): the old steps before `from`, then
 * the fresh ones. Fetching from the last known step (not the one after) picks up items a writer added to
 * that step since; the fresh answer is authoritative for every step it covers.
 */
export function mergeListing<Item>(
  old: readonly BlobStep<Item>[],
  fresh: readonly BlobStep<Item>[],
  from: number | null,
): BlobStep<Item>[] {
  if (from === null) return [...fresh];
  const kept = old.filter((s) => s.step < from);
  const out = kept.concat(fresh.filter((s) => s.step >= from));
  // The server answers in step order; keep the merged list sorted even if an answer is not.
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.step < out[i - 1]!.step) return out.sort((a, b) => a.step - b.step);
  }
  return out;
}

/** The step numbers of a listing, ascending (for a `StepSlider`). */
export function stepsOf(listing: readonly BlobStep<unknown>[]): number[] {
  return listing.map((s) => s.step);
}

/** The wall times of a listing, parallel to `stepsOf`. */
export function wallTimesOf(listing: readonly BlobStep<unknown>[]): number[] {
  return listing.map((s) => s.wall_time);
}

/** A card's own choice of step (its slider moved): a step, or null for "the latest, following new steps". */
export interface OwnStep {
  step: number | null;
}

/**
 * The index in `steps` of the step a card shows: its own choice if any, else the nearest to the global
 * step, else (global null: "latest") the last. -1 when there are no steps.
 */
export function shownIndex(steps: readonly number[], own: OwnStep | null, global: number | null): number {
  if (steps.length === 0) return -1;
  const target = own ? own.step : global;
  if (target === null) return steps.length - 1;
  return nearestIndex(steps, target);
}

/** A sample index kept within a step's batch of `count` items (0 when there are none). */
export function clampSample(index: number, count: number): number {
  if (count <= 0 || !Number.isFinite(index)) return 0;
  return Math.min(Math.max(0, Math.trunc(index)), count - 1);
}

/**
 * The identity of one run's card of a tag (unique on the page, used for `card=` in the URL when enlarged).
 * Kept readable in a shared link; a tag that itself ends in " @ <run>" is too unlikely to matter.
 */
export function runCardKey(tag: string, run: string): string {
  return `${tag} @ ${run}`;
}

/**
 * A file name for a downloaded item: `<tag>_step<step>[_<index>].<ext>`, with characters that file
 * systems refuse (and path separators) replaced by `_`.
 */
export function downloadName(tag: string, step: number, index: number, count: number, ext: string): string {
  const safeTag = tag.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/^[._]+|_+$/g, '') || 'item';
  const safeExt = ext.replace(/[^a-z0-9]/gi, '').toLowerCase() || 'bin';
  const sample = count > 1 ? `_${index}` : '';
  return `${safeTag}_step${step}${sample}.${safeExt}`;
}
