import { describe, expect, it } from 'vitest';
import type { BlobStep } from './api';
import { clampSample, downloadName, mergeListing, stepsOf, wallTimesOf } from './blobListing';

function step(n: number, items: string[] = ['a']): BlobStep<string> {
  return { step: n, wall_time: 1000 + n, items };
}

describe('listing merge', () => {
  it('replaces everything on a full fetch', () => {
    const old = [step(0), step(1)];
    expect(stepsOf(mergeListing(old, [step(5)], null))).toEqual([5]);
  });

  it('keeps the steps before the fetched window and takes the fresh ones from it', () => {
    const old = [step(0), step(1), step(2, ['x'])];
    const merged = mergeListing(old, [step(2, ['x', 'y']), step(3)], 2);
    expect(stepsOf(merged)).toEqual([0, 1, 2, 3]);
    expect(merged[2]!.items).toEqual(['x', 'y']);
    expect(merged[0]).toBe(old[0]);
  });

  it('drops a step the fresh answer no longer holds inside its window', () => {
    const merged = mergeListing([step(0), step(4), step(6)], [step(5)], 4);
    expect(stepsOf(merged)).toEqual([0, 5]);
  });

  it('stays sorted', () => {
    const merged = mergeListing([step(0), step(10)], [step(3), step(1)], 1);
    expect(stepsOf(merged)).toEqual([0, 1, 3]);
    expect(wallTimesOf(merged)).toEqual([1000, 1001, 1003]);
  });
});

describe('samples and names', () => {
  it('keeps a sample index in the batch', () => {
    expect(clampSample(4, 9)).toBe(4);
    expect(clampSample(9, 9)).toBe(8);
    expect(clampSample(-1, 9)).toBe(0);
    expect(clampSample(3, 0)).toBe(0);
    expect(clampSample(Number.NaN, 2)).toBe(0);
  });

  it('names downloads after the tag, step and sample, safe for file systems', () => {
    expect(downloadName('dev/Training data', 0, 3, 9, 'png')).toBe('dev_Training data_step0_3.png');
    expect(downloadName('frames', 1200, 0, 1, 'JPEG')).toBe('frames_step1200.jpeg');
    expect(downloadName('../../etc', 1, 0, 1, 'wav')).toBe('etc_step1.wav');
    expect(downloadName('a:b*c?', 1, 0, 1, '')).toBe('a_b_c_step1.bin');
  });
});
