/**
 * The graph drawing: the scene from the worker as SVG (expanded scopes as frames, edges, boxes), panned by
 * dragging, zoomed with the wheel or keys, with a minimap. Pan and zoom move one transform without
 * re-rendering; only boxes and edges near the viewport are in the DOM, and text appears once it is legible.
 * Text from the graph is only ever put into text nodes.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type ColorContext, boxColors } from './colors';
import type { Scene, SceneEdge, SceneItem } from './scene';
import {
  type Detail,
  type Rect,
  type View,
  bringIntoView,
  centreOn,
  contains,
  detailAt,
  fitView,
  fitsAt,
  grow,
  intersects,
  keepAnchor,
  minimapTransform,
  viewport,
  zoomAt,
} from './view';

export type ViewCommand =
  | { kind: 'fit'; seq: number }
  | { kind: 'centre'; id: string; seq: number; minK?: number }
  /** Keep a box where it was on screen (it was just expanded or collapsed in place), moving only to show it whole. */
  | { kind: 'anchor'; id: string; screen: { x: number; y: number }; seq: number }
  | { kind: 'zoom'; factor: number; seq: number };

export interface GraphViewProps {
  scene: Scene;
  colors: ColorContext;
  selected: string | null;
  /** A box being expanded or collapsed (drawn as busy). */
  busy: string | null;
  command: ViewCommand | null;
  label: string;
  onSelect: (id: string | null) => void;
  onToggle: (id: string, screen: { x: number; y: number }) => void;
}

/** Scenes smaller than this are drawn whole; bigger ones only near the viewport. */
const CULL_ABOVE = 400;

