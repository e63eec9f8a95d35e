/**
 * A graph as the layout worker holds it: the server's nodes (and the bodies of its functions, each under a
 * scope named after the function) with their input strings resolved into edges, and the problems found on
 * the way. Whatever cannot be resolved (an input naming no node, a duplicate name) is listed as a problem and
 * left out of the drawing; the rest is drawn. Pure: no DOM, no worker API.
 */
import type { GraphProblem, GraphResponse, NodeStats, WireNode } from './api';

/** One input string, parsed: `node`, `node:k`, `^node` (control) or, in function bodies, `node:arg:k`. */
export interface InputRef {
  name: string;
  control: boolean;
  /** The producer's output index (null when the string does not say). */
  output: number | null;
  /** A function body's output argument name (`value` in `node:value:0`). */
  arg: string | null;
}

export function parseInput(raw: string): InputRef {
  // Most inputs are plain names: no parsing needed.
  if (raw.indexOf(':') < 0 && raw.charCodeAt(0) !== 94 && raw.trim() === raw)
    return { name: raw, control: false, output: 0, arg: null };
  let s = raw.trim();
  let control = false;
  if (s.startsWith('^')) {
    control = true;
    s = s.slice(1);
  }
  const parts = s.split(':');
  if (parts.length === 2 && /^\d+$/.test(parts[1]!))
    return { name: parts[0]!, control, output: Number(parts[1]), arg: null };
  if (parts.length === 3 && /^\d+$/.test(parts[2]!))
    return { name: parts[0]!, control, output: Number(parts[2]), arg: parts[1]! };
  return { name: s, control, output: control ? null : 0, arg: null };
}

export interface ModelNode {
  name: string;
  op: string;
  device: string;
  attrs: Record<string, unknown> | null;
  outputShapes: (number[] | null)[] | null;
  stats: NodeStats | null;
  params: number | null;
  /** The input strings as written. */
  inputs: string[];
  /** The function whose body holds the node (its scope), or null for the main graph. */
  fn: string | null;
  /** Made up here: a function's argument. */
  synthetic: boolean;
  /** Per input, the producer's index (-1: the input names no node). */
  sources: number[];
}

export interface GraphModel {
  run: string;
  tag: string;
  kind: string;
  step: number | null;
  nodes: ModelNode[];
  /** Name → node index (the first node of a duplicated name). */
  index: Map<string, number>;
  /** Edges as columns: producer, consumer, control dependency (1) or data, producer output (-1 unknown). */
  edgeSrc: Int32Array;
  edgeDst: Int32Array;
  edgeControl: Uint8Array;
  edgeOut: Int32Array;
  /** The server's problems, plus those found here about nodes the server said nothing of. */
  problems: GraphProblem[];
  /** Problems the server found but did not list. */
  problemsOmitted: number;
  statsTag: string | null;
  /** Scopes holding function bodies. */
  functions: string[];
  /** A function's name → the scope holding its body. */
  functionScopes: Map<string, string>;
  /** Nodes calling a function of the graph (an attribute `func <name>`): node index and the body's scope. */
  calls: [number, string][];
  hasStats: boolean;
  hasDevices: boolean;
  profileTags: string[];
}

/** Function arguments get a scope of their own when there are more than this many (they would crowd the body). */
const ARGS_IN_SCOPE = 4;
export const ARGS_SCOPE = '(inputs)';

