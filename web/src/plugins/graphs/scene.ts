/**
 * From the visible part of a graph to a drawing: each box's text and size, the ELK graph handed to ELK's
 * layered algorithm (expanded scopes as compound nodes, edges in their lowest common scope), and the laid-out
 * result read back as a scene of absolute boxes and SVG paths, which the main thread draws as it is. Pure: the
 * worker runs ELK between `elkGraph` and `readScene`.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { type HItem, type Hierarchy, ROOT_ID } from './hierarchy';
import { type GraphModel, computeMicros, formatShape, memoryBytes } from './model';
import { type AggEdge, type VisibleGraph, edgeLabel } from './visible';

export type BoxKind = 'leaf' | 'group' | 'series';

export interface SceneItem {
  id: string;
  kind: BoxKind;
  expanded: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
  depth: number;
  /** The box's text: the name first, then details (op, size, shape, parameters). */
  lines: string[];
  /** The full name (a node's) or scope path, for the tooltip. */
  name: string;
  /** A node's index, else -1. */
  node: number;
  fn: boolean;
  /** What colours the box: a node's op, the device most of its nodes run on, summed stats. */
  op: string | null;
  device: string | null;
  compute: number | null;
  memory: number | null;
}

export interface SceneEdge {
  id: string;
  src: string;
  dst: string;
  /** SVG path data. */
  d: string;
  count: number;
  /** Every merged edge is a control dependency (drawn dashed). */
  control: boolean;
  /** A function call (drawn dotted). */
  call: boolean;
  /** A short exit to (or entry from) the side of a scope, standing for an edge leaving (entering) it. */
  stub: boolean;
  label: string | null;
  lx: number;
  ly: number;
  /** Stroke width: thicker for more merged edges. */
  width: number;
  /** Bounding box (for drawing only what is in view). */
  box: [number, number, number, number];
}

export interface Scene {
  items: SceneItem[];
  edges: SceneEdge[];
  width: number;
  height: number;
}

/** What the worker keeps per item: device, stats sums (computed once per graph). */
export interface ItemAggregate {
  device: string | null;
  compute: number | null;
  memory: number | null;
}

export function aggregates(h: Hierarchy, m: GraphModel): Map<string, ItemAggregate> {
  const out = new Map<string, ItemAggregate>();
  const visit = (it: HItem): { devices: Map<string, number>; compute: number | null; memory: number | null } => {
    if (it.kind === 'leaf') {
      const n = m.nodes[it.node]!;
      const devices = new Map<string, number>(n.device ? [[n.device, 1]] : []);
      const r = { devices, compute: computeMicros(n), memory: memoryBytes(n) };
      out.set(it.id, { device: n.device || null, compute: r.compute, memory: r.memory });
      return r;
    }
    const devices = new Map<string, number>();
    let compute: number | null = null;
    let memory: number | null = null;
    for (const c of it.children) {
      const r = visit(h.items.get(c)!);
      for (const [d, k] of r.devices) devices.set(d, (devices.get(d) ?? 0) + k);
      if (r.compute !== null) compute = (compute ?? 0) + r.compute;
      if (r.memory !== null) memory = (memory ?? 0) + r.memory;
    }
    let device: string | null = null;
    let best = 0;
    for (const [d, k] of devices) if (k > best) [device, best] = [d, k];
    out.set(it.id, { device, compute, memory });
    return { devices, compute, memory };
  };
  visit(h.root);
  return out;
}

// ---- text and sizes -----------------------------------------------------------------------------------

/** A text's width in pixels in one of the box fonts: the first line (`main`, bold for scopes) or details. */
export type Measure = (text: string, font: TextFont) => number;
export type TextFont = 'main' | 'bold' | 'small';

const CHAR_W: Record<TextFont, number> = { main: 7.0, bold: 7.5, small: 6.3 };

