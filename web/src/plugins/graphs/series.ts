/**
 * Repeated structures: sibling scopes that differ only by a number in their names (`layer_0` … `layer_23`,
 * `Linear[0]` … `Linear[3]`, TensorFlow's `dense`, `dense_1`, `dense_2`) and have the same inner structure
 * are folded into one series item, drawn as one stacked box and expandable like a scope. Runs of numbered
 * nodes of one op (`Const_1` … `Const_40`) are folded the same way. Works on a hierarchy from
 * `hierarchy.ts`, in the layout worker. Pure.
 */
import { type HItem, type Hierarchy, finalize } from './hierarchy';

export interface SeriesOptions {
  /** Fewest sibling scopes that make a series. */
  minGroups: number;
  /** Fewest sibling nodes of one op that make a series. */
  minLeaves: number;
}

export const DEFAULT_SERIES: SeriesOptions = { minGroups: 3, minLeaves: 5 };

/** A 53-bit string hash (cyrb53): signatures are compared as numbers. */
export function hashString(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Numbers in names stand for any number: `dense_3` inside `block_1` matches `dense_7` inside `block_2`. */
function normalise(label: string): string {
  return label.replace(/\d+/g, '#');
}

/**
 * Each scope's structural signature: equal for scopes whose trees have the same shape, the same names (up to
 * numbers) and the same ops. A node's signature is its op's.
 */
export function signatures(h: Hierarchy, ops: readonly string[]): Map<string, number> {
  const sig = new Map<string, number>();
  const visit = (item: HItem): number => {
    if (item.kind === 'leaf') {
      const s = hashString(`L${ops[item.node] ?? ''}`);
      sig.set(item.id, s);
      return s;
    }
    const parts = item.children.map((c) => {
      const child = h.items.get(c)!;
      const s = visit(child);
      return `${child.kind === 'leaf' ? 'L' : 'G'}${child.owner ? '!' : ''}${normalise(child.label)}:${s}`;
    });
    parts.sort();
    const s = hashString(parts.join('|'));
    sig.set(item.id, s);
    return s;
  };
  visit(h.root);
  return sig;
}

const NUMBERED = /^(.*?)(\d+)(\D*)$/;

/** Members' numbers as people read them: `0–23`, `1–5, 7, 9–12`, or for scattered numbers `1…79 (40)`. */
export function formatNumbers(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  if (runs.length <= 3) return runs.join(', ');
  return `${sorted[0]}…${sorted[sorted.length - 1]} (${sorted.length})`;
}

export function seriesLabel(prefix: string, suffix: string, numbers: readonly number[]): string {
  const nums = formatNumbers(numbers);
  return prefix.endsWith('[') ? `${prefix}${nums}${suffix}` : `${prefix}[${nums}]${suffix}`;
}

interface Bucket {
  prefix: string;
  suffix: string;
  of: 'group' | 'leaf';
  members: { id: string; n: number }[];
}

/** Fold repeated siblings into series items (in place); returns how many series were made. */
export function detectSeries(h: Hierarchy, ops: readonly string[], opts: SeriesOptions = DEFAULT_SERIES): number {
  const sig = signatures(h, ops);
  const parents = [...h.items.values()].filter((i) => i.kind === 'root' || i.kind === 'group');
  let made = 0;
  for (const parent of parents) {
    const buckets = new Map<string, Bucket>();
    const keyOf = (c: HItem, prefix: string, suffix: string) =>
      `${c.kind === 'leaf' ? 'L' : 'G'}\u0001${prefix}\u0001${suffix}\u0001${c.kind === 'leaf' ? ops[c.node] : sig.get(c.id)}`;
    const unnumbered: HItem[] = [];
    for (const cid of parent.children) {
      const c = h.items.get(cid)!;
      if (c.owner || (c.kind !== 'leaf' && c.kind !== 'group')) continue;
      const m = NUMBERED.exec(c.label);
      if (!m) {
        unnumbered.push(c);
        continue;
      }
      const key = keyOf(c, m[1]!, m[3]!);
      let b = buckets.get(key);
      if (!b)
        buckets.set(key, (b = { prefix: m[1]!, suffix: m[3]!, of: c.kind === 'leaf' ? 'leaf' : 'group', members: [] }));
      b.members.push({ id: cid, n: Number(m[2]) });
    }
    // TensorFlow names the first of a kind without a number: `dense`, then `dense_1`, `dense_2`.
    for (const c of unnumbered) buckets.get(keyOf(c, `${c.label}_`, ''))?.members.push({ id: c.id, n: 0 });

    let k = 0;
    for (const b of buckets.values()) {
      if (b.members.length < (b.of === 'group' ? opts.minGroups : opts.minLeaves)) continue;
      b.members.sort((x, y) => x.n - y.n);
      const numbers = b.members.map((m) => m.n);
      const label = seriesLabel(b.prefix, b.suffix, numbers);
      const id = `s:${parent.path}/${b.prefix}*${b.suffix}#${k++}`;
      const series: HItem = {
        id,
        kind: 'series',
        label,
        path: parent.path ? `${parent.path}/${label}` : label,
        parent: parent.id,
        children: b.members.map((m) => m.id),
        node: -1,
        leafCount: 0,
        depth: 0,
        series: { prefix: b.prefix, suffix: b.suffix, numbers, of: b.of },
      };
      h.items.set(id, series);
      const memberSet = new Set(series.children);
      const at = parent.children.findIndex((c) => memberSet.has(c));
      const kept = parent.children.filter((c) => !memberSet.has(c));
      kept.splice(Math.min(at, kept.length), 0, id);
      parent.children = kept;
      for (const m of b.members) h.items.get(m.id)!.parent = id;
      made++;
    }
  }
  finalize(h);
  return made;
}
