import { describe, expect, it } from 'vitest';
import { alignRuns, fromWire, nearestIndex, pointBudget, prepareRun, smoothedChecksum, stepWindow, xOf } from './scalarSeries';

const wire = (run: string, steps: number[], values: (number | string)[], t0 = 1000) =>
  fromWire({
    run,
    steps,
    wall_times: steps.map((s) => t0 + s * 36),
    values,
    total: steps.length,
    downsampled: false,
  });

describe('x values', () => {
  it('maps the three axes', () => {
    expect(xOf(5, 4600, 'step', 1000)).toBe(5);
    expect(xOf(5, 4600, 'relative', 1000)).toBe(1);
    expect(xOf(5, 4600, 'wall', 1000)).toBe(4600);
  });
});

describe('prepareRun', () => {
  it('parses non-finite strings and smooths', () => {
    const r = prepareRun(wire('a', [0, 1, 2], [1, 'NaN', 3]), { xAxis: 'step', smoothing: 0 });
    expect(Array.from(r.raw)).toEqual([1, Number.NaN, 3]);
    expect(r.smoothed[1]).toBeNaN();
  });
  it('sorts by x so a restarted run draws left to right', () => {
    const r = prepareRun(wire('a', [0, 10, 5], [1, 2, 3]), { xAxis: 'step', smoothing: 0 });
    expect(r.xs).toEqual([0, 5, 10]);
    expect(Array.from(r.raw)).toEqual([1, 3, 2]);
  });
  it('measures relative time from the run origin in hours', () => {
    const r = prepareRun(wire('a', [0, 100], [1, 2]), { xAxis: 'relative', smoothing: 0 });
    expect(r.xs).toEqual([0, 1]);
  });
});

describe('overwritten points', () => {
  it('keeps points a restart overwrote out of the line and the smoothing', () => {
    const s = { ...wire('a', [0, 1, 2, 1, 2], [1, 2, 3, 20, 30]), hidden: [false, true, true, false, false] };
    const r = prepareRun(s, { xAxis: 'step', smoothing: 0.5 });
    expect(r.xs).toEqual([0, 1, 2]);
    expect(Array.from(r.raw)).toEqual([1, 20, 30]);
    expect(r.overwritten).toEqual({ xs: [1, 2], values: [2, 3] });
    expect(r.smoothed[0]).toBe(1);
  });
});

describe('alignRuns', () => {
  it('puts runs on the union of x values, with holes as undefined and NaN as null', () => {
    const a = prepareRun(wire('a', [0, 2, 4], [1, 'NaN', 3]), { xAxis: 'step', smoothing: 0 });
    const b = prepareRun(wire('b', [1, 2], [5, 'Infinity']), { xAxis: 'step', smoothing: 0 });
    const [xs, aRaw, aSm, bRaw] = alignRuns([a, b], 'linear');
    expect(xs).toEqual([0, 1, 2, 4]);
    expect(aRaw).toEqual([1, undefined, null, 3]);
    expect(aSm).toEqual([1, undefined, null, 3]);
    expect(bRaw).toEqual([undefined, 5, null, undefined]);
  });
  it('drops non-positive values on a log scale', () => {
    const a = prepareRun(wire('a', [0, 1, 2], [0, -1, 2]), { xAxis: 'step', smoothing: 0 });
    expect(alignRuns([a], 'log')[1]).toEqual([null, null, 2]);
  });
});

describe('nearestIndex', () => {
  it('finds the closest point', () => {
    expect(nearestIndex([0, 10, 20], 12)).toBe(1);
    expect(nearestIndex([0, 10, 20], 16)).toBe(2);
    expect(nearestIndex([0, 10, 20], -5)).toBe(0);
    expect(nearestIndex([0, 10, 20], 99)).toBe(2);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});

describe('stepWindow', () => {
  it('uses the x window on the step axis', () => {
    expect(stepWindow([], 10.4, 20.2, 'step')).toEqual([10, 21]);
  });
  it('maps a time window to the steps inside it', () => {
    const a = prepareRun(wire('a', [0, 100, 200, 300], [1, 2, 3, 4]), { xAxis: 'relative', smoothing: 0 });
    expect(stepWindow([a], 0.5, 2.5, 'relative')).toEqual([100, 200]);
    expect(stepWindow([a], 5, 6, 'relative')).toBeNull();
  });
});

describe('smoothedChecksum', () => {
  it('changes with smoothing', () => {
    const s = wire('a', [0, 1, 2, 3], [1, 5, 2, 8]);
    const c0 = smoothedChecksum([prepareRun(s, { xAxis: 'step', smoothing: 0 })]);
    const c9 = smoothedChecksum([prepareRun(s, { xAxis: 'step', smoothing: 0.9 })]);
    expect(c0).toBe(16);
    expect(c9).not.toBe(c0);
  });
});

describe('pointBudget', () => {
  it('asks two points per pixel, within bounds', () => {
    expect(pointBudget(600)).toBe(1200);
    expect(pointBudget(0)).toBe(800);
    expect(pointBudget(50)).toBe(200);
    expect(pointBudget(10_000)).toBe(8000);
  });
});
