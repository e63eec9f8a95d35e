/**
 * One image in its stage. In a card: fitted (small images scaled up) or at actual size (scrolling when
 * larger than the stage). In the enlarged view: interactive, the wheel zooms around the cursor, dragging
 * pans, a double-click (or the reset button) goes back; the view may be shared by several images side by side.
 * Images scaled up by 2× or more use nearest-neighbour scaling; brightness and contrast come from the
 * `--img-filter` CSS variable the dashboard sets.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useWidth } from '../../components/useInView';
import { type ImageItem, blobUrl } from '../../lib/api';
import { type Geometry, HOME, type View, isHome, panBy, place, renderingFor, wheelFactor, zoomAt } from './view';

export interface ImageViewProps {
  item: ImageItem;
  alt: string;
  /** The stage's height in CSS pixels. */
  height: number;
  actual: boolean;
  /** Zoom and pan (the enlarged view). */
  interactive?: boolean;
  /** A view shared with other images (compare); without it the view is this image's own. */
  view?: View;
  onView?: (v: View) => void;
}

export function ImageView(props: ImageViewProps) {
  const { item, height, actual } = props;
  const stageRef = useRef<HTMLDivElement>(null);
  const width = useWidth(stageRef);
  const [ownView, setOwnView] = useState<View>(HOME);
  const view = props.view ?? ownView;
  const setView = props.onView ?? setOwnView;
  const src = blobUrl(item.url);
  const g: Geometry = { stageW: width, stageH: height, imgW: item.width, imgH: item.height, actual };

  // The wheel must be able to cancel scrolling: a non-passive listener, not Preact's.
  const latest = useRef({ g, view, setView });
  latest.current = { g, view, setView };
  useEffect(() => {
    const el = stageRef.current;
    if (!el || !props.interactive) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const { g: geo, view: v, setView: set } = latest.current;
      const r = el.getBoundingClientRect();
      set(zoomAt(geo, v, wheelFactor(e.deltaY, e.deltaMode), e.clientX - r.left, e.clientY - r.top));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [props.interactive]);

  const drag = useRef<{ x: number; y: number; id: number } | null>(null);
  const [dragging, setDragging] = useState(false);

  if (!props.interactive) {
    const scale = actual ? 1 : width > 0 ? Math.min(width / item.width, height / item.height) : 1;
    return (
      <div ref={stageRef} class={`img-stage${actual ? ' actual' : ''}`} style={{ height: `${height}px` }}>
        {src && (
          <img
            src={src}
            alt={props.alt}
            width={item.width || undefined}
            height={item.height || undefined}
            loading="lazy"
            decoding="async"
            draggable={false}
            data-rendering={renderingFor(scale)}
            style={{ imageRendering: renderingFor(scale) }}
          />
        )}
      </div>
    );
  }

  const p = width > 0 ? place(g, view) : null;
  const zoomBy = (factor: number) => setView(zoomAt(g, view, factor, width / 2, height / 2));

  return (
    <div
      ref={stageRef}
      class="img-stage interactive"
      data-dragging={dragging}
      data-zoom={view.z.toFixed(3)}
      style={{ height: `${height}px` }}
      onPointerDown={(e) => {
        if (e.button !== 0 || (e.target as HTMLElement).closest('button')) return;
        e.preventDefault(); // no text selection while dragging
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, y: e.clientY, id: e.pointerId };
        setDragging(true);
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d || d.id !== e.pointerId) return;
        const dx = e.clientX - d.x;
        const dy = e.clientY - d.y;
        drag.current = { ...d, x: e.clientX, y: e.clientY };
        const { g: geo, view: v, setView: set } = latest.current;
        set(panBy(geo, v, dx, dy));
      }}
      onPointerUp={() => {
        drag.current = null;
        setDragging(false);
      }}
      onPointerCancel={() => {
        drag.current = null;
        setDragging(false);
      }}
      onDblClick={() => setView(HOME)}
    >
      {src && p && (
        <img
          src={src}
          alt={props.alt}
          draggable={false}
          decoding="async"
          data-rendering={renderingFor(p.scale)}
          style={{
            left: `${p.left}px`,
            top: `${p.top}px`,
            width: `${p.width}px`,
            height: `${p.height}px`,
            imageRendering: renderingFor(p.scale),
          }}
        />
      )}
      <div class="zoom-controls">
        <button type="button" class="icon-btn" aria-label="Zoom out" title="Zoom out (or scroll)" onClick={() => zoomBy(1 / 1.5)}>
          −
        </button>
        <output aria-label="Zoom" title="Shown pixels per image pixel">
          {p ? `${formatScale(p.scale)}` : ''}
        </output>
        <button type="button" class="icon-btn" aria-label="Zoom in" title="Zoom in (or scroll)" onClick={() => zoomBy(1.5)}>
          +
        </button>
        <button
          type="button"
          class="icon-btn"
          aria-label="Reset zoom"
          title="Reset zoom (or double-click)"
          disabled={isHome(view)}
          onClick={() => setView(HOME)}
        >
          ⟲
        </button>
      </div>
    </div>
  );
}

/** Shown pixels per image pixel: 50 %, 100 %, 2.5×, 38×. */
function formatScale(scale: number): string {
  if (scale < 1) return `${Math.round(scale * 100)} %`;
  if (scale < 10) return `${(Math.round(scale * 10) / 10).toString()}×`;
  return `${Math.round(scale)}×`;
}
