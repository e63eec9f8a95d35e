/**
 * What the side panel shows about the selected box: a node's op, device, attributes, inputs and consumers
 * with their tensor shapes, output shapes, stats and parameters; a scope's or series' size, ops, devices and
 * summed stats; and the breadcrumbs leading to either. Pure (runs in the layout worker).
 */
import { type Hierarchy, ROOT_ID, leafId, groupId, trail } from './hierarchy';
import { type GraphModel, formatShape, parseInput, shapeOf } from './model';
import type { Crumb, Details, GroupDetails, NodeDetails, NodeLink } from './protocol';
import type { ItemAggregate } from './scene';

/** The most inputs or consumers listed for one node (a hub like `init` can have thousands). */
export const MAX_LINKS = 200;

export function crumbs(h: Hierarchy, id: string): Crumb[] {
  return trail(h, id).map((it) => ({
    id: it.id,
    label: it.kind === 'leaf' && it.owner ? `(${it.label})` : it.label || '(empty)',
  }));
}

export function nodeDetails(h: Hierarchy, m: GraphModel, index: number): NodeDetails {
  const n = m.nodes[index]!;
  const inputs: NodeLink[] = n.inputs.slice(0, MAX_LINKS).map((raw, k) => {
    const ref = parseInput(raw);
    const src = n.sources[k] ?? -1;
    const producer = src >= 0 ? m.nodes[src]! : null;
    return {
      id: producer ? leafId(src) : null,
      name: producer ? producer.name : ref.name,
      control: ref.control,
      shape: producer && !ref.control ? formatShape(shapeOf(producer, ref.output ?? -1)) : null,
    };
  });
  const outputs: NodeLink[] = [];
  let outputCount = 0;
  for (let e = 0; e < m.edgeSrc.length; e++) {
    if (m.edgeSrc[e] !== index) continue;
    outputCount++;
    if (outputs.length >= MAX_LINKS) continue;
    const d = m.edgeDst[e]!;
    const control = m.edgeControl[e] === 1;
    outputs.push({
      id: leafId(d),
      name: m.nodes[d]!.name,
      control,
      shape: control ? null : formatShape(shapeOf(n, m.edgeOut[e]!)),
    });
  }
  const calls: { id: string; name: string }[] = [];
  for (const v of Object.values(n.attrs ?? {})) {
    const fn = typeof v === 'string' && v.startsWith('func ') ? v.slice(5) : null;
    const scope = fn !== null ? m.functionScopes.get(fn) : undefined;
    if (fn !== null && scope !== undefined && h.items.has(groupId(scope))) calls.push({ id: groupId(scope), name: fn });
  }
  return {
    kind: 'leaf',
    id: leafId(index),
    name: n.name,
    op: n.op,
    device: n.device,
    attrs: Object.entries(n.attrs ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    inputs,
    inputCount: n.inputs.length,
    outputs,
    outputCount,
    outputShapes: (n.outputShapes ?? []).map((s) => formatShape(s) ?? 'unknown'),
    stats: n.stats,
    params: n.params,
    trail: crumbs(h, leafId(index)),
    calls,
  };
}

export function groupDetails(
  h: Hierarchy,
  m: GraphModel,
  agg: Map<string, ItemAggregate>,
  id: string,
): GroupDetails | null {
  const it = h.items.get(id);
  if (!it || (it.kind !== 'group' && it.kind !== 'series')) return null;
  const ops = new Map<string, number>();
  const devices = new Map<string, number>();
  const stack = [id];
  while (stack.length) {
    const cur = h.items.get(stack.pop()!)!;
    if (cur.kind === 'leaf') {
      const n = m.nodes[cur.node]!;
      ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
      if (n.device) devices.set(n.device, (devices.get(n.device) ?? 0) + 1);
    } else stack.push(...cur.children);
  }
  const top = (c: Map<string, number>) =>
    [...c.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 12);
  const a = agg.get(id);
  return {
    kind: it.kind,
    id,
    name: it.path,
    label: it.label,
    nodes: it.leafCount,
    children: it.children.length,
    fn: !!it.fn,
    part: !!it.part,
    ops: top(ops),
    devices: top(devices),
    compute: a?.compute ?? null,
    memory: a?.memory ?? null,
    trail: crumbs(h, id),
  };
}

export function details(h: Hierarchy, m: GraphModel, agg: Map<string, ItemAggregate>, id: string): Details | null {
  if (id === ROOT_ID) return null;
  const it = h.items.get(id);
  if (!it) return null;
  return it.kind === 'leaf' ? nodeDetails(h, m, it.node) : groupDetails(h, m, agg, id);
}
