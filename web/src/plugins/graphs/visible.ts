/**
 * What is on screen for a set of expanded scopes: the boxes (nodes, and scopes and series drawn collapsed),
 * the expanded scopes that contain them, and the edges between boxes. Every edge of the graph is drawn
 * from the box that holds its producer to the box that holds its consumer; edges inside one box are hidden
 * and parallel ones are merged into one, with their count. Only this part of the graph is laid out, so a
 * 20,000-node graph lays out its top level only. Pure.
 */
import { type Hierarchy, ROOT_ID, groupId } from './hierarchy';
import { type GraphModel, formatShape, shapeOf } from './model';

export interface AggEdge {
  id: string;
  src: string;
  dst: string;
  /** Graph edges merged into this one. */
  count: number;
  /** How many of them are control dependencies. */
  control: number;
  /** The tensor shape when every data edge carries the same one, else null. */
  shape: string | null;
  /** A function call: from the calling node to the function's body. */
  call?: boolean;
}

export interface VisibleGraph {
  /** Boxes: nodes, and scopes or series drawn collapsed, in the hierarchy's order. */
  atoms: string[];
  /** Expanded scopes and series (not the root), parents before children. */
  containers: string[];
  edges: AggEdge[];
  /** Per node index, the box it is drawn in. */
  boxOf: string[];
}

export function visibleGraph(h: Hierarchy, m: GraphModel, expanded: ReadonlySet<string>): VisibleGraph {
  const atoms: string[] = [];
  const containers: string[] = [];
  const boxOf: string[] = new Array<string>(m.nodes.length);

  const under = (id: string, box: string) => {
    const stack = [id];
    while (stack.length) {
      const it = h.items.get(stack.pop()!)!;
      if (it.kind === 'leaf') boxOf[it.node] = box;
      else for (const c of it.children) stack.push(c);
    }
  };
  const visit = (id: string) => {
    const it = h.items.get(id)!;
    if (it.kind === 'leaf') {
      atoms.push(id);
      boxOf[it.node] = id;
      return;
    }
    if (expanded.has(id) && it.children.length) {
      containers.push(id);
      for (const c of it.children) visit(c);
      return;
    }
    atoms.push(id);
    under(id, id);
  };
  for (const c of h.items.get(ROOT_ID)!.children) visit(c);

  const byKey = new Map<string, AggEdge & { shapeSeen: boolean }>();
  const n = m.edgeSrc.length;
  for (let e = 0; e < n; e++) {
    const s = m.edgeSrc[e]!;
    const a = boxOf[s];
    const b = boxOf[m.edgeDst[e]!];
    if (a === undefined || b === undefined || a === b) continue;
    const key = `${a}\u0000${b}`;
    let agg = byKey.get(key);
    if (!agg)
      byKey.set(
        key,
        (agg = { id: `e${byKey.size}`, src: a, dst: b, count: 0, control: 0, shape: null, shapeSeen: false }),
      );
    agg.count++;
    if (m.edgeControl[e]) {
      agg.control++;
      continue;
    }
    const shape = formatShape(shapeOf(m.nodes[s]!, m.edgeOut[e]!));
    if (!agg.shapeSeen) {
      agg.shape = shape;
      agg.shapeSeen = true;
    } else if (agg.shape !== shape) agg.shape = null;
  }
  const edges: AggEdge[] = [...byKey.values()].map(({ shapeSeen: _, ...e }) => e);
  for (const [node, scope] of m.calls) {
    const a = boxOf[node];
    const b = groupId(scope);
    const fn = h.items.get(b);
    if (a === undefined || !fn || a === b) continue;
    const key = `${a}\u0000${b}\u0000call`;
    if (byKey.has(key)) continue;
    byKey.set(key, {
      id: `c${byKey.size}`,
      src: a,
      dst: b,
      count: 1,
      control: 0,
      shape: null,
      shapeSeen: true,
      call: true,
    });
    edges.push({ id: `c${byKey.size}`, src: a, dst: b, count: 1, control: 0, shape: null, call: true });
  }
  return { atoms, containers, edges, boxOf };
}

/** An edge's label: its shape, and how many edges it stands for. */
export function edgeLabel(e: Pick<AggEdge, 'count' | 'control' | 'shape' | 'call'>): string | null {
  if (e.call) return 'calls';
  const data = e.count - e.control;
  if (data === 0) return null;
  if (e.count === 1) return e.shape;
  const tensors = `${data} ${data === 1 ? 'tensor' : 'tensors'}`;
  return e.shape ? `${e.shape} ×${data}` : tensors;
}
