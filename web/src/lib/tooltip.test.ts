import { describe, expect, it } from 'vitest';
import { besideCursor } from './tooltip';

const view = { width: 1000, height: 800 };

describe('besideCursor', () => {
  it('goes right of and below the cursor when there is room', () => {
    expect(besideCursor(100, 100, 200, 100, view)).toEqual({ left: 116, top: 112 });
  });
  it('flips left near the right edge and up near the bottom', () => {
    expect(besideCursor(900, 750, 200, 100, view)).toEqual({ left: 684, top: 638 });
  });
  it('never crosses the left or top edge', () => {
    expect(besideCursor(150, 60, 300, 780, { width: 400, height: 800 })).toEqual({ left: 8, top: 8 });
  });
  it('keeps the vertical gap asked for', () => {
    expect(besideCursor(100, 100, 50, 50, view, 14).top).toBe(114);
  });
});