/** Widths from average character sizes (where no canvas can measure text, as in tests). */
export const estimate: Measure = (text, font) => text.length * CHAR_W[font];

export const FONT_STACK =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif";
export const CSS_FONTS: Record<TextFont, string> = {
  main: `500 12px ${FONT_STACK}`,
  bold: `600 12px ${FONT_STACK}`,
  small: `11px ${FONT_STACK}`,
};

/** Fit a line into `max` pixels, cutting it in the middle. */
export function fitLine(text: string, max: number, font: TextFont, measure: Measure): string {
  if (measure(text, font) <= max) return text;
  let n = Math.floor((text.length * max) / measure(text, font));
  let out = truncateMiddle(text, Math.max(2, n));
  while (n > 2 && measure(out, font) > max) out = truncateMiddle(text, --n);
  return out;
}
const PAD_X = 12;
const LINE_H = 15;
const MAX_W = 280;
const MIN_W = 56;
export const HEADER_H = 30; // an expanded scope's title bar
export const CONTAINER_PAD = 12;

/** Cut a long name in the middle, keeping its start and its (often numbered) end. */
export function truncateMiddle(s: string, max: number): string {
  if (s.length <= max) return s;
  const keep = max - 1;
  const head = Math.ceil(keep * 0.6);
  return `${s.slice(0, head)}…${s.slice(s.length - (keep - head))}`;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** The op, unless the name already says it (`MatMul_1` of op MatMul). */
function opLine(label: string, op: string): string | null {
  if (!op) return null;
  const bare = label.replace(/_\d+$/, '').toLowerCase();
  return bare === op.toLowerCase() ? null : op;
}

export function fontOf(kind: BoxKind, line: number): TextFont {
  return line > 0 ? 'small' : kind === 'leaf' ? 'main' : 'bold';
}

export function boxLines(m: GraphModel, it: HItem, measure: Measure = estimate): string[] {
  const kind: BoxKind = it.kind === 'leaf' ? 'leaf' : it.kind === 'series' ? 'series' : 'group';
  const keras = m.kind === 'keras';
  const lines: string[] = [];
  const name = it.label || '(empty)';
  if (it.kind === 'leaf') {
    const n = m.nodes[it.node]!;
    lines.push(it.owner ? `(${name})` : name);
    if (keras) {
      if (n.op) lines.push(n.op);
      const shape = formatShape(n.outputShapes?.[0] ?? null);
      if (shape) lines.push(`→ ${shape}`);
      if (n.params) lines.push(`${formatCount(n.params)} params`);
    } else {
      const op = opLine(name, n.op);
      if (op) lines.push(op);
    }
  } else if (it.kind === 'series') {
    lines.push(name);
    lines.push(`${it.children.length}× · ${formatCount(it.leafCount)} ${noun(keras, it.leafCount)}`);
  } else {
    lines.push(name);
    const what = it.fn ? 'function · ' : it.part ? 'in graph order · ' : keras ? 'model · ' : '';
    lines.push(`${what}${formatCount(it.leafCount)} ${noun(keras, it.leafCount)}`);
  }
  const room = MAX_W - 2 * PAD_X - (kind === 'leaf' ? 0 : MARK_W);
  return lines.map((l, i) => fitLine(l, room, fontOf(kind, i), measure));
}

function noun(keras: boolean, n: number): string {
  return keras ? (n === 1 ? 'layer' : 'layers') : n === 1 ? 'node' : 'nodes';
}

/** Room for the "+" in a collapsed scope's corner. */
const MARK_W = 14;

export function boxSize(
  lines: readonly string[],
  kind: BoxKind,
  measure: Measure = estimate,
): { w: number; h: number } {
  let w = 0;
  lines.forEach((l, i) => (w = Math.max(w, measure(l, fontOf(kind, i)))));
  const extra = kind === 'series' ? 6 : 0; // the stacked look
  const mark = kind === 'leaf' ? 0 : MARK_W;
  return {
    w: Math.round(Math.min(MAX_W, Math.max(MIN_W, w + 2 * PAD_X + mark)) + extra),
    h: Math.round(10 + LINE_H * lines.length + (kind === 'leaf' ? 0 : 4) + extra),
  };
}

// ---- ELK graph --------------------------------------------------------------------------------------------

/**
 * ELK's options for one scope's layout. Network-simplex node placement straightens edges best but can take
 * minutes when many edges span many layers (it works on a dummy node per layer crossed), so it is kept for
 * small, sparse scopes; the rest get Brandes-Köpf, and big scopes a lighter crossing minimisation.
 */
export function layoutOptions(children: number, edges = 0): Record<string, string> {
  const big = children > 100 || edges > 250 || edges > 2.5 * children;
  const simplex = children <= 40 && edges <= 1.5 * children + 4;
  return {
    'elk.algorithm': 'layered',
    'elk.direction': 'DOWN',
    'elk.edgeRouting': 'SPLINES',
    'elk.layered.edgeRouting.splines.mode': 'CONSERVATIVE',
    'elk.layered.spacing.nodeNodeBetweenLayers': '34',
    'elk.spacing.nodeNode': '16',
    'elk.spacing.edgeNode': '10',
    'elk.spacing.edgeEdge': '6',
    'elk.spacing.componentComponent': '28',
    'elk.layered.nodePlacement.strategy': simplex ? 'NETWORK_SIMPLEX' : 'BRANDES_KOEPF',
    'elk.layered.thoroughness': big ? '1' : '5',
    'elk.layered.considerModelOrder.strategy': big ? 'NONE' : 'NODES_AND_EDGES',
    'elk.json.shapeCoords': 'ROOT',
    'elk.json.edgeCoords': 'ROOT',
  };
}

/**
 * The part of one or more aggregated edges drawn within one layout: `src` and `dst` are box or scope ids (a
 * scope's side of a border crossing is its port); parallel parts in one layout are merged, as `AggEdge`s are.
 */
export interface Segment extends AggEdge {
  /** The expanded scope (or root) whose layout holds the segment. */
  container: string;
  /** The part between the two siblings the edge joins (labelled); the others run to a scope's border. */
  main: boolean;
  /** Left out of its scope's layout (it would cross too many layers) and drawn straight to the port. */
  stub: boolean;
}

export interface BuiltGraph {
  graph: ElkNode;
  /** Per box or container: its lines (kept for reading the scene back). */
  lines: Map<string, string[]>;
  segments: Map<string, Segment>;
}

/** Border segments × children of a scope above which border segments are drawn as stubs. */
const MAX_BORDER_WORK = 2500;

export const inPort = (id: string) => `${id}\u0000in`;
export const outPort = (id: string) => `${id}\u0000out`;

/**
 * Each expanded scope is laid out on its own (ELK's default, bottom-up): a long edge crossing many layers of
 * an outer scope would otherwise become hundreds of dummy nodes. An edge that crosses scope borders is cut
 * into segments meeting at the scopes' ports: one input port on top and one output port at the bottom of each
 * expanded scope. Segments shared by several edges are merged.
 */
export function elkGraph(h: Hierarchy, m: GraphModel, vis: VisibleGraph, measure: Measure = estimate): BuiltGraph {
  const lines = new Map<string, string[]>();
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = { id: ROOT_ID, layoutOptions: layoutOptions(h.root.children.length), children: [], edges: [] };
  nodes.set(ROOT_ID, root);
  const expanded = new Set(vis.containers);
  for (const id of vis.containers) {
    const it = h.items.get(id)!;
    const l = boxLines(m, it, measure);
    lines.set(id, l);
    const title = measure(l[0]!, 'bold') + (l[1] ? measure(l[1], 'small') + 8 : 0) + 44;
    const node: ElkNode = {
      id,
      children: [],
      edges: [],
      ports: [
        { id: inPort(id), width: 1, height: 1, layoutOptions: { 'elk.port.side': 'NORTH' } },
        { id: outPort(id), width: 1, height: 1, layoutOptions: { 'elk.port.side': 'SOUTH' } },
      ],
      layoutOptions: {
        ...layoutOptions(it.children.length),
        'elk.portConstraints': 'FIXED_SIDE',
        'elk.padding': `[top=${HEADER_H},left=${CONTAINER_PAD},bottom=${CONTAINER_PAD},right=${CONTAINER_PAD}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${Math.round(title)}, 60)`,
      },
    };
    nodes.set(id, node);
    nodes.get(it.parent!)!.children!.push(node);
  }
  for (const id of vis.atoms) {
    const it = h.items.get(id)!;
    const l = boxLines(m, it, measure);
    lines.set(id, l);
    const kind = it.kind === 'leaf' ? 'leaf' : it.kind === 'series' ? 'series' : 'group';
    const size = boxSize(l, kind, measure);
    const node: ElkNode = { id, width: size.w, height: size.h };
    nodes.set(id, node);
    nodes.get(it.parent!)!.children!.push(node);
  }

  // Per box: the expanded scopes holding it, innermost first, ending with the root.
  const chains = new Map<string, string[]>();
  const chainOf = (id: string) => {
    let c = chains.get(id);
    if (!c) {
      c = [];
      for (let p = h.items.get(id)!.parent; p !== null; p = h.items.get(p)!.parent)
        if (p === ROOT_ID || expanded.has(p)) c.push(p);
      chains.set(id, c);
    }
    return c;
  };
  const segments = new Map<string, Segment>();
  const addSegment = (container: string, src: string, dst: string, e: AggEdge, main: boolean) => {
    const id = `${container}\u0001${src}\u0001${dst}${e.call ? '\u0001call' : ''}`;
    let s = segments.get(id);
    if (!s) {
      segments.set(
        id,
        (s = { id, container, src, dst, count: 0, control: 0, shape: e.shape, main, stub: false, call: e.call }),
      );
    } else if (s.shape !== e.shape) s.shape = null;
    s.count += e.count;
    s.control += e.control;
  };
  for (const e of vis.edges) {
    const a = chainOf(e.src);
    const b = chainOf(e.dst);
    const bSet = new Set(b);
    const li = a.findIndex((p) => bSet.has(p));
    const lca = li >= 0 ? a[li]! : ROOT_ID;
    // Out through the borders on the producer's side...
    let from = e.src;
    for (const x of a.slice(0, li >= 0 ? li : a.length)) {
      addSegment(x, from, outPort(x), e, false);
      from = outPort(x);
    }
    // ...in through the borders on the consumer's side.
    const inner = b.slice(0, b.indexOf(lca));
    let to = e.dst;
    const down: [string, string, string][] = [];
    for (const y of inner) {
      down.push([y, inPort(y), to]);
      to = inPort(y);
    }
    addSegment(lca, from, to, e, true);
    for (const [y, s, d] of down) addSegment(y, s, d, e, false);
  }
  // Segments to a scope's border take part in its layout (which then puts inputs on top and outputs at the
  // bottom) unless they would span too many layers: ELK makes a dummy node per layer crossed.
  const border = new Map<string, number>();
  for (const seg of segments.values()) if (!seg.main) border.set(seg.container, (border.get(seg.container) ?? 0) + 1);
  for (const seg of segments.values()) {
    const c = nodes.get(seg.container)!;
    if (!seg.main && (border.get(seg.container) ?? 0) * (c.children?.length ?? 0) > MAX_BORDER_WORK) {
      seg.stub = true;
      continue;
    }
    c.edges!.push({ id: seg.id, sources: [seg.src], targets: [seg.dst] });
  }
  // Each scope's options, now that its edges are known.
  for (const c of nodes.values()) {
    if (!c.children) continue;
    c.layoutOptions = { ...c.layoutOptions, ...layoutOptions(c.children.length, c.edges?.length ?? 0) };
  }
  return { graph: root, lines, segments };
}

// ---- reading the layout back -----------------------------------------------------------------------------

interface Pt {
  x: number;
  y: number;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * An edge's path from ELK's sections: with spline routing the bend points are Bézier control points (two per
 * curve, plus the joint between curves); anything else is drawn as a polyline.
 */
export function edgePath(sections: ElkExtendedEdge['sections']): { d: string; pts: Pt[] } | null {
  if (!sections?.length) return null;
  let d = '';
  const pts: Pt[] = [];
  for (const s of sections) {
    const bends = s.bendPoints ?? [];
    const all = [s.startPoint, ...bends, s.endPoint];
    pts.push(...all);
    d += `M${r1(s.startPoint.x)},${r1(s.startPoint.y)}`;
    if (bends.length > 0 && (bends.length + 1) % 3 === 0) {
      for (let i = 0; i < bends.length; i += 3) {
        const c1 = bends[i]!;
        const c2 = bends[i + 1]!;
        const to = i + 2 < bends.length ? bends[i + 2]! : s.endPoint;
        d += `C${r1(c1.x)},${r1(c1.y)} ${r1(c2.x)},${r1(c2.y)} ${r1(to.x)},${r1(to.y)}`;
      }
    } else {
      for (const p of [...bends, s.endPoint]) d += `L${r1(p.x)},${r1(p.y)}`;
    }
  }
  return { d, pts };
}

/** The point halfway along a polyline. */
export function midpoint(pts: readonly Pt[]): Pt {
  if (pts.length === 1) return pts[0]!;
  let total = 0;
  for (let i = 1; i < pts.length; i++) total += Math.hypot(pts[i]!.x - pts[i - 1]!.x, pts[i]!.y - pts[i - 1]!.y);
  let left = total / 2;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len >= left && len > 0) return { x: a.x + ((b.x - a.x) * left) / len, y: a.y + ((b.y - a.y) * left) / len };
    left -= len;
  }
  return pts[pts.length - 1]!;
}

