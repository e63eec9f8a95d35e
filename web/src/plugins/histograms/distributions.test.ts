import { describe, expect, it } from 'vitest';
import {
  bandPairs,
  basisPointName,
  basisPointPercent,
  extent,
  fromWire,
  medianIndex,
  nearestX,
  padRange,
  prepare,
  xValues,
} from './distributions';

const BP = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000];

const wire = {
  run: 'r',
  tag: 't',
  steps: [0, 1],
  wall_times: [7200, 10800],
  basis_points: BP,
  percentiles: [[-1, -1], [-0.7, -0.8], [-0.6, -0.7], [-0.4, -0.5], [-0.1, 'NaN'], [0.1, 0.2], [0.5, 0.7], [0.6, 0.8], [1, 'Infinity']],
};

describe('basis points', () => {
  it('names them as TensorBoard draws them', () => {
    expect(BP.map(basisPointName)).toEqual(['min', '−1.5σ', '−1σ', '−0.5σ', 'median', '+0.5σ', '+1σ', '+1.5σ', 'max']);
    expect(basisPointName(2500)).toBe('p25');
    expect(basisPointPercent(9332)).toBe('93.32%');
  });

  it('pairs them into nested bands, outermost first, around the median', () => {
    expect(bandPairs(BP)).toEqual([
      [0, 8],
      [1, 7],
      [2, 6],
      [3, 5],
    ]);
    expect(medianIndex(BP)).toBe(4);
    expect(bandPairs([0, 5000, 9000])).toEqual([]);
  });
});

describe('prepare', () => {
  const d = fromWire(wire);

  it('gives x then a column per basis point, non-finite values as gaps', () => {
    const { cols } = prepare(d, 'step', 0);
    expect(cols.length).toBe(10);
    expect(cols[0]).toEqual([0, 1]);
    expect(cols[5]).toEqual([-0.1, null]);
    expect(cols[9]).toEqual([1, null]);
  });

  it('puts relative time in hours and wall time in seconds', () => {
    expect(xValues(d, 'relative', 7200)).toEqual([0, 1]);
    expect(xValues(d, 'wall', 0)).toEqual([7200, 10800]);
  });

  it('sorts by x when wall times go back (a restarted run)', () => {
    const back = fromWire({ ...wire, wall_times: [20, 10] });
    const { cols, steps, wallTimes } = prepare(back, 'wall', 0);
    expect(cols[0]).toEqual([10, 20]);
    expect(steps).toEqual([1, 0]);
    expect(wallTimes).toEqual([10, 20]);
    expect(cols[1]).toEqual([-1, -1]);
    expect(cols[2]).toEqual([-0.8, -0.7]);
  });
});

describe('ranges', () => {
  it('spans the finite values and pads them', () => {
    expect(extent([[1, null, 3], [-2, Number.NaN]])).toEqual([-2, 3]);
    expect(extent([[null]])).toBeNull();
    expect(padRange([0, 100])).toEqual([-4, 104]);
    expect(padRange([5, 5])).toEqual([4.5, 5.5]);
    expect(padRange(null)).toEqual([0, 1]);
  });

  it('finds the nearest x', () => {
    expect(nearestX([0, 10, 20], 14)).toBe(1);
    expect(nearestX([0, 10, 20], 16)).toBe(2);
    expect(nearestX([], 1)).toBe(-1);
  });
});
