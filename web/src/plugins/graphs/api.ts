/**
 * The graphs kind's routes (src/telescope/plugins/graphs/http_api.md): which runs hold which graphs, and one
 * graph as nodes. Fields marked optional may be missing from older servers; everything that reads a graph
 * copes with their absence. The graph itself is fetched by the layout worker (it parses the JSON off the
 * main thread), so only its URL is built here.
 */
import { getJson } from '../../lib/api';

/** One graph a run holds (`api/graphs/runs`). */
export interface GraphEntry {
  tag: string;
  /** `op`, `keras` or `run_metadata`. */
  kind: string;
  plugin?: string;
  count?: number;
  step: number;
  wall_time?: number;
  node_count?: number | null;
  op_graph?: boolean;
  conceptual_graph?: boolean;
  profile?: boolean;
  url?: string;
}

export interface GraphRun {
  run: string;
  graphs: GraphEntry[];
}

export interface GraphRunsResponse {
  runs: GraphRun[];
}

/** A node's timings and memory from a profile (present when the graph was fetched with `profile=`). */
export interface NodeStats {
  compute_micros?: number | null;
  memory_bytes?: number | null;
  device?: string | null;
}

/** One node as the server sends it. Everything but `name` may be missing or null in a malformed graph. */
export interface WireNode {
  name: string;
  op?: string | null;
  /** `node`, `node:k` (output k), `^node` (control dependency); in function bodies `node:arg:k`. */
  inputs?: string[] | null;
  device?: string | null;
  attrs?: Record<string, unknown> | null;
  /** Per output, its sizes (-1 unknown) or null for an unknown rank. */
  output_shapes?: (number[] | null)[] | null;
  stats?: NodeStats | null;
  /** Keras conceptual graphs: the layer's parameter count. */
  params?: number | null;
}

export interface WireFunction {
  name: string;
  inputs?: string[];
  outputs?: string[];
  nodes?: WireNode[];
}

export interface GraphProblem {
  kind: string;
  node?: string | null;
  message: string;
}

export interface GraphResponse {
  run: string;
  tag: string;
  kind: string;
  step?: number;
  wall_time?: number;
  profile?: boolean;
  nodes: WireNode[];
  functions?: WireFunction[] | null;
  problems?: GraphProblem[] | null;
  /** Problems beyond those listed (the server lists at most 1,000). */
  problems_omitted?: number | null;
  /** The profile whose stats are on the nodes (`profile`, or the graph's own tag when it is a profile). */
  stats_tag?: string | null;
  /** Tags of profiles (run metadata with step stats) whose stats can be overlaid with `profile=`. */
  profile_tags?: string[] | null;
}

export const RUN_GRAPH_TAG = '__run_graph__';

export function fetchGraphRuns(signal?: AbortSignal): Promise<GraphRunsResponse> {
  return getJson<GraphRunsResponse>('api/graphs/runs', signal);
}

/** The graph route's path, relative to the app root (the worker needs it made absolute: `absoluteUrl`). */
export function graphPath(opts: {
  run: string;
  tag?: string | null;
  step?: number | null;
  profile?: string | null;
}): string {
  const q = new URLSearchParams({ run: opts.run });
  if (opts.tag && opts.tag !== RUN_GRAPH_TAG) q.set('tag', opts.tag);
  if (opts.step != null) q.set('step', String(opts.step));
  if (opts.profile) q.set('profile', opts.profile);
  return `api/graphs/graph?${q.toString()}`;
}

/**
 * A path relative to the app root as an absolute URL: a worker resolves relative URLs against its own
 * script (`assets/…`), not the page.
 */
export function absoluteUrl(path: string, base: string): string {
  return new URL(path, base).href;
}

/** The graphs a user can open (op graphs, conceptual graphs, traces), not profiles without a graph. */
export function viewableGraphs(run: GraphRun | undefined): GraphEntry[] {
  if (!run) return [];
  return run.graphs.filter(
    (g) => g.op_graph || g.conceptual_graph || g.kind === 'keras' || g.kind === 'op' || (g.node_count ?? 0) > 0,
  );
}

/** A graph's name in the picker. */
export function graphLabel(g: GraphEntry): string {
  if (g.kind === 'keras' || g.conceptual_graph)
    return g.tag === 'keras' ? 'Conceptual graph (Keras)' : `Conceptual graph: ${g.tag}`;
  if (g.tag === RUN_GRAPH_TAG) return 'Op graph';
  if (g.kind === 'run_metadata') return g.profile ? `Profile: ${g.tag}` : `Trace: ${g.tag}`;
  return g.tag;
}
