import { describe, expect, it } from 'vitest';
import { describeShape, isSingleCell, isTable, rowsOf } from './sample';

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
