import { describe, expect, it } from 'vitest';
import { smooth } from './smoothing';

/** TensorBoard's loop written out by hand for a reference value. */
function reference(values: number[], w: number): number[] {
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    n++;
    return last / (1 - w ** n);
  });
}

describe('smooth', () => {
  it('returns the values unchanged at weight 0', () => {
    expect(Array.from(smooth([1, 5, 2], 0))).toEqual([1, 5, 2]);
  });

  it('is debiased: the first point equals the first value', () => {
    const out = smooth([10, 20, 30], 0.9);
    expect(out[0]).toBeCloseTo(10, 12);
  });

  it('matches the debiased exponential moving average', () => {
    const values = [0.5, 0.9, 0.1, 0.7, 0.3, 0.8];
    const out = smooth(values, 0.6);
    const ref = reference(values, 0.6);
    out.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 12));
    // second point by hand: last = 0.6*0.2 + 0.4*0.9 = 0.56... spelled out:
    const l1 = 0.4 * 0.5;
    const l2 = 0.6 * l1 + 0.4 * 0.9;
    expect(out[1]).toBeCloseTo(l2 / (1 - 0.36), 12);
  });

  it('passes NaN and infinities through without poisoning later points', () => {
    const out = smooth([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5, Number.NEGATIVE_INFINITY, 7], 0.5);
    expect(out[1]).toBeNaN();
    expect(out[3]).toBe(Number.POSITIVE_INFINITY);
    expect(out[5]).toBe(Number.NEGATIVE_INFINITY);
    // the finite points are smoothed as if the non-finite ones were absent
    const finite = Array.from(smooth([1, 3, 5, 7], 0.5));
    expect([out[0], out[2], out[4], out[6]]).toEqual(finite);
    expect(finite.every(Number.isFinite)).toBe(true);
  });

  it('leaves a constant series exactly constant', () => {
    expect(Array.from(smooth([0.1, 0.1, 0.1, 0.1], 0.95))).toEqual([0.1, 0.1, 0.1, 0.1]);
  });

  it('clamps the weight below 1 so the curve still moves', () => {
    const out = smooth([0, 100, 100, 100], 1);
    expect(out[3]).toBeGreaterThan(0);
  });

  it('handles empty input', () => {
    expect(smooth([], 0.5).length).toBe(0);
  });
});