export function edgeWidth(count: number): number {
  return Math.round((1.2 + Math.min(4, Math.log2(count)) * 0.8) * 10) / 10;
}

export function readScene(
  laid: ElkNode,
  h: Hierarchy,
  vis: VisibleGraph,
  lines: Map<string, string[]>,
  segments: Map<string, Segment>,
  agg: Map<string, ItemAggregate>,
  m: GraphModel,
): Scene {
  const items: SceneItem[] = [];
  const expanded = new Set(vis.containers);
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      const it = h.items.get(c.id)!;
      const a = agg.get(c.id);
      items.push({
        id: c.id,
        kind: it.kind === 'leaf' ? 'leaf' : it.kind === 'series' ? 'series' : 'group',
        expanded: expanded.has(c.id),
        x: r1(c.x ?? 0),
        y: r1(c.y ?? 0),
        w: r1(c.width ?? 0),
        h: r1(c.height ?? 0),
        depth: it.depth,
        lines: lines.get(c.id) ?? [it.label],
        name: it.path,
        node: it.node,
        fn: !!it.fn,
        op: it.kind === 'leaf' ? m.nodes[it.node]!.op : null,
        device: a?.device ?? null,
        compute: a?.compute ?? null,
        memory: a?.memory ?? null,
      });
      walk(c);
    }
  };
  walk(laid);
  // Containers first (outer before inner), then boxes: later items are drawn on top.
  items.sort((a, b) => Number(b.expanded) - Number(a.expanded) || (a.expanded ? a.depth - b.depth : 0));

  // Where each box ended up, for the stubs.
  const boxes = new Map<string, { x: number; y: number; w: number; h: number }>();
  const place = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 });
      place(c);
    }
  };
  place(laid);
  const owner = (id: string) => boxes.get(id.split('\u0000')[0]!);

  const edges: SceneEdge[] = [];
  const push = (seg: Segment, path: { d: string; pts: Pt[] }, stub = false) => {
    const mid = midpoint(path.pts);
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const p of path.pts) {
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x);
      y1 = Math.max(y1, p.y);
    }
    edges.push({
      id: seg.id,
      src: seg.src.split('\u0000')[0]!,
      dst: seg.dst.split('\u0000')[0]!,
      d: path.d,
      count: seg.count,
      control: seg.control === seg.count,
      call: !!seg.call,
      stub,
      label: seg.main ? edgeLabel(seg) : null,
      lx: r1(mid.x),
      ly: r1(mid.y),
      width: edgeWidth(seg.count),
      box: [x0, y0, x1, y1],
    });
  };
  const collect = (n: ElkNode) => {
    for (const e of (n.edges ?? []) as ElkExtendedEdge[]) {
      const seg = segments.get(e.id);
      const path = edgePath(e.sections);
      if (seg && path) push(seg, path);
    }
    for (const c of n.children ?? []) collect(c);
  };
  // A stub is a short exit from its box to the side of the scope it leaves (or an entry from the other side):
  // drawn all the way to the port it would cross every box of a long chain.
  for (const seg of segments.values()) {
    if (!seg.stub) continue;
    const c = boxes.get(seg.container);
    const out = seg.dst.endsWith('\u0000out');
    const b = owner(out ? seg.src : seg.dst);
    if (!c || !b) continue;
    const y = b.y + b.h / 2;
    const from = out ? { x: b.x + b.w, y } : { x: c.x, y };
    const to = out ? { x: c.x + c.w, y } : { x: b.x, y };
    push(seg, { d: `M${r1(from.x)},${r1(y)}L${r1(to.x)},${r1(y)}`, pts: [from, to] }, true);
  }
  collect(laid);
  placeLabels(edges, items);
  return { items, edges, width: r1(laid.width ?? 0), height: r1(laid.height ?? 0) };
}

