/**
 * Tags grouped into the dashboard's collapsible sections.
 *
 * A tag's group is its text before the first `/` (`layer1/weights` → `layer1`). Tags with no prefix
 * (Keras writes `epoch_loss`, `epoch_accuracy`…) all go into one section shown first, rather than a
 * section each: a section of one card per row would waste the width and bury the grid.
 * Sections and tags are in natural order (`layer2` before `layer10`).
 */

export const UNGROUPED = '';

export interface TagGroup<T> {
  /** The prefix, or UNGROUPED for tags without one. */
  name: string;
  items: T[];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function compareNatural(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function groupName(tag: string): string {
  const i = tag.indexOf('/');
  // A leading slash ("/loss") has no real prefix.
  if (i <= 0) return UNGROUPED;
  return tag.slice(0, i);
}

export function groupTags<T>(items: readonly T[], tagOf: (item: T) => string): TagGroup<T>[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const g = groupName(tagOf(item));
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(item);
  }
  const out: TagGroup<T>[] = [];
  for (const [name, list] of groups) {
    list.sort((a, b) => compareNatural(tagOf(a), tagOf(b)));
    out.push({ name, items: list });
  }
  out.sort((a, b) => {
    if (a.name === UNGROUPED) return -1;
    if (b.name === UNGROUPED) return 1;
    return compareNatural(a.name, b.name);
  });
  return out;
}
