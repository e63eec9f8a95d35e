import { describe, expect, it } from 'vitest';
import { describeShape, isSingleCell, isTable, rowsOf } from './sample';
import { runCardKey, shownIndex } from './stepChoice';

describe('describeShape', () => {
  it('names documents, rows, tables and higher ranks', () => {
    expect(describeShape([])).toBe('document');
    expect(describeShape([1])).toBe('1 row');
    expect(describeShape([3])).toBe('3 rows');
    expect(describeShape([2, 2])).toBe('2×2 table');
    expect(describeShape([2, 3, 4])).toBe('2×3×4 tensor as 6 rows');
  });
});

describe('raw cells', () => {
  it('makes a document one cell and keeps tables as they are', () => {
    expect(rowsOf('# hi')).toEqual([['# hi']]);
    expect(rowsOf([['a', 'b'], ['c', 'd']])).toEqual([['a', 'b'], ['c', 'd']]);
    expect(isTable('x')).toBe(false);
    expect(isTable([['x']])).toBe(true);
  });

  it('treats a one-cell tensor as a document', () => {
    expect(isSingleCell([1])).toBe(true);
    expect(isSingleCell([1, 1])).toBe(true);
    expect(isSingleCell([])).toBe(false);
    expect(isSingleCell([2])).toBe(false);
    expect(isSingleCell([1, 2])).toBe(false);
  });
});

describe('shownIndex', () => {
  const steps = [0, 10, 20, 40];
  it('shows the latest step by default', () => {
    expect(shownIndex(steps, null, null)).toBe(3);
  });
  it('shows the nearest step to the global one', () => {
    expect(shownIndex(steps, null, 12)).toBe(1);
    expect(shownIndex(steps, null, 31)).toBe(3);
  });
  it("prefers the card's own choice, whose null means the latest", () => {
    expect(shownIndex(steps, { step: 0 }, 40)).toBe(0);
    expect(shownIndex(steps, { step: null }, 0)).toBe(3);
  });
  it('has nothing to show without steps', () => {
    expect(shownIndex([], null, null)).toBe(-1);
  });
  it('keys a run card by tag and run', () => {
    expect(runCardKey('notes', 'train')).toBe('notes @ train');
  });
});
