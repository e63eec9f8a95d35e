import { describe, expect, it } from 'vitest';
import { quantileSorted, yRange } from './scale';

describe('quantileSorted', () => {
  it('interpolates', () => {
    expect(quantileSorted([0, 10], 0.5)).toBe(5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4, 5], 1)).toBe(5);
  });
});

describe('yRange', () => {
  const data = [Array.from({ length: 100 }, (_, i) => i / 100)];
  it('covers all data with a margin by default', () => {
    const [lo, hi] = yRange([[...data[0]!, 1000]], { ignoreOutliers: false, log: false })!;
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(1000);
  });
  it('ignores a spike when asked', () => {
    const [lo, hi] = yRange([[...data[0]!, 1000]], { ignoreOutliers: true, log: false })!;
    expect(hi).toBeLessThan(2);
    expect(lo).toBeGreaterThan(-0.5);
  });
  it('skips non-finite values and holes', () => {
    expect(yRange([[Number.NaN, 1, null, undefined, Number.POSITIVE_INFINITY, 3]], { ignoreOutliers: false, log: false }))
      .toEqual([0.9, 3.1]);
  });
  it('only uses positive values on a log scale', () => {
    const [lo, hi] = yRange([[-1, 0, 0.01, 100]], { ignoreOutliers: false, log: true })!;
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeLessThan(0.01);
    expect(hi).toBeGreaterThan(100);
  });
  it('returns null when there is nothing finite', () => {
    expect(yRange([[Number.NaN]], { ignoreOutliers: false, log: false })).toBeNull();
  });
  it('widens a flat line', () => {
    expect(yRange([[2, 2, 2]], { ignoreOutliers: false, log: false })).toEqual([1.8, 2.2]);
  });
});
