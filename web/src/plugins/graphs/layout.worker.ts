/**
 * The Graphs dashboard's worker: everything heavy happens here, off the main thread. It fetches and parses a
 * graph, builds its scope hierarchy and folds repeated structures into series, lays out the visible part
 * with ELK's layered algorithm, and answers searches and detail requests. Scenes are cached per set of
 * expanded scopes, so collapsing back is instant.
 *
 * ELK runs in a worker of its own (its worker build, driven through `elk-api`), which this worker starts as
 * soon as it is told where the script is: ELK's 1.5 MB take a while to start, and meanwhile the graph is
 * fetched and its hierarchy built here.
 */
import ELK, { type ELK as ElkApi } from 'elkjs/lib/elk-api';
import { details } from './details';
import { type Hierarchy, ancestors, buildHierarchy, soleScope, isContainer, leafId, splitCrowded } from './hierarchy';
import { type GraphModel, buildModel } from './model';
import type { GraphSummary, LayoutResult, Request, Response, Reveal, SearchHit } from './protocol';
import {
  CSS_FONTS,
  type ItemAggregate,
  type Measure,
  type TextFont,
  aggregates,
  elkGraph,
  estimate,
  readScene,
} from './scene';
import { searchNames } from './search';
import { detectSeries } from './series';
import { visibleGraph } from './visible';
import type { GraphResponse } from './api';

interface Loaded {
  model: GraphModel;
  h: Hierarchy;
  agg: Map<string, ItemAggregate>;
  lower: string[];
  cache: Map<string, LayoutResult>;
}

const CACHE_SIZE = 12;
let elk: ElkApi | null = null;
let elkReady: (e: ElkApi) => void = () => undefined;
const elkStarted = new Promise<ElkApi>((resolve) => (elkReady = resolve));

function startElk(url: string): void {
  if (elk) return;
  elk = new ELK({ workerFactory: () => new Worker(url, { name: 'elk' }) });
  elkReady(elk);
}

/** Text widths measured with the page's fonts (an OffscreenCanvas), remembered per text. */
function canvasMeasure(): Measure {
  const ctx = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1).getContext('2d') : null;
  if (!ctx) return estimate;
  const cache = new Map<string, number>();
  let font: TextFont | null = null;
  return (text, f) => {
    const key = `${f}\u0000${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      if (font !== f) ctx.font = CSS_FONTS[(font = f)];
      w = ctx.measureText(text).width;
      if (cache.size > 100_000) cache.clear();
      cache.set(key, w);
    }
    return w;
  };
}
const measure = canvasMeasure();
let current: Loaded | null = null;

class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let loads = 0;

async function load(url: string): Promise<GraphSummary> {
  // A newer load may start while this one fetches: only the newest becomes the current graph.
  const mine = ++loads;
  current = null;
  const t0 = performance.now();
  const resp = await fetch(url, { headers: { accept: 'application/json' } });
  if (!resp.ok) {
    let message = `${resp.status} ${resp.statusText}`.trim();
    try {
      const body = (await resp.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new HttpError(message, resp.status);
  }
  const json = (await resp.json()) as GraphResponse;
  if (mine !== loads) throw new Error('Another graph was asked for.');
  const t1 = performance.now();
  const model = buildModel(json);
  const t2 = performance.now();
  const h = buildHierarchy(
    model.nodes.map((n) => n.name),
    model.functions,
  );
  const series = detectSeries(
    h,
    model.nodes.map((n) => n.op),
  );
  splitCrowded(h);
  const t3 = performance.now();
  const agg = aggregates(h, model);
  current = { model, h, agg, lower: model.nodes.map((n) => n.name.toLowerCase()), cache: new Map() };
  const devices = new Map<string, number>();
  for (const n of model.nodes) if (n.device) devices.set(n.device, (devices.get(n.device) ?? 0) + 1);
  return {
    run: model.run,
    tag: model.tag,
    kind: model.kind,
    step: model.step,
    nodes: model.nodes.length,
    edges: model.edgeSrc.length,
    scopes: [...h.items.values()].filter((i) => isContainer(i)).length,
    series,
    functions: model.functions,
    problems: model.problems,
    problemsOmitted: model.problemsOmitted,
    statsTag: model.statsTag,
    hasStats: model.hasStats,
    hasDevices: model.hasDevices,
    profileTags: model.profileTags,
    initial: model.kind === 'keras' ? [soleScope(h)].filter((id): id is string => id !== null) : [],
    devices: [...devices.entries()].sort((a, b) => b[1] - a[1]).map(([d]) => d),
    timings: {
      fetch: Math.round(t1 - t0),
      model: Math.round(t2 - t1),
      hierarchy: Math.round(t3 - t2),
      build: Math.round(performance.now() - t1),
    },
  };
}

function need(): Loaded {
  if (!current) throw new Error('No graph is loaded.');
  return current;
}

async function layout(expandedIds: string[]): Promise<LayoutResult> {
  const g = need();
  const t0 = performance.now();
  const vis = visibleGraph(g.h, g.model, new Set(expandedIds));
  const key = vis.containers.join('\n');
  const cached = g.cache.get(key);
  if (cached) {
    g.cache.delete(key);
    g.cache.set(key, cached);
    return { ...cached, ms: Math.round(performance.now() - t0) };
  }
  const built = elkGraph(g.h, g.model, vis, measure);
  const laid = await (await elkStarted).layout(built.graph);
  if (current !== g) throw new Error('The graph changed during layout.');
  const scene = readScene(laid, g.h, vis, built.lines, built.segments, g.agg, g.model);
  const result: LayoutResult = { scene, expanded: vis.containers, ms: Math.round(performance.now() - t0) };
  g.cache.set(key, result);
  while (g.cache.size > CACHE_SIZE) g.cache.delete(g.cache.keys().next().value!);
  return result;
}

function search(query: string, limit: number): SearchHit[] {
  const g = need();
  return searchNames(g.lower, query, limit).map((m) => {
    const n = g.model.nodes[m.index]!;
    return { id: leafId(m.index), name: n.name, op: n.op, at: m.at };
  });
}

function reveal(name: string): Reveal | null {
  const g = need();
  let id: string | null = null;
  if (g.h.items.has(name)) id = name;
  else {
    const i = g.model.index.get(name);
    if (i !== undefined) id = leafId(i);
  }
  return id === null ? null : { id, expand: ancestors(g.h, id) };
}

async function handle(req: Request): Promise<unknown> {
  switch (req.type) {
    case 'init':
      startElk(req.elkUrl);
      return null;
    case 'load':
      return load(req.url);
    case 'layout':
      return layout(req.expanded);
    case 'search':
      return search(req.query, req.limit);
    case 'details':
      return details(need().h, need().model, need().agg, req.id);
    case 'reveal':
      return reveal(req.name);
    case 'trail': {
      const g = need();
      return g.h.items.has(req.id) ? ancestors(g.h, req.id) : null;
    }
  }
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<{ id: number; req: Request }>) => void) | null;
  postMessage(msg: Response): void;
};
scope.onmessage = (e) => {
  const { id, req } = e.data;
  handle(req).then(
    (result) => scope.postMessage({ id, ok: true, result }),
    (err: unknown) =>
      scope.postMessage({
        id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
        status: err instanceof HttpError ? err.status : undefined,
      }),
  );
};
