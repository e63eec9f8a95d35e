/**
 * Finding nodes by name for the search box: every node of the graph, whether or not its scope is expanded.
 * Best first: the exact name, then names whose last segment starts with the query, names starting with it,
 * last segments containing it, names containing it; shorter names first within each rank. Case-insensitive.
 * Pure (runs in the layout worker over the lower-cased names it keeps).
 */

export interface NameMatch {
  index: number;
  /** Where the query matched in the name. */
  at: [number, number];
}

export function searchNames(lower: readonly string[], query: string, limit: number): NameMatch[] {
  const q = query.trim().toLowerCase();
  if (!q || limit <= 0) return [];
  const ranks: NameMatch[][] = [[], [], [], [], []];
  for (let i = 0; i < lower.length; i++) {
    const name = lower[i]!;
    const at = name.indexOf(q);
    if (at < 0) continue;
    const slash = name.lastIndexOf('/');
    const lastAt = name.indexOf(q, slash + 1);
    let rank: number;
    let where = at;
    if (name === q) rank = 0;
    else if (lastAt === slash + 1) {
      rank = 1;
      where = lastAt;
    } else if (at === 0) rank = 2;
    else if (lastAt >= 0) {
      rank = 3;
      where = lastAt;
    } else rank = 4;
    ranks[rank]!.push({ index: i, at: [where, where + q.length] });
  }
  const out: NameMatch[] = [];
  for (const bucket of ranks) {
    bucket.sort((a, b) => lower[a.index]!.length - lower[b.index]!.length || a.index - b.index);
    for (const m of bucket) {
      if (out.length >= limit) return out;
      out.push(m);
    }
  }
  return out;
}
