/**
 * One histogram card: a tag's histograms for the selected runs, drawn on a canvas of our own. Offset:
 * the steps as ridges in depth, one panel per run; overlay: every step on one axis, coloured by time;
 * compare: the runs on one axis at the step the card's slider chooses. Fetches (every step, on shared
 * bins) only when near the viewport, draws only when visible, follows live updates at most once a second,
 * and says on its element what a test needs to know (`data-state`, `data-drawn-at`, …).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { colorOf, useCardEnlarged } from '../../app/store';
import { TagCard } from '../../components/Card';
import { UpdateFailed, seriesCardBody, seriesCardState } from '../../components/CardBody';
import { StepSlider } from '../../components/StepSlider';
import { useInView, useWidth } from '../../components/useInView';
import { LEGEND_MAX, LEGEND_MAX_ENLARGED, Legend } from '../../components/Legend';
import { type TagInfo, api } from '../../lib/api';
import { formatDateTime, formatDuration, formatStep, formatValue, middleEllipsis, shortRunNames } from '../../lib/format';
import { runJsonDownloads } from '../../lib/downloads';
import { mergeSteps, wallTimesAt } from '../../lib/steps';
import { placeBesideCursor } from '../../lib/tooltip';
import type { XAxis } from '../../lib/urlState';
import { type HistSeries, compareAt, fromWire, minOf, stepIndex } from './data';
import { type CompareScene, type Mode, type PanelHit, type PanelsScene, type Scene, compareScene, css, formatTime, hitCompare, hitPanels, panelsScene, ramp } from './geometry';
import { type Theme, drawCompareHover, drawPanelHover, drawScene, prepareCanvas, readTheme } from './render';
import { useTagData } from '../../app/useTagData';

export interface HistSettings {
  mode: Mode;
  axis: XAxis;
  theme: 'light' | 'dark';
}

/** Bins asked of the server: TensorBoard draws 30; a little finer reads better, more when enlarged. */
const BINS = 40;
const BINS_ENLARGED = 100;
/** Runs drawn as panels in a card before "enlarge to see all". */
const MAX_PANELS = 3;

let measureCtx: CanvasRenderingContext2D | null = null;
function measurer(font: string): (text: string) => number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  const ctx = measureCtx;
  if (!ctx) return (t) => t.length * 6.2;
  return (t) => {
    ctx.font = font;
    return ctx.measureText(t).width;
  };
}