function str(v: unknown): string {
  return typeof v === 'string' ? v : v == null ? '' : String(v);
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function toNode(w: WireNode, name: string, fn: string | null): ModelNode {
  const shapes = Array.isArray(w.output_shapes) ? w.output_shapes.map((s) => (Array.isArray(s) ? s : null)) : null;
  const stats = w.stats && typeof w.stats === 'object' ? w.stats : null;
  return {
    name,
    op: str(w.op),
    device: str(w.device) || str(stats?.device),
    attrs: w.attrs && typeof w.attrs === 'object' ? w.attrs : null,
    outputShapes: shapes,
    stats,
    params: num(w.params),
    inputs: Array.isArray(w.inputs) ? w.inputs.map(str) : [],
    fn,
    synthetic: false,
    sources: [],
  };
}

export function buildModel(resp: GraphResponse): GraphModel {
  const nodes: ModelNode[] = [];
  const index = new Map<string, number>();
  const local: GraphProblem[] = [];
  const wire = Array.isArray(resp.nodes) ? resp.nodes : [];

  const add = (n: ModelNode): number => {
    const i = nodes.length;
    nodes.push(n);
    if (index.has(n.name)) {
      local.push({
        kind: 'duplicate_name',
        node: n.name,
        message: `More than one node is named "${n.name}"; edges go to the first.`,
      });
    } else index.set(n.name, i);
    return i;
  };

  wire.forEach((w, i) => {
    let name = str(w?.name);
    if (!name) {
      name = `(unnamed ${i})`;
      local.push({ kind: 'unnamed_node', node: name, message: `Node #${i} has no name.` });
    }
    add(toNode(w ?? { name }, name, null));
  });
  const mainCount = nodes.length;

  // Function bodies: each under a top-level scope named after the function, their arguments as nodes.
  const topSegments = new Set(nodes.map((n) => n.name.split('/')[0]!));
  const functions: string[] = [];
  const functionScopes = new Map<string, string>();
  const bodies: { scope: string; local: Map<string, number>; args: Map<string, number>; start: number; end: number }[] =
    [];
  for (const f of resp.functions ?? []) {
    let scope = str(f?.name) || 'function';
    while (topSegments.has(scope)) scope += '_';
    topSegments.add(scope);
    functions.push(scope);
    functionScopes.set(str(f?.name), scope);
    const args = new Map<string, number>();
    const argNames = (f.inputs ?? []).map(str);
    const bodyNames = new Set((f.nodes ?? []).map((n) => str(n?.name)));
    argNames.forEach((arg, k) => {
      const inScope = argNames.length > ARGS_IN_SCOPE || bodyNames.has(arg);
      const name = inScope ? `${scope}/${ARGS_SCOPE}/${arg}` : `${scope}/${arg}`;
      const i = add({ ...toNode({ name: arg, op: '_Arg' }, name, scope), attrs: { index: k }, synthetic: true });
      args.set(arg, i);
    });
    const start = nodes.length;
    const localIndex = new Map<string, number>();
    for (const w of f.nodes ?? []) {
      const short = str(w?.name);
      const i = add(toNode(w ?? { name: short }, `${scope}/${short}`, scope));
      if (!localIndex.has(short)) localIndex.set(short, i);
    }
    bodies.push({ scope, local: localIndex, args, start, end: nodes.length });
  }

  const src: number[] = [];
  const dst: number[] = [];
  const ctl: number[] = [];
  const out: number[] = [];
  const missing = new Map<number, string[]>();
  const link = (consumer: number, raw: string, resolve: (ref: InputRef, raw: string) => number | undefined) => {
    const ref = parseInput(raw);
    const p = resolve(ref, raw);
    nodes[consumer]!.sources.push(p ?? -1);
    if (p === undefined) {
      const list = missing.get(consumer) ?? [];
      list.push(raw);
      missing.set(consumer, list);
      return;
    }
    if (p === consumer) return;
    src.push(p);
    dst.push(consumer);
    ctl.push(ref.control ? 1 : 0);
    out.push(ref.output ?? -1);
  };
  const mainResolve = (ref: InputRef, raw: string) =>
    index.get(raw.charCodeAt(0) === 94 ? raw.slice(1) : raw) ?? index.get(ref.name);
  for (let i = 0; i < mainCount; i++) for (const raw of nodes[i]!.inputs) link(i, raw, mainResolve);
  for (const b of bodies) {
    const resolve = (ref: InputRef) => b.local.get(ref.name) ?? b.args.get(ref.name);
    for (let i = b.start; i < b.end; i++) for (const raw of nodes[i]!.inputs) link(i, raw, resolve);
  }
  for (const [i, refs] of missing) {
    const shown =
      refs
        .slice(0, 3)
        .map((r) => `"${r}"`)
        .join(', ') + (refs.length > 3 ? ` and ${refs.length - 3} more` : '');
    local.push({
      kind: 'missing_input',
      node: nodes[i]!.name,
      message: `${refs.length === 1 ? 'Input' : 'Inputs'} ${shown} ${refs.length === 1 ? 'names' : 'name'} no node in the graph; not drawn.`,
    });
  }

  const calls: [number, string][] = [];
  if (functionScopes.size)
    nodes.forEach((n, i) => {
      for (const v of Object.values(n.attrs ?? {})) {
        const scope = typeof v === 'string' && v.startsWith('func ') ? functionScopes.get(v.slice(5)) : undefined;
        if (scope !== undefined && n.fn !== scope) calls.push([i, scope]);
      }
    });

  const server = Array.isArray(resp.problems) ? resp.problems.filter((p) => p && typeof p === 'object') : null;
  let problems = local;
  if (server) {
    const told = new Set(server.map((p) => str(p.node)).filter(Boolean));
    problems = [
      ...server.map((p) => ({ kind: str(p.kind), node: p.node ?? null, message: str(p.message) })),
      ...local.filter((p) => !told.has(str(p.node))),
    ];
  }

  return {
    run: str(resp.run),
    tag: str(resp.tag),
    kind: str(resp.kind) || 'op',
    step: num(resp.step),
    nodes,
    index,
    edgeSrc: Int32Array.from(src),
    edgeDst: Int32Array.from(dst),
    edgeControl: Uint8Array.from(ctl),
    edgeOut: Int32Array.from(out),
    problems,
    problemsOmitted: num(resp.problems_omitted) ?? 0,
    statsTag: str(resp.stats_tag) || null,
    functions,
    functionScopes,
    calls,
    hasStats: nodes.some((n) => num(n.stats?.compute_micros) !== null || num(n.stats?.memory_bytes) !== null),
    hasDevices: nodes.some((n) => n.device !== ''),
    profileTags: Array.isArray(resp.profile_tags) ? resp.profile_tags.map(str).filter(Boolean) : [],
  };
}

/** The shape of a producer's output as people read it (`24×16×16×8`, `?×768`, `scalar`), or null if unknown. */
export function shapeOf(node: ModelNode, output: number): number[] | null {
  const shapes = node.outputShapes;
  if (!shapes || !shapes.length) return null;
  const s = output >= 0 && output < shapes.length ? shapes[output] : shapes.length === 1 ? shapes[0] : null;
  return s ?? null;
}

export function formatShape(dims: readonly number[] | null): string | null {
  if (dims === null) return null;
  if (dims.length === 0) return 'scalar';
  return dims.map((d) => (d < 0 ? '?' : String(d))).join('×');
}

/** Node statistics as numbers (null when absent). */
export function computeMicros(n: ModelNode): number | null {
  return num(n.stats?.compute_micros);
}

export function memoryBytes(n: ModelNode): number | null {
  return num(n.stats?.memory_bytes);
}
