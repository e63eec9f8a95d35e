/**
 * The Graphs dashboard: pick a run and one of its graphs (op graph, Keras conceptual graph, traces) and,
 * when the graph offers profiles, one to overlay; the graph opens at its top level with scopes collapsed.
 * Double-click opens a scope; search reveals any node; the side panel shows the selection; colour by op,
 * device, compute time or memory; export the drawing. The run, graph, profile, colouring, open scopes and
 * selected node are in the URL. A worker does the parsing and layout, so big graphs never block the page.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { onUpdate } from '../../app/live';
import { getPageParam, theme, usePageParam } from '../../app/store';
import { Segmented } from '../../components/Segmented';
import { ErrorBox } from '../../components/StatusViews';
import { enumParam, listParam } from '../../lib/pageParams';
import {
  type GraphEntry,
  type GraphRun,
  RUN_GRAPH_TAG,
  absoluteUrl,
  fetchGraphRuns,
  graphLabel,
  graphPath,
  viewableGraphs,
} from './api';
import { GraphWorker } from './client';
import { type ColorContext, type ColorMode, legend, statRange } from './colors';
import { download, exportName, sceneToSvg, svgToPng } from './exportScene';
import { GraphView, type ViewCommand } from './GraphView';
import type { Crumb, Details, GraphSummary, SearchHit } from './protocol';
import type { Scene } from './scene';
import { SearchBox } from './SearchBox';
import { SidePanel } from './SidePanel';
import './graphs.css';

const MODES = ['op', 'device', 'compute', 'memory'] as const;

type Load =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; message: string; code?: number }
  | { status: 'ready'; summary: GraphSummary };

/** Where the time to a first drawing goes (read by bench/graphs.py; cheap enough to keep). */
function mark(name: string, detail?: unknown): void {
  try {
    performance.mark(name, { detail });
  } catch {
    // marks are a nicety
  }
}

/** Op graph first, then conceptual graphs, then traces. */
function graphOrder(g: GraphEntry): number {
  if (g.tag === RUN_GRAPH_TAG) return 0;
  if (g.kind === 'keras' || g.conceptual_graph) return 1;
  return 2;
}

