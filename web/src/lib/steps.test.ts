import { describe, expect, it } from 'vitest';
import { mergeSteps, nearest, nearestIndex, wallTimesAt } from './steps';

describe('nearest step', () => {
  const steps = [0, 10, 20, 500, 1000];

  it('finds an exact step', () => {
    for (const [i, s] of steps.entries()) {
      expect(nearest(steps, s)).toBe(s);
      expect(nearestIndex(steps, s)).toBe(i);
    }
  });

  it('goes to the closer neighbour between sparse steps', () => {
    expect(nearest(steps, 14)).toBe(10);
    expect(nearest(steps, 16)).toBe(20);
    expect(nearest(steps, 300)).toBe(500);
    expect(nearest(steps, 200)).toBe(20);
  });

  it('takes the earlier step on a tie', () => {
    expect(nearest(steps, 15)).toBe(10);
    expect(nearest(steps, 750)).toBe(500);
  });

  it('clamps to the ends', () => {
    expect(nearest(steps, -5)).toBe(0);
    expect(nearest(steps, 1e12)).toBe(1000);
    expect(nearest(steps, Number.POSITIVE_INFINITY)).toBe(1000);
    expect(nearest(steps, Number.NEGATIVE_INFINITY)).toBe(0);
  });

  it('has no answer for no steps or a NaN target', () => {
    expect(nearest([], 3)).toBeNull();
    expect(nearestIndex([], 3)).toBe(-1);
    expect(nearest(steps, Number.NaN)).toBeNull();
  });

  it('agrees with a linear scan on many targets', () => {
    const many = [-7, -3, 0, 1, 2, 8, 13, 21, 34, 55, 89, 144, 1000, 1001];
    for (let t = -20; t <= 1100; t += 0.5) {
      let best = many[0]!;
      for (const s of many) if (Math.abs(s - t) < Math.abs(best - t)) best = s;
      expect(nearest(many, t)).toBe(best);
    }
  });
});

describe('merged steps', () => {
  it('is the sorted union, each step once', () => {
    expect(mergeSteps([[0, 10, 20], [5, 10, 1000], [], [20]])).toEqual([0, 5, 10, 20, 1000]);
  });

  it('sorts numerically, not as text', () => {
    expect(mergeSteps([[100, 9], [20]])).toEqual([9, 20, 100]);
  });
});

describe('wall times of merged steps', () => {
  it('takes each step from the first series that has it, NaN where none has', () => {
    const a = { steps: [0, 10], wallTimes: [100, 110] };
    const b = { steps: [10, 20], wallTimes: [999, 120] };
    expect(wallTimesAt([a, b], [0, 10, 15, 20])).toEqual([100, 110, Number.NaN, 120]);
  });
});
