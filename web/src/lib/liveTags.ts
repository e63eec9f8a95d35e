/**
 * Which live updates change a dashboard's tag list: a tag of its kind that a run did not have before, or a
 * new run. Updates of known (run, tag) pairs only grow series, which the cards follow themselves.
 */
import type { TagInfo, UpdateEvent } from './api';

/** The (run, tag) pairs of a tag list, as keys for `bringsNewTags`. */
export function pairKeys(tags: readonly TagInfo[]): Set<string> {
  return new Set(tags.flatMap((t) => t.runs.map((run) => `${run}\u0000${t.tag}`)));
}

export function bringsNewTags(ev: UpdateEvent, kind: string, known: ReadonlySet<string>): boolean {
  return ev.new_runs || ev.tags.some((t) => t.kind === kind && !known.has(`${t.run}\u0000${t.tag}`));
}
