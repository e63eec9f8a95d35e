import { describe, expect, it } from 'vitest';
import { runCardKey, shownIndex } from './stepChoice';

describe('the step a card shows', () => {
  const steps = [0, 10, 20, 40];

  it('shows the latest by default', () => {
    expect(shownIndex(steps, null, null)).toBe(3);
  });

  it('follows the global step to the nearest of its own', () => {
    expect(shownIndex(steps, null, 12)).toBe(1);
    expect(shownIndex(steps, null, 31)).toBe(3);
    expect(shownIndex(steps, null, -5)).toBe(0);
  });

  it("prefers its own slider's choice over the global step, whose null means the latest", () => {
    expect(shownIndex(steps, { step: 20 }, 0)).toBe(2);
    expect(shownIndex(steps, { step: 0 }, 40)).toBe(0);
    expect(shownIndex(steps, { step: null }, 0)).toBe(3);
  });

  it('has nothing to show without steps', () => {
    expect(shownIndex([], null, null)).toBe(-1);
    expect(shownIndex([], { step: 3 }, 3)).toBe(-1);
  });
});

describe('run card keys', () => {
  it('tells cards of one tag apart by run, readably', () => {
    expect(runCardKey('frames', 'a')).not.toBe(runCardKey('frames', 'b'));
    expect(runCardKey('notes', 'train')).toBe('notes @ train');
  });
});