export function HistogramCard(props: { tag: TagInfo; runs: string[]; settings: HistSettings }) {
  const { tag, runs, settings } = props;
  const { mode, axis } = settings;
  const [enlarged] = useCardEnlarged(tag.tag);
  const ref = useRef<HTMLElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const visible = useInView(ref);
  const width = useWidth(boxRef);
  const bins = enlarged ? BINS_ENLARGED : BINS;

  const fetched = useTagData({
    tag: tag.tag,
    runs,
    visible,
    kind: 'histograms',
    key: bins,
    fetch: async (run, signal) => fromWire(await api.histograms({ run, tag: tag.tag, bins }, signal), bins),
  });
  const { data, version, error } = fetched;
  const [compareStep, setCompareStep] = useState<number | null>(null);
  const runsKey = runs.join('\u0000');

  const series = useMemo(
    () => runs.map((r) => data.get(r)).filter((s): s is HistSeries => !!s && s.steps.length > 0 && s.edges.length >= 2),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, runsKey],
  );
  const shownPanels = useMemo(() => (enlarged ? series : series.slice(0, MAX_PANELS)), [series, enlarged]);
  const origins = useMemo(() => shownPanels.map((s) => minOf(s.wallTimes)), [shownPanels]);

  const unionSteps = useMemo(() => mergeSteps(series.map((s) => s.steps)), [series]);
  const unionWalls = useMemo(() => wallTimesAt(series, unionSteps), [series, unionSteps]);
  const comparison = useMemo(() => compareAt(series, compareStep, bins), [series, compareStep, bins]);

  const nPanels = mode === 'compare' ? 1 : Math.max(1, shownPanels.length);
  const panelH = nPanels === 1 ? (enlarged ? 460 : 230) : enlarged ? 260 : 165;
  const height = panelH * nPanels;
  const theme = useMemo(() => readTheme(settings.theme === 'dark'), [settings.theme]);

  const scene: Scene | null = useMemo(() => {
    if (width === 0 || series.length === 0) return null;
    const measure = measurer(theme.font);
    if (mode === 'compare') return comparison.rows.length ? compareScene(width, height, comparison, measure) : null;
    return panelsScene({ width, height, mode, axis, series: shownPanels, origins, measure });
  }, [width, height, mode, axis, shownPanels, origins, comparison, theme, series.length]);

  // Draw when the scene changes and the card is visible; a hidden card is drawn when it comes back.
  const [drawn, setDrawn] = useState<Scene | null>(null);
  const drawnOn = useRef<{ canvas: HTMLCanvasElement | null; dpr: number }>({ canvas: null, dpr: 0 });
  const dpr = useDevicePixelRatio();
  useEffect(() => {
    const canvas = canvasRef.current;
    const same = drawn === scene && drawnOn.current.canvas === canvas && drawnOn.current.dpr === dpr;
    if (!visible || !scene || !canvas || same) return;
    const t0 = performance.now();
    const ctx = prepareCanvas(canvas, width, height);
    if (!ctx) return;
    drawScene(ctx, scene, theme, colorOf);
    const t1 = performance.now();
    // For tests and people measuring: when (since navigation) and how fast the last drawing was made.
    canvas.setAttribute('data-drawn-at', t1.toFixed(1));
    canvas.setAttribute('data-draw-ms', (t1 - t0).toFixed(1));
    drawnOn.current = { canvas, dpr };
    setDrawn(scene);
  });

  const hasData = series.length > 0;
  const ready = hasData && drawn !== null && drawn === scene;
  const totalSteps = mode === 'compare' ? 0 : shownPanels.reduce((n, s) => n + s.steps.length, 0);
  const drawnSteps =
    scene && scene.mode !== 'compare' ? scene.panels.reduce((n, p) => n + p.drawn.length, 0) : comparison.rows.length;
  const shownStep = mode === 'compare' && comparison.rows.length ? unionSteps[stepIndex(unionSteps, compareStep)] : undefined;

  const body = seriesCardBody(fetched, {
    noRuns: runs.length === 0,
    hasData,
    what: 'these histograms',
    empty: 'No histogram data yet for the selected runs.',
    inset: '8px 8px 24px 8px',
  });

  const labels = shortRunNames(series.map((s) => s.run));
  const hiddenRuns = mode === 'compare' ? 0 : series.length - shownPanels.length;

  const footer = (
    <>
      {mode === 'compare' ? (
        <Legend
          label="Runs in this chart"
          max={enlarged ? LEGEND_MAX_ENLARGED : LEGEND_MAX}
          entries={comparison.rows.map((r) => ({
            key: r.run,
            color: colorOf(r.run),
            label: labels.get(r.run) ?? r.run,
            title: `${r.run}, step ${formatStep(r.step)}`,
            attrs: { 'data-run': r.run },
          }))}
        />
      ) : (
        scene &&
        scene.mode !== 'compare' && <RampLegend scene={scene} theme={theme} />
      )}
      {drawnSteps < totalSteps && (
        <span title="Steps too close together to tell apart are left out of the drawing; hovering reaches every step.">
          {formatStep(drawnSteps)} of {formatStep(totalSteps)} steps drawn
        </span>
      )}
      {hiddenRuns > 0 && (
        <span title="Enlarge the card to see every run, or compare the runs at one step">+{hiddenRuns} more {hiddenRuns === 1 ? 'run' : 'runs'}</span>
      )}
      {hasData && <UpdateFailed error={error} />}
    </>
  );

  return (
    <TagCard
      tag={tag}
      noun="histogram"
      cardRef={ref}
      data={{
        'data-state': seriesCardState(fetched, hasData, ready),
        'data-mode': mode,
        'data-bins': bins,
        'data-panels': mode === 'compare' ? 1 : shownPanels.length,
        'data-steps': totalSteps,
        'data-drawn-steps': drawnSteps,
        'data-shown-step': shownStep,
      }}
      downloads={runJsonDownloads(series.map((s) => s.run), tag.tag, 'histograms')}
      downloadLabel="Download data"
      downloadTitle="Download the histograms (JSON)"
      footer={footer}
    >
      <div class="chart-box hist-box" ref={boxRef} style={{ height: `${height}px` }}>
        {body ?? (
          <>
            <canvas ref={canvasRef} class="hist-canvas" data-drawn={ready ? 'true' : undefined} aria-hidden="true" />
            {scene && (
              <HoverLayer
                scene={scene}
                width={width}
                height={height}
                theme={theme}
                axis={axis}
                origins={origins}
                labels={labels}
              />
            )}
          </>
        )}
      </div>
      {mode === 'compare' && hasData && (
        <div class="hist-step">
          <StepSlider
            steps={unionSteps}
            wallTimes={unionWalls}
            value={compareStep}
            onChange={setCompareStep}
            followLatest
            label={`Step of ${tag.tag}`}
            hideLabel
          />
        </div>
      )}
    </TagCard>
  );
}

