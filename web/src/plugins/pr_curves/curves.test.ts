import { describe, expect, it } from 'vitest';
import type { PrCurvesResponse } from '../../lib/api';
import { curvesAt, drawnIndices, facetData, formatCount, formatRatio, fromWire, nearestPoint, nearestThreshold } from './curves';

// A curve as the server sends it (the http_api.md example), at two steps.
const wire: PrCurvesResponse = {
  run: 'dev_exp',
  tag: 'd_pr_raw',
  steps: [0, 5],
  wall_times: [100, 105],
  thresholds: [
    [0, 0.25, 0.5, 0.75, 1],
    [0, 0.5, 1],
  ],
  precision: [
    [0.3333, 0.3786, 0.5384, 1.0, 0.0],
    [0.5, 'NaN', 0],
  ],
  recall: [
    [1.0, 0.8533, 0.28, 0.0666, 0.0],
    [1, 0.5, 0],
  ],
  tp: [
    [75, 64, 21, 5, 0],
    [10, 5, 0],
  ],
  fp: [
    [150, 105, 18, 0, 0],
    [10, 1, 0],
  ],
  tn: [
    [0, 45, 132, 150, 150],
    [0, 9, 10],
  ],
  fn: [
    [0, 11, 54, 70, 75],
    [0, 5, 10],
  ],
};

describe('PR curves', () => {
  const series = fromWire(wire);

  it('reads every step as columns of numbers', () => {
    expect(series.steps).toEqual([0, 5]);
    expect(Array.from(series.curves[0]!.tp)).toEqual([75, 64, 21, 5, 0]);
    expect(Number.isNaN(series.curves[1]!.precision[1]!)).toBe(true);
  });

  it('leaves out thresholds with nothing predicted positive, and non-finite points', () => {
    expect(drawnIndices(series.curves[0]!)).toEqual([0, 1, 2, 3]);
    expect(drawnIndices(series.curves[1]!)).toEqual([0]);
  });

  it("shows each run's nearest step, or its latest", () => {
    expect(curvesAt([series], 1).map((c) => c.step)).toEqual([0]);
    expect(curvesAt([series], 4).map((c) => c.step)).toEqual([5]);
    expect(curvesAt([series], null)[0]!.wallTime).toBe(105);
    expect(curvesAt([{ ...series, steps: [], wallTimes: [], curves: [] }], 3)).toEqual([]);
  });

  it('gives uPlot recall as x and precision as y', () => {
    const [none, first] = facetData(curvesAt([series], 0));
    expect(none).toBeNull();
    expect(first).toEqual([
      [1.0, 0.8533, 0.28, 0.0666],
      [0.3333, 0.3786, 0.5384, 1.0],
    ]);
  });

  it('finds the point under the cursor and the same threshold in another curve', () => {
    const curves = curvesAt([series, { ...series, run: 'other' }], 0);
    curves[1] = curvesAt([series], 5)[0]!;
    const toPx = (r: number, p: number): [number, number] => [r * 100, (1 - p) * 100];
    expect(nearestPoint(curves, toPx, 32, 50)).toEqual({ curve: 0, index: 2 });
    expect(nearestPoint(curves, toPx, 32, 50, 3)).toBeNull();
    expect(nearestThreshold(curves[0]!, 0.3)).toBe(1);
    expect(nearestThreshold(curves[1]!, 0.9)).toBe(0); // only threshold 0 is drawn at step 5
  });

  it('formats counts and ratios for the tooltip', () => {
    expect(formatCount(75)).toBe('75');
    expect(formatCount(12.345678)).toBe('12.35');
    expect(formatCount(Number.NaN)).toBe('NaN');
    expect(formatRatio(0.53840001)).toBe('0.5384');
  });
});
