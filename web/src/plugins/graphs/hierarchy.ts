/**
 * The scope hierarchy of a graph: node names split on "/" into nested groups (TensorFlow's name scopes,
 * PyTorch's module paths, Keras' nested models). A node whose name is also a scope (`mul` beside `mul/y`)
 * sits inside that scope. Built once per graph in the layout worker; `series.ts` then folds repeated
 * siblings into series. Pure.
 */

export type ItemKind = 'root' | 'group' | 'series' | 'leaf';

export interface HItem {
  /**
   * `n:<node index>` for a node, `g:<scope path>` for a scope, `s:…` for a series, `p:…` for a part of a crowded
   * scope, `g:` for the root.
   */
  id: string;
  kind: ItemKind;
  /** The last segment of the name (a series: its members' common pattern). */
  label: string;
  /** The scope path (a node: its full name). */
  path: string;
  parent: string | null;
  children: string[];
  /** A node's index, else -1. */
  node: number;
  /** Nodes under the item (1 for a node). */
  leafCount: number;
  depth: number;
  /** A scope holding a function's body. */
  fn?: boolean;
  /** A node shown inside the scope of its own name. */
  owner?: boolean;
  /** Not a scope of the graph: a part of a scope with too many children to draw at once. */
  part?: boolean;
  series?: SeriesInfo;
}

export interface SeriesInfo {
  prefix: string;
  suffix: string;
  /** The members' numbers, in the members' order. */
  numbers: number[];
  of: 'group' | 'leaf';
}

export interface Hierarchy {
  items: Map<string, HItem>;
  root: HItem;
}

export const ROOT_ID = 'g:';

export function leafId(node: number): string {
  return `n:${node}`;
}

export function groupId(path: string): string {
  return `g:${path}`;
}

/** Scopes: every proper prefix of a name at a "/". Function bodies' scopes are marked `fn`. */
export function buildHierarchy(names: readonly string[], functionScopes: Iterable<string> = []): Hierarchy {
  const fns = new Set(functionScopes);
  const root: HItem = {
    id: ROOT_ID,
    kind: 'root',
    label: '',
    path: '',
    parent: null,
    children: [],
    node: -1,
    leafCount: 0,
    depth: 0,
  };
  const items = new Map<string, HItem>([[ROOT_ID, root]]);
  const scopes = new Set<string>();
  for (const name of names) {
    for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) if (i > 0) scopes.add(name.slice(0, i));
  }

  const ensureGroup = (path: string): HItem => {
    if (path === '') return root;
    const id = groupId(path);
    const found = items.get(id);
    if (found) return found;
    const cut = path.lastIndexOf('/');
    const parent = ensureGroup(cut > 0 ? path.slice(0, cut) : '');
    const g: HItem = {
      id,
      kind: 'group',
      label: path.slice(cut + 1),
      path,
      parent: parent.id,
      children: [],
      node: -1,
      leafCount: 0,
      depth: 0,
    };
    if (fns.has(path)) g.fn = true;
    items.set(id, g);
    parent.children.push(id);
    return g;
  };

  names.forEach((name, i) => {
    const owner = scopes.has(name);
    const cut = name.lastIndexOf('/');
    const parent = owner ? ensureGroup(name) : ensureGroup(cut > 0 ? name.slice(0, cut) : '');
    const leaf: HItem = {
      id: leafId(i),
      kind: 'leaf',
      label: name.slice(cut + 1),
      path: name,
      parent: parent.id,
      children: [],
      node: i,
      leafCount: 1,
      depth: 0,
    };
    if (owner) leaf.owner = true;
    items.set(leaf.id, leaf);
    parent.children.push(leaf.id);
  });
  const h = { items, root };
  finalize(h);
  return h;
}

/** Recompute depths and node counts (after the tree changed shape). */
export function finalize(h: Hierarchy): void {
  const visit = (item: HItem, depth: number): number => {
    item.depth = depth;
    if (item.kind === 'leaf') return (item.leafCount = 1);
    let n = 0;
    for (const c of item.children) n += visit(h.items.get(c)!, depth + 1);
    return (item.leafCount = n);
  };
  visit(h.root, 0);
}

/** The scopes and series holding an item, outermost first (not the root, not the item). */
export function ancestors(h: Hierarchy, id: string): string[] {
  const out: string[] = [];
  let p = h.items.get(id)?.parent ?? null;
  while (p !== null && p !== ROOT_ID) {
    out.push(p);
    p = h.items.get(p)?.parent ?? null;
  }
  return out.reverse();
}

/** Items that can be expanded: scopes and series. */
export function isContainer(item: HItem | undefined): boolean {
  return item !== undefined && (item.kind === 'group' || item.kind === 'series');
}

/** The path shown for an item in breadcrumbs: the root's children first. */
export function trail(h: Hierarchy, id: string): HItem[] {
  return [...ancestors(h, id), id].map((a) => h.items.get(a)!).filter(Boolean);
}

/** The scope that is the whole graph (a Keras model under its name), if the root holds nothing else. */
export function soleScope(h: Hierarchy): string | null {
  const [first, ...rest] = h.root.children;
  const only = first !== undefined && rest.length === 0 ? h.items.get(first) : undefined;
  return only?.kind === 'group' ? only.id : null;
}

/** More children than this in one scope are split into parts (ELK's layered layout grows faster than linearly). */
export const MAX_CHILDREN = 400;

/**
 * Split scopes with more than `max` children (a graph without name scopes, a huge flat scope) into parts of
 * consecutive children in graph order (which is mostly the order data flows), each drawn as a collapsed box
 * `(part 3 of 50)`; parts of parts when even they are too many. Returns how many parts were made.
 */
export function splitCrowded(h: Hierarchy, max = MAX_CHILDREN): number {
  let made = 0;
  const split = (parent: HItem) => {
    const n = parent.children.length;
    if (n <= max) return;
    const count = Math.min(Math.ceil(n / max), max);
    const size = Math.ceil(n / count);
    const total = Math.ceil(n / size);
    const parts: HItem[] = [];
    for (let i = 0, k = 0; i < n; i += size, k++) {
      const id = `p:${parent.id}#${k}`;
      const children = parent.children.slice(i, i + size);
      const label = `(part ${k + 1} of ${total})`;
      const part: HItem = {
        id,
        kind: 'group',
        label,
        path: parent.path ? `${parent.path}/${label}` : label,
        parent: parent.id,
        children,
        node: -1,
        leafCount: 0,
        depth: 0,
        part: true,
      };
      for (const c of children) h.items.get(c)!.parent = id;
      h.items.set(id, part);
      parts.push(part);
      made++;
    }
    parent.children = parts.map((p) => p.id);
    for (const p of parts) split(p);
  };
  for (const it of [...h.items.values()]) if (it.kind !== 'leaf' && it.children.length > max) split(it);
  finalize(h);
  return made;
}