/** The device pixel ratio, updated when it changes (the window moves to another screen, the page is zoomed). */
function useDevicePixelRatio(): number {
  const [dpr, setDpr] = useState(() => window.devicePixelRatio || 1);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia(`(resolution: ${dpr}dppx)`);
    const onChange = () => setDpr(window.devicePixelRatio || 1);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [dpr]);
  return dpr;
}

/** A gradient from the earliest to the latest time of the card, labelled at both ends. */
function RampLegend(props: { scene: PanelsScene; theme: Theme }) {
  const { scene, theme } = props;
  const [lo, hi] = scene.timeRange;
  const stops = [0, 0.33, 0.67, 1].map((t) => `${css(ramp(t, theme.dark))} ${t * 100}%`).join(', ');
  const span = hi - lo;
  const name = scene.axis === 'step' ? 'Step' : scene.axis === 'relative' ? 'Relative' : 'Wall';
  return (
    <span class="hist-ramp" aria-label={`Colour: ${name} from ${formatTime(lo, scene.axis, span)} to ${formatTime(hi, scene.axis, span)}`}>
      <span class="hist-ramp-end">{formatTime(lo, scene.axis, span)}</span>
      <span class="hist-ramp-bar" style={{ background: `linear-gradient(90deg, ${stops})` }} />
      <span class="hist-ramp-end">{formatTime(hi, scene.axis, span)}</span>
    </span>
  );
}

type Hover =
  | { kind: 'panel'; hit: PanelHit; cx: number; cy: number }
  | { kind: 'compare'; bin: number; cx: number; cy: number };

/**
 * The canvas above the drawing: follows the pointer, highlights the step and bin under it, and shows a
 * tooltip with their values beside the cursor.
 */
