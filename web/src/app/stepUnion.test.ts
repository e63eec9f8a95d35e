import { describe, expect, it } from 'vitest';
import { createStepUnion } from './stepUnion';

describe('step union', () => {
  it("offers every card's steps, and drops a card's when it goes", () => {
    const u = createStepUnion();
    expect(u.steps.value).toEqual([]);
    u.report('a', [0, 100, 200]);
    u.report('b', [50, 100]);
    expect(u.steps.value).toEqual([0, 50, 100, 200]);
    u.report('b', [50, 100, 150]);
    expect(u.steps.value).toEqual([0, 50, 100, 150, 200]);
    u.forget('a');
    expect(u.steps.value).toEqual([50, 100, 150]);
  });

  it('does not recompute when a card reports the same steps again', () => {
    const u = createStepUnion();
    u.report('a', [1, 2]);
    const first = u.steps.value;
    u.report('a', [1, 2]);
    expect(u.steps.value).toBe(first);
  });
});