export function GraphsDashboard() {
  const [listing, setListing] = useState<GraphRun[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [listSeq, setListSeq] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    fetchGraphRuns(ac.signal).then(
      (r) => {
        setListing(r.runs);
        setListError(null);
      },
      (e: unknown) => {
        if (!ac.signal.aborted) setListError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => ac.abort();
  }, [listSeq]);
  useEffect(
    () => onUpdate((ev) => (ev.new_runs || ev.tags.some((t) => t.kind === 'graphs')) && setListSeq((s) => s + 1)),
    [],
  );

  const [runParam, setRun] = usePageParam('graphs', 'run', '');
  const [tagParam, setTag] = usePageParam('graphs', 'tag', '');
  const [profile, setProfile] = usePageParam('graphs', 'profile', '');
  const [modeParam, setMode] = usePageParam<ColorMode>('graphs', 'color', 'op', enumParam(MODES));
  const [, setNodeParam] = usePageParam('graphs', 'node', '');
  // The scopes and series open, so that a link or a reload shows the same view (none: as the graph opens).
  const [, setOpenParam] = usePageParam<string[]>('graphs', 'open', [], listParam);

  const runs = (listing ?? []).filter((r) => viewableGraphs(r).length > 0);
  const run = runs.find((r) => r.run === runParam) ?? runs[0];
  const graphs = [...viewableGraphs(run)].sort((a, b) => graphOrder(a) - graphOrder(b));
  const entry = graphs.find((g) => g.tag === tagParam) ?? graphs[0];

  const worker = useMemo(() => {
    mark('graphs:mount');
    return new GraphWorker();
  }, []);
  useEffect(() => () => worker.dispose(), [worker]);

  const [load, setLoad] = useState<Load>({ status: 'idle' });
  const [scene, setScene] = useState<Scene | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const wanted = useRef<Set<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  const [command, setCommand] = useState<ViewCommand | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [details, setDetails] = useState<Details | null>(null);
  const [reloadSeq, setReloadSeq] = useState(0);
  const loadSeq = useRef(0);
  const layoutSeq = useRef(0);
  const cmdSeq = useRef(0);
  const nextCmd = () => ++cmdSeq.current;

  const graphKey = run && entry ? JSON.stringify([run.run, entry.tag, entry.step, profile, reloadSeq]) : null;

  useEffect(() => {
    if (!run || !entry) return;
    const seq = ++loadSeq.current;
    layoutSeq.current++;
    setLoad({ status: 'loading' });
    setScene(null);
    setSelected(null);
    setDetails(null);
    setBusy(null);
    setLayoutError(null);
    void (async () => {
      try {
        mark('graphs:listed');
        const url = absoluteUrl(
          graphPath({ run: run.run, tag: entry.tag, profile: profile || null }),
          document.baseURI,
        );
        const summary = await worker.load(url);
        if (seq !== loadSeq.current) return;
        mark('graphs:loaded', summary.timings);
        const open = getPageParam<string[]>('graphs', 'open', [], listParam);
        let exp = new Set(open.length ? open : summary.initial);
        let focus: string | null = null;
        const want = getPageParam('graphs', 'node', '');
        if (want) {
          const r = await worker.reveal(want);
          if (r) {
            exp = new Set([...exp, ...r.expand]);
            focus = r.id;
          }
        }
        const res = await worker.layout(exp);
        if (seq !== loadSeq.current) return;
        mark('graphs:laid-out', { ms: res.ms });
        wanted.current = exp;
        setExpanded(exp);
        setScene(res.scene);
        setLoad({ status: 'ready', summary });
        if (focus) {
          setSelected(focus);
          setCommand({ kind: 'centre', id: focus, seq: nextCmd(), minK: 0.8 });
        } else setCommand({ kind: 'fit', seq: nextCmd() });
      } catch (e) {
        if (seq !== loadSeq.current) return;
        const code = (e as { status?: number }).status;
        setLoad({ status: 'error', message: e instanceof Error ? e.message : String(e), code });
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graphKey]);

  /** Lay out a new set of expanded scopes; `then` says where to look afterwards. */
  const relayout = async (next: Set<string>, busyId: string | null, then: (s: Scene) => ViewCommand | null) => {
    wanted.current = next;
    const seq = ++layoutSeq.current;
    setBusy(busyId ?? '');
    try {
      const res = await worker.layout(next);
      if (seq !== layoutSeq.current) return;
      setExpanded(new Set(next));
      setScene(res.scene);
      setLayoutError(null);
      setOpenParam([...next].sort());
      const cmd = then(res.scene);
      if (cmd) setCommand(cmd);
    } catch (e) {
      if (seq === layoutSeq.current) setLayoutError(e instanceof Error ? e.message : String(e));
    } finally {
      if (seq === layoutSeq.current) setBusy(null);
    }
  };

  const toggle = (id: string, screen?: { x: number; y: number }) => {
    const next = new Set(wanted.current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    void relayout(next, id, () =>
      screen ? { kind: 'anchor', id, screen, seq: nextCmd() } : { kind: 'centre', id, seq: nextCmd() },
    );
  };

  const reveal = async (nameOrId: string) => {
    const r = await worker.reveal(nameOrId);
    if (!r) return;
    select(r.id);
    const next = new Set([...wanted.current, ...r.expand]);
    await relayout(next, null, () => ({ kind: 'centre', id: r.id, seq: nextCmd(), minK: 0.8 }));
  };

  /** Another run or graph: the selected node and the profile were the old graph's. */
  const pickGraph = (change: () => void) => {
    setNodeParam('');
    setProfile('');
    setOpenParam([]);
    change();
  };

  const select = (id: string | null) => {
    setSelected(id);
    if (id === null) {
      setDetails(null);
      setNodeParam('');
    }
  };

  useEffect(() => {
    if (selected === null) return;
    let live = true;
    worker.details(selected).then(
      (d) => {
        if (!live) return;
        setDetails(d);
        if (d) setNodeParam(d.kind === 'leaf' ? d.name : d.id);
      },
      () => live && setDetails(null),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected, scene]);

  const summary = load.status === 'ready' ? load.summary : null;
  const modes: [ColorMode, string][] = [['op', load.status === 'ready' && summary?.kind === 'keras' ? 'Class' : 'Op']];
  if (summary?.hasDevices) modes.push(['device', 'Device']);
  if (summary?.hasStats) modes.push(['compute', 'Compute'], ['memory', 'Memory']);
  const mode: ColorMode = modes.some(([m]) => m === modeParam) ? modeParam : 'op';
  const colors: ColorContext = useMemo(
    () => ({ mode, theme: theme.value, devices: summary?.devices ?? [], range: scene ? statRange(scene, mode) : null }),
    [mode, theme.value, summary, scene],
  );
  const profiles = summary?.profileTags ?? [];
  const problemCount = (summary?.problems.length ?? 0) + (summary?.problemsOmitted ?? 0);
  const title = run && entry ? `${graphLabel(entry)} of ${run.run}` : 'Graph';

  const exportSvg = () => {
    if (!scene || !run || !entry) return;
    download(
      new Blob([sceneToSvg(scene, colors, title)], { type: 'image/svg+xml' }),
      exportName(run.run, entry.tag, 'svg'),
    );
  };
  const [exportError, setExportError] = useState<string | null>(null);
  const exportPng = async () => {
    if (!scene || !run || !entry) return;
    try {
      setExportError(null);
      download(await svgToPng(sceneToSvg(scene, colors, title)), exportName(run.run, entry.tag, 'png'));
    } catch (e) {
      setExportError(e instanceof Error ? e.message : String(e));
    }
  };

  if (listError && !listing)
    return (
      <div class="content">
        <ErrorBox title="Could not list the graphs" message={listError} onRetry={() => setListSeq((s) => s + 1)} />
      </div>
    );
  if (!listing)
    return (
      <div class="content" aria-busy="true">
        <div class="gv-skeleton skeleton" data-testid="graph-loading" />
      </div>
    );
  if (!run || !entry)
    return (
      <div class="content">
        <section class="empty" data-testid="no-graphs">
          <h2>No graphs yet</h2>
          <p>
            Graphs appear here when a run writes one: <code>SummaryWriter.add_graph(model, inputs)</code> in PyTorch,{' '}
            <code>TensorBoard(write_graph=True)</code> in Keras, or <code>tf.summary.trace_export</code>.
          </p>
        </section>
      </div>
    );

  const trail: Crumb[] = details?.trail ?? [];
  return (
    <div class="gv-root">
      <div class="toolbar gv-toolbar" role="toolbar" aria-label="Graph settings">
        <label class="control">
          Run
          <select
            class="gv-select"
            value={run.run}
            onChange={(e) => pickGraph(() => setRun((e.currentTarget as HTMLSelectElement).value))}
            aria-label="Run"
          >
            {runs.map((r) => (
              <option key={r.run} value={r.run}>
                {r.run}
              </option>
            ))}
          </select>
        </label>
        <label class="control">
          Graph
          <select
            class="gv-select"
            value={entry.tag}
            onChange={(e) => pickGraph(() => setTag((e.currentTarget as HTMLSelectElement).value))}
            aria-label="Graph"
            disabled={graphs.length < 2}
          >
            {graphs.map((g) => (
              <option key={g.tag} value={g.tag}>
                {graphLabel(g)}
              </option>
            ))}
          </select>
        </label>
        {(profiles.length > 0 || profile) && (
          <label class="control">
            Profile
            <select
              class="gv-select"
              value={profile}
              onChange={(e) => setProfile((e.currentTarget as HTMLSelectElement).value)}
              aria-label="Overlay a profile's stats"
            >
              <option value="">none</option>
              {[...new Set([...profiles, ...(profile ? [profile] : [])])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        )}
        <SearchBox search={(q) => worker.search(q)} onPick={(h: SearchHit) => void reveal(h.id)} disabled={!summary} />
        {modes.length > 1 && (
          <div class="control" role="group" aria-label="Colour by">
            Colour
            <Segmented<ColorMode> value={mode} options={modes} onChange={setMode} label="Colour by" />
          </div>
        )}
        <div class="gv-actions">
          <button
            type="button"
            class="btn"
            onClick={() => void relayout(new Set(), null, () => ({ kind: 'fit', seq: nextCmd() }))}
            disabled={!scene || expanded.size === 0}
          >
            Collapse all
          </button>
          <button type="button" class="btn" onClick={exportSvg} disabled={!scene} data-testid="export-svg">
            Export SVG
          </button>
          <button type="button" class="btn" onClick={() => void exportPng()} disabled={!scene} data-testid="export-png">
            Export PNG
          </button>
        </div>
      </div>
      {summary && summary.problems.length > 0 && (
        <details class="banner warn gv-problems" data-testid="graph-problems">
          <summary>
            {problemCount} {problemCount === 1 ? 'problem' : 'problems'} in this graph (show); everything else is drawn.
          </summary>
          <ul>
            {summary.problems.slice(0, 200).map((p, i) => (
              <li key={i}>
                <span class="gv-tagchip">{p.kind.replace(/_/g, ' ')}</span>{' '}
                {p.node && (
                  <>
                    <button type="button" class="link-btn gv-link" onClick={() => void reveal(p.node!)}>
                      {p.node}
                    </button>
                    {': '}
                  </>
                )}
                {p.message}
              </li>
            ))}
            {problemCount > 200 && <li>and {problemCount - Math.min(200, summary.problems.length)} more</li>}
          </ul>
        </details>
      )}
      {(layoutError || exportError) && (
        <div class="banner warn" role="alert">
          {layoutError ? `Could not lay out the graph: ${layoutError}` : `Could not export: ${exportError}`}
        </div>
      )}
      <div class="gv-body">
        <div class="gv-stage">
          <nav class="gv-crumbs" aria-label="Where you are" data-testid="breadcrumbs">
            <button
              type="button"
              class="link-btn"
              onClick={() => {
                select(null);
                setCommand({ kind: 'fit', seq: nextCmd() });
              }}
            >
              Top level
            </button>
            {trail.map((c) => (
              <span key={c.id} class="gv-crumb">
                <span class="gv-sep" aria-hidden="true">
                  ›
                </span>
                <button
                  type="button"
                  class="link-btn"
                  aria-current={c.id === selected ? 'location' : undefined}
                  onClick={() => {
                    select(c.id);
                    setCommand({ kind: 'centre', id: c.id, seq: nextCmd() });
                  }}
                >
                  {c.label}
                </button>
              </span>
            ))}
          </nav>
          {load.status === 'loading' && (
            <div class="gv-loading" role="status" data-testid="graph-loading">
              <div class="gv-skeleton skeleton" />
              <p>Loading the graph…</p>
            </div>
          )}
          {load.status === 'error' && (
            <div class="content">
              <ErrorBox
                title="Could not open this graph"
                message={load.message}
                onRetry={() => setReloadSeq((s) => s + 1)}
              />
            </div>
          )}
          {scene && load.status === 'ready' && (
            <>
              <GraphView
                scene={scene}
                colors={colors}
                selected={selected}
                busy={busy}
                command={command}
                label={title}
                onSelect={select}
                onToggle={(id, screen) => toggle(id, screen)}
              />
              <div class="gv-zoom" role="group" aria-label="Zoom">
                <button
                  type="button"
                  class="icon-btn"
                  aria-label="Zoom in"
                  onClick={() => setCommand({ kind: 'zoom', factor: 1.4, seq: nextCmd() })}
                >
                  +
                </button>
                <button
                  type="button"
                  class="icon-btn"
                  aria-label="Zoom out"
                  onClick={() => setCommand({ kind: 'zoom', factor: 1 / 1.4, seq: nextCmd() })}
                >
                  −
                </button>
                <button
                  type="button"
                  class="icon-btn gv-fit"
                  aria-label="Fit to screen"
                  onClick={() => setCommand({ kind: 'fit', seq: nextCmd() })}
                >
                  ⤢
                </button>
              </div>
              <LegendView scene={scene} colors={colors} />
              {busy !== null && (
                <div class="gv-busy-badge" role="status">
                  Laying out…
                </div>
              )}
              {scene.items.length === 0 && <p class="gv-empty-graph">This graph has no nodes.</p>}
            </>
          )}
        </div>
        {summary && (
          <SidePanel
            details={details}
            summary={summary}
            graphLabel={graphLabel(entry)}
            expanded={selected !== null && expanded.has(selected)}
            onReveal={(x) => void reveal(x)}
            onToggle={(id) => toggle(id)}
          />
        )}
      </div>
    </div>
  );
}

function LegendView(props: { scene: Scene; colors: ColorContext }) {
  const l = legend(props.scene, props.colors);
  return (
    <div class="gv-legend" aria-label={`Legend: ${l.title}`} data-testid="graph-legend">
      <div class="gv-legend-title">{l.title}</div>
      {l.ramp && (
        <div class="gv-ramp">
          <span>{l.ramp.low}</span>
          <span class="gv-ramp-bar" style={{ background: `linear-gradient(90deg, ${l.ramp.from}, ${l.ramp.to})` }} />
          <span>{l.ramp.high}</span>
        </div>
      )}
      <ul>
        {l.entries.map((e) => (
          <li key={e.label}>
            <span class="gv-swatch" style={{ background: e.colors.fill, borderColor: e.colors.stroke }} />
            <span class="gv-legend-label">{e.label}</span>
            {e.count !== undefined && <span class="gv-legend-count">{e.count}</span>}
          </li>
        ))}
        {l.more > 0 && <li class="gv-legend-more">and {l.more} more</li>}
      </ul>
      <div class="gv-legend-edges">
        <svg width="28" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="28" y2="4" class="gv-edge" />
        </svg>
        data
        <svg width="28" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="28" y2="4" class="gv-edge gv-control" />
        </svg>
        control
        {props.scene.edges.some((e) => e.call) && (
          <>
            <svg width="28" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="28" y2="4" class="gv-edge gv-call" />
            </svg>
            call
          </>
        )}
      </div>
    </div>
  );
}
