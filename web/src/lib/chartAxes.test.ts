import { describe, expect, it } from 'vitest';
import { STEP_INCRS, formatX } from './chartAxes';
import { formatDateTime, formatDuration, formatStepShort } from './format';

describe('formatX', () => {
  it('reads x in the units of its axis', () => {
    expect(formatX(1500, 'step')).toBe(formatStepShort(1500));
    expect(formatX(1.5, 'relative')).toBe(formatDuration(5400));
    expect(formatX(1_800_000_000, 'wall')).toBe(formatDateTime(1_800_000_000));
  });
});

describe('STEP_INCRS', () => {
  it('are whole steps in 1-2-5 order, ascending', () => {
    expect(STEP_INCRS.slice(0, 6)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(STEP_INCRS.every((v, i) => Number.isInteger(v) && (i === 0 || v > STEP_INCRS[i - 1]!))).toBe(true);
  });
});
