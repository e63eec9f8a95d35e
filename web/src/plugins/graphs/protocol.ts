/**
 * The messages between the Graphs dashboard and its layout worker. The worker owns the graph (it fetches and
 * parses the JSON, builds the scope hierarchy and series, lays out with ELK); the page asks it for scenes,
 * search results and node details, and draws what it gets.
 */
import type { GraphProblem, NodeStats } from './api';
import type { Scene } from './scene';

export interface GraphSummary {
  run: string;
  tag: string;
  kind: string;
  step: number | null;
  nodes: number;
  edges: number;
  /** Scopes and series (not counting the root). */
  scopes: number;
  series: number;
  functions: string[];
  problems: GraphProblem[];
  problemsOmitted: number;
  statsTag: string | null;
  hasStats: boolean;
  hasDevices: boolean;
  profileTags: string[];
  /** Devices by how many nodes run on them. */
  devices: string[];
  /**
   * Scopes open when the graph is first shown: none in an op graph (its top level, collapsed); in a Keras
   * conceptual graph the model itself, so that its layers are the top level (nested models stay closed).
   */
  initial: string[];
  /** Milliseconds: fetching and parsing the JSON, resolving edges, scopes and series, building in all. */
  timings: { fetch: number; model: number; hierarchy: number; build: number };
}

export interface SearchHit {
  id: string;
  name: string;
  op: string;
  /** Where the query matched in `name` (start, end), for highlighting. */
  at: [number, number];
}

export interface Crumb {
  id: string;
  label: string;
}

export interface NodeLink {
  /** The node at the other end (absent when the name resolves to no node). */
  id: string | null;
  name: string;
  control: boolean;
  shape: string | null;
}

export interface NodeDetails {
  kind: 'leaf';
  id: string;
  name: string;
  op: string;
  device: string;
  attrs: [string, unknown][];
  /** The first inputs (all but a hub's). */
  inputs: NodeLink[];
  inputCount: number;
  outputs: NodeLink[];
  /** How many consumers there are (the list is cut for hubs). */
  outputCount: number;
  outputShapes: string[];
  stats: NodeStats | null;
  params: number | null;
  trail: Crumb[];
  /** A function call's body, when the node calls a function of this graph (`f: func name`). */
  calls: { id: string; name: string }[];
}

export interface GroupDetails {
  kind: 'group' | 'series';
  id: string;
  name: string;
  label: string;
  nodes: number;
  children: number;
  fn: boolean;
  /** A part of a crowded scope, not a scope of the graph. */
  part: boolean;
  ops: [string, number][];
  devices: [string, number][];
  compute: number | null;
  memory: number | null;
  trail: Crumb[];
}

export type Details = NodeDetails | GroupDetails;

export type Request =
  /** Where ELK's worker script is (absolute): the worker starts it at once. */
  | { type: 'init'; elkUrl: string }
  | { type: 'load'; url: string }
  | { type: 'layout'; expanded: string[] }
  | { type: 'search'; query: string; limit: number }
  | { type: 'details'; id: string }
  | { type: 'reveal'; name: string }
  | { type: 'trail'; id: string };

export interface LayoutResult {
  scene: Scene;
  /** The expanded scopes the scene shows (asked-for ids that do not exist or are hidden are dropped). */
  expanded: string[];
  ms: number;
}

/** What `reveal` answers: the node's box and the scopes to expand to show it (null: no such node). */
export interface Reveal {
  id: string;
  expand: string[];
}

export type Response =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string; status?: number };