export function GraphView(props: GraphViewProps) {
  const { scene } = props;
  const boxRef = useRef<HTMLDivElement>(null);
  const gRef = useRef<SVGGElement>(null);
  const miniRef = useRef<HTMLCanvasElement>(null);
  const view = useRef<View>({ x: 0, y: 0, k: 1 });
  const size = useRef({ w: 800, h: 600 });
  const [region, setRegion] = useState<{ rect: Rect | null; detail: Detail }>({ rect: null, detail: 2 });
  const regionRef = useRef(region);
  regionRef.current = region;
  const drag = useRef<{ x: number; y: number; vx: number; vy: number; moved: boolean; id: number } | null>(null);
  const suppressClick = useRef(false);
  const frame = useRef(0);

  const byId = useMemo(() => new Map(scene.items.map((i) => [i.id, i])), [scene]);
  // Listeners set up once read the newest props through this.
  const latest = useRef(props);
  latest.current = props;

  const drawMinimap = () => {
    const c = miniRef.current;
    if (!c) return;
    const { scene, colors, selected } = latest.current;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * dpr)) c.width = Math.round(w * dpr);
    if (c.height !== Math.round(h * dpr)) c.height = Math.round(h * dpr);
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const t = minimapTransform(scene, w - 8, h - 8);
    t.x += 4;
    t.y += 4;
    for (const it of scene.items) {
      const col = boxColors(it, colors);
      const x = t.x + it.x * t.k;
      const y = t.y + it.y * t.k;
      const bw = Math.max(1, it.w * t.k);
      const bh = Math.max(1, it.h * t.k);
      if (it.expanded) {
        ctx.strokeStyle = col.stroke;
        ctx.lineWidth = 1;
        ctx.strokeRect(x, y, bw, bh);
      } else {
        ctx.fillStyle = it.id === selected ? getAccent(c) : col.stroke;
        ctx.fillRect(x, y, bw, bh);
      }
    }
    const vp = viewport(view.current, size.current.w, size.current.h);
    ctx.strokeStyle = getAccent(c);
    ctx.lineWidth = 1.5;
    ctx.strokeRect(t.x + vp.x * t.k, t.y + vp.y * t.k, vp.w * t.k, vp.h * t.k);
  };

  /** Move the drawing to `view.current`; re-render only when the drawn region or the detail must change. */
  const apply = () => {
    const v = view.current;
    gRef.current?.setAttribute('transform', `translate(${v.x},${v.y}) scale(${v.k})`);
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(drawMinimap);
    const detail = detailAt(v.k);
    const vp = viewport(v, size.current.w, size.current.h);
    const cur = regionRef.current;
    const { scene } = latest.current;
    const cull = scene.items.length + scene.edges.length > CULL_ABOVE;
    if (detail !== cur.detail || (cull && (!cur.rect || !contains(cur.rect, vp))) || (!cull && cur.rect)) {
      const next = { rect: cull ? grow(vp, 0.6) : null, detail };
      regionRef.current = next;
      setRegion(next);
    }
  };

  const setView = (v: View) => {
    view.current = v;
    apply();
  };

  // Size tracking.
  useLayoutEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const measure = () => {
      size.current = { w: el.clientWidth, h: el.clientHeight };
      apply();
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Commands from the dashboard (fit, centre, keep a box in place), applied once the scene is drawn.
  const lastSeq = useRef(-1);
  useLayoutEffect(() => {
    const cmd = props.command;
    if (!cmd || cmd.seq === lastSeq.current) {
      apply();
      return;
    }
    lastSeq.current = cmd.seq;
    const { w, h } = size.current;
    if (cmd.kind === 'fit') setView(fitView(scene, w, h));
    else if (cmd.kind === 'zoom') setView(zoomAt(view.current, cmd.factor, w / 2, h / 2));
    else {
      const it = byId.get(cmd.id);
      if (!it) setView(fitView(scene, w, h));
      else if (cmd.kind === 'centre')
        setView(bringIntoView(centreOn(it, w, h, Math.max(view.current.k, cmd.minK ?? 0)), it, w, h));
      else {
        // The box stays put unless it must move to be seen whole; a scene small enough to see whole is then
        // panned into view too (closing a scope that was opened near the edge brings its neighbours back).
        const kept = bringIntoView(keepAnchor(view.current, it.x, it.y, cmd.screen.x, cmd.screen.y), it, w, h);
        const whole = { x: 0, y: 0, w: scene.width, h: scene.height };
        setView(fitsAt(whole, kept.k, w, h) ? bringIntoView(kept, whole, w, h) : kept);
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.command, scene]);

  useEffect(() => {
    try {
      performance.mark('graphs:drawn', { detail: { items: scene.items.length } });
    } catch {
      // marks are a nicety
    }
  }, [scene]);

  useEffect(() => {
    drawMinimap();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scene, props.colors, props.selected]);

  // Wheel zoom (not passive: the page must not scroll).
  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      setView(zoomAt(view.current, Math.exp(-dy * 0.0018), e.clientX - r.left, e.clientY - r.top));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scene]);

  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    drag.current = {
      x: e.clientX,
      y: e.clientY,
      vx: view.current.x,
      vy: view.current.y,
      moved: false,
      id: e.pointerId,
    };
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      (e.currentTarget as Element).setPointerCapture(e.pointerId);
      boxRef.current?.classList.add('gv-panning');
    }
    setView({ ...view.current, x: d.vx + dx, y: d.vy + dy });
  };
  const onPointerUp = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    suppressClick.current = d.moved;
    drag.current = null;
    boxRef.current?.classList.remove('gv-panning');
  };

  const targetId = (e: Event): string | null => {
    const el = (e.target as Element | null)?.closest?.('[data-id]');
    return el ? el.getAttribute('data-id') : null;
  };
  const screenOf = (id: string) => {
    const it = byId.get(id);
    const v = view.current;
    return it ? { x: it.x * v.k + v.x, y: it.y * v.k + v.y } : { x: 0, y: 0 };
  };
  const onClick = (e: MouseEvent) => {
    if (suppressClick.current) {
      suppressClick.current = false;
      return;
    }
    props.onSelect(targetId(e));
  };
  const onDblClick = (e: MouseEvent) => {
    const id = targetId(e);
    const it = id ? byId.get(id) : undefined;
    if (it && it.kind !== 'leaf') props.onToggle(it.id, screenOf(it.id));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const { w, h } = size.current;
    const id = targetId(e);
    const it = id ? byId.get(id) : undefined;
    const step = 60;
    switch (e.key) {
      case 'Enter':
      case ' ':
        if (!it) return;
        e.preventDefault();
        if (it.kind !== 'leaf' && (props.selected === it.id || it.expanded)) props.onToggle(it.id, screenOf(it.id));
        else props.onSelect(it.id);
        return;
      case '+':
      case '=':
        setView(zoomAt(view.current, 1.25, w / 2, h / 2));
        break;
      case '-':
        setView(zoomAt(view.current, 0.8, w / 2, h / 2));
        break;
      case '0':
        setView(fitView(scene, w, h));
        break;
      case 'ArrowLeft':
        setView({ ...view.current, x: view.current.x + step });
        break;
      case 'ArrowRight':
        setView({ ...view.current, x: view.current.x - step });
        break;
      case 'ArrowUp':
        setView({ ...view.current, y: view.current.y + step });
        break;
      case 'ArrowDown':
        setView({ ...view.current, y: view.current.y - step });
        break;
      case 'Escape':
        props.onSelect(null);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  // Minimap: click or drag to move the view there.
  const miniDrag = useRef(false);
  const miniMove = (e: PointerEvent) => {
    const c = miniRef.current;
    if (!c) return;
    const r = c.getBoundingClientRect();
    const t = minimapTransform(scene, c.clientWidth - 8, c.clientHeight - 8);
    const gx = (e.clientX - r.left - 4 - t.x) / t.k;
    const gy = (e.clientY - r.top - 4 - t.y) / t.k;
    const { w, h } = size.current;
    setView(centreOn({ x: gx, y: gy, w: 0, h: 0 }, w, h, view.current.k));
  };

  const rect = region.rect;
  const shown = (r: Rect) => !rect || intersects(rect, r);
  const items = scene.items.filter((it) => it.expanded || shown(it));
  const edges = scene.edges.filter((e) =>
    shown({ x: e.box[0], y: e.box[1], w: e.box[2] - e.box[0] + 1, h: e.box[3] - e.box[1] + 1 }),
  );
  const sel = props.selected;

  return (
    <div
      class="gv-canvas"
      ref={boxRef}
      tabIndex={0}
      role="application"
      aria-label={`${props.label}. Drag to pan, wheel or + and − to zoom, 0 to fit; Tab to the boxes, Enter to select, Enter again to open a scope.`}
      onKeyDown={onKeyDown}
      data-testid="graph-canvas"
      data-detail={region.detail}
    >
      <svg
        class="gv-svg"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onClick={onClick}
        onDblClick={onDblClick}
      >
        <defs>
          <marker
            id="gv-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            markerUnits="userSpaceOnUse"
            orient="auto"
          >
            <path d="M0,1L10,5L0,9z" class="gv-arrowhead" />
          </marker>
          <marker
            id="gv-arrow-hl"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="8"
            markerHeight="8"
            markerUnits="userSpaceOnUse"
            orient="auto"
          >
            <path d="M0,1L10,5L0,9z" class="gv-arrowhead-hl" />
          </marker>
        </defs>
        <g ref={gRef}>
          {items
            .filter((it) => it.expanded)
            .map((it) => (
              <ScopeFrame key={it.id} it={it} ctx={props.colors} selected={sel === it.id} busy={props.busy === it.id} />
            ))}
          <g class="gv-edges">
            {edges.map((e) => (
              <EdgePath key={e.id} e={e} hl={sel !== null && (e.src === sel || e.dst === sel)} />
            ))}
          </g>
          {region.detail === 2 && (
            <g class="gv-edge-labels" aria-hidden="true">
              {edges.map((e) =>
                e.label ? (
                  <text key={e.id} x={e.lx + 4} y={e.ly} class="gv-edge-label">
                    {e.label}
                  </text>
                ) : null,
              )}
            </g>
          )}
          {items
            .filter((it) => !it.expanded)
            .map((it) => (
              <Box
                key={it.id}
                it={it}
                ctx={props.colors}
                selected={sel === it.id}
                busy={props.busy === it.id}
                detail={region.detail}
              />
            ))}
        </g>
      </svg>
      <canvas
        class="gv-minimap"
        ref={miniRef}
        aria-label="Minimap: click to move the view"
        role="img"
        onPointerDown={(e) => {
          miniDrag.current = true;
          (e.currentTarget as Element).setPointerCapture(e.pointerId);
          miniMove(e);
        }}
        onPointerMove={(e) => miniDrag.current && miniMove(e)}
        onPointerUp={() => (miniDrag.current = false)}
      />
    </div>
  );
}

function getAccent(el: Element): string {
  return getComputedStyle(el).getPropertyValue('--accent').trim() || '#2f62d8';
}

function boxLabel(it: SceneItem): string {
  const what = it.kind === 'leaf' ? 'node' : it.kind === 'series' ? 'series' : it.fn ? 'function' : 'scope';
  return `${what} ${it.lines.join(', ')}${it.kind !== 'leaf' ? (it.expanded ? ', expanded' : ', collapsed') : ''}`;
}

function tooltip(it: SceneItem): string {
  return [it.name, ...it.lines.slice(1)].join('\n');
}

// SVG elements take `tabindex` as written: the camel-cased `tabIndex` would be set as an unknown attribute.
function ScopeFrame(props: { it: SceneItem; ctx: ColorContext; selected: boolean; busy: boolean }) {
  const { it } = props;
  const c = boxColors(it, props.ctx);
  return (
    <g
      class={`gv-scope${props.selected ? ' gv-selected' : ''}${props.busy ? ' gv-busy' : ''}`}
      data-id={it.id}
      data-kind={it.kind}
      data-label={it.lines[0]}
      tabindex={0}
      role="button"
      aria-expanded="true"
      aria-label={boxLabel(it)}
    >
      <title>{tooltip(it)}</title>
      <rect x={it.x} y={it.y} width={it.w} height={it.h} rx={8} fill={c.fill} stroke={c.stroke} class="gv-frame" />
      <text x={it.x + 10} y={it.y + 19} fill={c.text} class="gv-scope-title">
        <tspan class="gv-t1">{it.lines[0]}</tspan>
        {it.lines[1] && (
          <tspan class="gv-t2" dx="8">
            {it.lines[1]}
          </tspan>
        )}
      </text>
      <text x={it.x + it.w - 16} y={it.y + 19} fill={c.text} class="gv-toggle" aria-hidden="true">
        −
      </text>
    </g>
  );
}

function Box(props: { it: SceneItem; ctx: ColorContext; selected: boolean; busy: boolean; detail: Detail }) {
  const { it, detail } = props;
  const c = boxColors(it, props.ctx);
  const stack = it.kind === 'series' ? 6 : 0;
  const w = it.w - stack;
  const h = it.h - stack;
  const rx = it.kind === 'leaf' ? 5 : 7;
  const cls = `gv-box gv-${it.kind}${props.selected ? ' gv-selected' : ''}${props.busy ? ' gv-busy' : ''}`;
  return (
    <g
      class={cls}
      data-id={it.id}
      data-kind={it.kind}
      data-label={it.lines[0]}
      transform={`translate(${it.x},${it.y})`}
      tabindex={0}
      role="button"
      aria-label={boxLabel(it)}
      aria-expanded={it.kind === 'leaf' ? undefined : 'false'}
    >
      <title>{tooltip(it)}</title>
      {stack > 0 && (
        <>
          <rect x={6} y={6} width={w} height={h} rx={rx} fill={c.fill} stroke={c.stroke} class="gv-back" />
          <rect x={3} y={3} width={w} height={h} rx={rx} fill={c.fill} stroke={c.stroke} class="gv-back" />
        </>
      )}
      <rect width={w} height={h} rx={rx} fill={c.fill} stroke={c.stroke} class="gv-rect" />
      {detail > 0 && (
        <text
          x={w / 2}
          y={h / 2 - ((it.lines.length - 1) * 15) / 2 + 4}
          fill={c.text}
          text-anchor="middle"
          class="gv-text"
        >
          {it.lines.map((l, i) => (
            <tspan key={i} x={w / 2} dy={i === 0 ? 0 : 15} class={i === 0 ? 'gv-t1' : 'gv-t2'}>
              {l}
            </tspan>
          ))}
        </text>
      )}
      {it.kind !== 'leaf' && detail > 0 && (
        <text x={w - 9} y={12} fill={c.text} class="gv-plus" text-anchor="middle" aria-hidden="true">
          +
        </text>
      )}
    </g>
  );
}

function EdgePath(props: { e: SceneEdge; hl: boolean }) {
  const { e, hl } = props;
  return (
    <path
      d={e.d}
      class={`gv-edge${e.control ? ' gv-control' : ''}${e.call ? ' gv-call' : ''}${e.stub ? ' gv-stub' : ''}${hl ? ' gv-edge-hl' : ''}`}
      stroke-width={hl ? e.width + 0.8 : e.width}
      marker-end={hl ? 'url(#gv-arrow-hl)' : 'url(#gv-arrow)'}
      data-count={e.count}
    />
  );
}
