/**
 * Pure logic for listings of blob items per step (what `api/images` and `api/audio` return, used by the
 * Images and Audio cards): a listing grown by live updates, its steps and wall times for a slider, the
 * sample chosen in a batch, and names for downloads. `app/useListings` fetches the listings.
 */
import type { BlobStep } from './api';

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

/** A sample index kept within a step's batch of `count` items (0 when there are none). */
export function clampSample(index: number, count: number): number {
  if (count <= 0 || !Number.isFinite(index)) return 0;
  return Math.min(Math.max(0, Math.trunc(index)), count - 1);
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