function HoverLayer(props: {
  scene: Scene;
  width: number;
  height: number;
  theme: Theme;
  axis: XAxis;
  origins: number[];
  labels: Map<string, string>;
}) {
  const { scene, width, height, theme } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<Hover | null>(null);

  // A new scene (data, size, mode) invalidates what was hovered.
  useEffect(() => setHover(null), [scene]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ctx = prepareCanvas(c, width, height);
    if (!ctx || !hover) return;
    if (hover.kind === 'panel' && scene.mode !== 'compare') drawPanelHover(ctx, scene, hover.hit, theme);
    if (hover.kind === 'compare' && scene.mode === 'compare') drawCompareHover(ctx, scene, hover.bin, theme, colorOf);
  }, [hover, scene, width, height, theme]);

  // Beside the cursor, flipped near the window's edges.
  useLayoutEffect(() => {
    const el = tip.current;
    if (!el || !hover) return;
    placeBesideCursor(el, hover.cx, hover.cy, 14);
  });

  function onMove(e: PointerEvent) {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    if (scene.mode === 'compare') {
      const bin = hitCompare(scene, px, py);
      setHover(bin < 0 ? null : { kind: 'compare', bin, cx: e.clientX, cy: e.clientY });
    } else {
      const hit = hitPanels(scene, px, py);
      setHover(hit ? { kind: 'panel', hit, cx: e.clientX, cy: e.clientY } : null);
    }
  }

  return (
    <>
      <canvas
        ref={canvas}
        class="hist-hover"
        onPointerMove={onMove}
        onPointerLeave={() => setHover(null)}
        aria-hidden="true"
      />
      {hover && (
        <div ref={tip} class="tooltip hist-tooltip" role="tooltip" style={{ display: 'block', position: 'fixed' }}>
          {hover.kind === 'panel' && scene.mode !== 'compare' ? (
            <PanelTip scene={scene} hit={hover.hit} axis={props.axis} origin={props.origins[hover.hit.panel] ?? 0} />
          ) : hover.kind === 'compare' && scene.mode === 'compare' ? (
            <CompareTip scene={scene} bin={hover.bin} labels={props.labels} />
          ) : null}
        </div>
      )}
    </>
  );
}

function range(edges: Float64Array, bin: number): string {
  const last = bin === edges.length - 2;
  return `[${formatValue(edges[bin]!)}, ${formatValue(edges[bin + 1]!)}${last ? ']' : ')'}`;
}

function PanelTip(props: { scene: PanelsScene; hit: PanelHit; axis: XAxis; origin: number }) {
  const p = props.scene.panels[props.hit.panel]!;
  const s = p.series;
  const j = props.hit.step;
  const bin = props.hit.bin;
  const count = s.counts[j]![bin]!;
  const wall = s.wallTimes[j]!;
  return (
    <div data-run={s.run} data-step={s.steps[j]} data-bin={bin} data-count={count} data-left={s.edges[bin]} data-right={s.edges[bin + 1]}>
      {props.scene.panels.length > 1 && (
        <div class="hist-tip-run" title={s.run}>
          <span class="swatch" style={{ background: colorOf(s.run), display: 'inline-block' }} /> {middleEllipsis(s.run, 40)}
        </div>
      )}
      <table>
        <tbody>
          <tr>
            <th>Step</th>
            <td class="num">{formatStep(s.steps[j]!)}</td>
          </tr>
          <tr>
            <th>Time</th>
            <td class="muted">
              {formatDateTime(wall, true)} · {formatDuration(wall - props.origin)}
            </td>
          </tr>
          <tr>
            <th>Bucket</th>
            <td class="num">{range(s.edges, bin)}</td>
          </tr>
          <tr>
            <th>Count</th>
            <td class="num">{formatValue(count)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function CompareTip(props: { scene: CompareScene; bin: number; labels: Map<string, string> }) {
  const { comparison } = props.scene;
  const bin = props.bin;
  return (
    <div data-bin={bin} data-left={comparison.edges[bin]} data-right={comparison.edges[bin + 1]}>
      <div class="hist-tip-run">Bucket {range(comparison.edges, bin)}</div>
      <table>
        <thead>
          <tr>
            <th />
            <th>Run</th>
            <th>Step</th>
            <th>Count</th>
          </tr>
        </thead>
        <tbody>
          {comparison.rows.map((r) => (
            <tr key={r.run} data-run={r.run} data-step={r.step} data-count={r.counts[bin]}>
              <td>
                <span class="swatch" style={{ background: colorOf(r.run), display: 'inline-block' }} />
              </td>
              <td class="run" title={r.run}>
                {middleEllipsis(props.labels.get(r.run) ?? r.run, 40)}
              </td>
              <td class="num">{formatStep(r.step)}</td>
              <td class="num">{formatValue(r.counts[bin]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
