/**
 * A thin wrapper around one uPlot instance: created when the chart first becomes visible, recreated
 * when `structureKey` changes (series, axes, theme), resized with its box, fed new data in place
 * (keeping the cursor and the DOM), destroyed on unmount. Everything chart-specific is in the options.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useWidth } from './useInView';

export interface ChartProps {
  structureKey: string;
  makeOptions: () => Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** Only a visible chart is created and drawn; a hidden one catches up when it comes back. */
  visible: boolean;
  onInstance?: (u: uPlot | null) => void;
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = useRef<string>('');
  const drawn = useRef<uPlot.AlignedData | null>(null);
  const width = useWidth(box);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const el = box.current;
    if (!el || !props.visible || width === 0) return;
    const p = latest.current;
    if (plot.current && key.current === p.structureKey) {
      if (plot.current.width !== width || plot.current.height !== p.height) {
        plot.current.setSize({ width, height: p.height });
      }
      if (drawn.current !== p.data) {
        plot.current.setData(p.data, true);
        drawn.current = p.data;
      }
      return;
    }
    plot.current?.destroy();
    const opts = p.makeOptions();
    // Mark the box once a frame is on the canvas, so tests (and people debugging) can tell "drawn" from "empty".
    const drawHooks = [...(opts.hooks?.draw ?? []), () => el.setAttribute('data-drawn', 'true')];
    el.removeAttribute('data-drawn');
    plot.current = new uPlot({ ...opts, hooks: { ...opts.hooks, draw: drawHooks }, width, height: p.height }, p.data, el);
    key.current = p.structureKey;
    drawn.current = p.data;
    p.onInstance?.(plot.current);
  }, [props.visible, props.structureKey, props.data, props.height, width]);

  useEffect(
    () => () => {
      plot.current?.destroy();
      plot.current = null;
      latest.current.onInstance?.(null);
    },
    [],
  );

  return <div class="chart" ref={box} style={{ height: `${props.height}px` }} />;
}
