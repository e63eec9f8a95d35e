import { describe, expect, it } from 'vitest';
import { type HistSeries, compareAt, fromWire } from './data';
import {
  type OffsetPanel,
  type OverlayPanel,
  compareScene,
  hitCompare,
  hitPanels,
  linear,
  niceTicks,
  outlineValueAt,
  panelsScene,
  parseColor,
  ramp,
  depthTickValues,
  timeTicks,
} from './geometry';

function series(run: string, counts: number[][], edges = [0, 1, 2, 3, 4]): HistSeries {
  const steps = counts.map((_, i) => i * 10);
  return fromWire({ run, tag: 't', steps, wall_times: steps.map((s) => 1000 + s * 6), shared: true, edges, counts });
}

const three = series('run', [
  [1, 4, 4, 1],
  [2, 8, 2, 0],
  [0, 2, 6, 2],
]);

describe('scales and ticks', () => {
  it('maps linearly both ways', () => {
    const s = linear(0, 10, 100, 200);
    expect(s.map(5)).toBe(150);
    expect(s.invert(120)).toBe(2);
  });

  it('puts ticks on round values inside the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.35, 0.35, 4)).toEqual([-0.2, 0, 0.2]);
    expect(niceTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  it('keeps step ticks whole', () => {
    expect(niceTicks(0, 3, 10, true)).toEqual([0, 1, 2, 3]);
  });

  it('puts both ends on the depth axis, without round ticks crowding them', () => {
    expect(depthTickValues(0, 59, 2, 4, 'step')).toEqual([0, 20, 40, 59]);
    expect(depthTickValues(0, 45, 1, 4, 'step')).toEqual([0, 20, 45]);
    expect(depthTickValues(3, 3, 1, 4, 'step')).toEqual([3]);
  });

  it('ticks time axes on round units of time', () => {
    expect(timeTicks(0, 3600, 4)).toEqual([0, 900, 1800, 2700, 3600]);
    expect(timeTicks(0, 0.5, 5)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });
});

describe('colour', () => {
  it('ramps from faint to strong against the background in both themes', () => {
    const lum = (c: number[]) => c[0]! * 0.3 + c[1]! * 0.59 + c[2]! * 0.11;
    expect(lum(ramp(0, false))).toBeGreaterThan(lum(ramp(1, false)));
    expect(lum(ramp(0, true))).toBeLessThan(lum(ramp(1, true)));
    expect(ramp(2, false)).toEqual(ramp(1, false));
  });

  it('reads CSS colours', () => {
    expect(parseColor('#ff8000')).toEqual([255, 128, 0]);
    expect(parseColor('#fff')).toEqual([255, 255, 255]);
    expect(parseColor(' rgb(1, 2, 3)')).toEqual([1, 2, 3]);
    expect(parseColor('hsl(1, 2%, 3%)')).toBeNull();
  });
});

describe('outlineValueAt', () => {
  it('is zero at the outer edges and the bin count at its centre', () => {
    const xs = new Float64Array([0, 5, 15, 20]);
    const counts = new Float64Array([4, 8]);
    expect(outlineValueAt(xs, counts, 0)).toBe(0);
    expect(outlineValueAt(xs, counts, 5)).toBe(4);
    expect(outlineValueAt(xs, counts, 10)).toBe(6);
    expect(outlineValueAt(xs, counts, 20)).toBe(0);
    expect(outlineValueAt(xs, counts, 21)).toBe(0);
  });
});

describe('offset view', () => {
  const scene = panelsScene({ width: 400, height: 220, mode: 'offset', axis: 'step', series: [three], origins: [1000] });
  const p = scene.panels[0] as OffsetPanel;

  it('puts later steps lower (in front), the latest on the bottom of the plot', () => {
    expect(p.baselines[0]).toBeLessThan(p.baselines[1]!);
    expect(p.baselines[1]).toBeLessThan(p.baselines[2]!);
    expect(p.baselines[2]).toBeCloseTo(p.plot.y + p.plot.h);
    expect(p.drawn).toEqual([0, 1, 2]);
    expect(p.frontToBack).toEqual([2, 1, 0]);
  });

  it('scales the tallest bin of all steps to the ridge height', () => {
    const tallest = 8 * p.k;
    expect(tallest).toBeCloseTo(p.plot.h * 0.4);
    expect(p.baselines[0]! - tallest).toBeCloseTo(p.plot.y);
  });

  it('labels the depth axis with steps on the right of the plot, both ends included', () => {
    expect(p.depthTicks.map((t) => t.label)).toEqual(['0', '5', '10', '15', '20']);
    expect(p.depthTicks[4]!.pos).toBeCloseTo(p.baselines[2]!);
    expect(p.plot.x + p.plot.w).toBeLessThan(400);
  });

  it('finds the ridge the eye sees under the cursor: the front-most one holding the point', () => {
    // bin 1's centre, just above step 2's baseline: inside step 2's ridge (count 2)
    const cx = p.x.map(1.5);
    expect(hitPanels(scene, cx, p.baselines[2]! - 1)).toEqual({ panel: 0, step: 2, bin: 1 });
    // higher up, above step 2's ridge, inside step 1's tall bin
    const inside1 = p.baselines[1]! - 5;
    expect(inside1).toBeLessThan(p.baselines[2]! - 2 * p.k);
    expect(hitPanels(scene, cx, inside1)).toEqual({ panel: 0, step: 1, bin: 1 });
    // between ridges (above step 1's low edge bin, below step 0's baseline): the nearest baseline
    const edgeX = p.x.map(0.2);
    expect(hitPanels(scene, edgeX, p.baselines[1]! - 0.45 * (p.baselines[1]! - p.baselines[0]!) - 6)).toMatchObject({ step: 0 });
    // outside the bins: nothing
    expect(hitPanels(scene, p.plot.x + p.plot.w + 5, p.baselines[2]!)).toBeNull();
  });

  it('by wall time, the time axis spacing follows the wall times', () => {
    const s = series('w', [
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    s.wallTimes = [0, 10, 100];
    const q = panelsScene({ width: 400, height: 220, mode: 'offset', axis: 'wall', series: [s], origins: [0] }).panels[0] as OffsetPanel;
    const gap01 = q.baselines[1]! - q.baselines[0]!;
    const gap12 = q.baselines[2]! - q.baselines[1]!;
    expect(gap12 / gap01).toBeCloseTo(9);
  });

  it('draws at most a ridge every few pixels of 1,000 steps, the last one included', () => {
    const many = series(
      'm',
      Array.from({ length: 1000 }, (_, i) => [i % 3, 1, 2, 1]),
    );
    const q = panelsScene({ width: 400, height: 220, mode: 'offset', axis: 'step', series: [many], origins: [0] }).panels[0] as OffsetPanel;
    expect(q.drawn.length).toBeLessThanOrEqual(60);
    expect(q.drawn.length).toBeGreaterThan(40);
    expect(q.drawn[q.drawn.length - 1]).toBe(999);
    expect(q.frontToBack.length).toBe(1000);
  });
});

describe('panels', () => {
  it('stacks one panel per run, sharing the value axis, labelled with the run', () => {
    const a = series('a', [[1, 1]], [0, 1, 2]);
    const b = series('b', [[1, 1]], [2, 3, 4]);
    const scene = panelsScene({ width: 300, height: 300, mode: 'overlay', axis: 'step', series: [a, b], origins: [0, 0] });
    expect(scene.panels.map((p) => [p.run, p.label, p.outer.y, p.outer.h])).toEqual([
      ['a', 'a', 0, 150],
      ['b', 'b', 150, 150],
    ]);
    const [pa, pb] = scene.panels as OverlayPanel[];
    expect(pa!.x.map(0)).toBe(pb!.x.map(0));
    expect(pa!.x.map(4)).toBe(pb!.x.map(4));
  });
});

describe('overlay view', () => {
  const scene = panelsScene({ width: 400, height: 220, mode: 'overlay', axis: 'step', series: [three], origins: [0] });
  const p = scene.panels[0] as OverlayPanel;

  it('colours steps from earliest to latest and draws the latest last', () => {
    expect([...p.colorT]).toEqual([0, 0.5, 1]);
    expect(p.drawn).toEqual([0, 1, 2]);
  });

  it('picks the line nearest the cursor', () => {
    const cx = p.x.map(1.5);
    expect(hitPanels(scene, cx, p.y.map(8))).toEqual({ panel: 0, step: 1, bin: 1 });
    expect(hitPanels(scene, cx, p.y.map(2.1))).toEqual({ panel: 0, step: 2, bin: 1 });
    expect(hitPanels(scene, p.x.map(3.5), p.y.map(2))).toEqual({ panel: 0, step: 2, bin: 3 });
  });

  it('keeps at most a hundred or so lines of 1,000 steps', () => {
    const many = series('m', Array.from({ length: 1000 }, () => [1, 1, 1, 1]));
    const q = panelsScene({ width: 400, height: 220, mode: 'overlay', axis: 'step', series: [many], origins: [0] }).panels[0]!;
    expect(q.drawn.length).toBeLessThanOrEqual(121);
    expect(q.drawn[q.drawn.length - 1]).toBe(999);
  });
});

describe('compare view', () => {
  it('finds the bin under the cursor on the common bins', () => {
    const a = series('a', [[2, 2]], [0, 1, 2]);
    const b = series('b', [[1, 1]], [2, 3, 4]);
    const scene = compareScene(400, 200, compareAt([a, b], null, 4));
    expect(hitCompare(scene, scene.x.map(2.5), scene.plot.y + 10)).toBe(2);
    expect(hitCompare(scene, scene.x.map(2.5), scene.plot.y + scene.plot.h + 5)).toBe(-1);
    expect(scene.y.map(0)).toBeCloseTo(scene.plot.y + scene.plot.h);
  });
});