const LABEL_CHAR_W = 6; // the 10 px edge label font
const LABEL_H = 11;

/**
 * Edge labels that would overlap a box or a label already placed are dropped (the edge stays; the panel
 * lists its shapes): labels of edges carrying more tensors are placed first.
 */
export function placeLabels(edges: SceneEdge[], items: readonly SceneItem[]): void {
  const CELL = 64;
  const grid = new Map<string, [number, number, number, number][]>();
  const cells = (x0: number, y0: number, x1: number, y1: number) => {
    const out: string[] = [];
    for (let i = Math.floor(x0 / CELL); i <= Math.floor(x1 / CELL); i++)
      for (let j = Math.floor(y0 / CELL); j <= Math.floor(y1 / CELL); j++) out.push(`${i},${j}`);
    return out;
  };
  const hit = (r: [number, number, number, number]) =>
    cells(...r).some((c) => (grid.get(c) ?? []).some((o) => r[0] < o[2] && o[0] < r[2] && r[1] < o[3] && o[1] < r[3]));
  const add = (r: [number, number, number, number]) => {
    for (const c of cells(...r)) {
      const list = grid.get(c);
      if (list) list.push(r);
      else grid.set(c, [r]);
    }
  };
  for (const it of items) if (!it.expanded) add([it.x, it.y, it.x + it.w, it.y + it.h]);
  const labelled = edges.filter((e) => e.label).sort((a, b) => b.count - a.count);
  for (const e of labelled) {
    const r: [number, number, number, number] = [
      e.lx + 3,
      e.ly - LABEL_H + 2,
      e.lx + 5 + e.label!.length * LABEL_CHAR_W,
      e.ly + 3,
    ];
    if (hit(r)) e.label = null;
    else add(r);
  }
}
