import { describe, expect, it } from 'vitest';
import { searchNames } from './search';

const NAMES = ['encoder/layer_1/attention/MatMul', 'MatMul', 'encoder/layer_1/matmul_2', 'matmul_fast/x', 'loss/Mean'];
const lower = NAMES.map((n) => n.toLowerCase());
const found = (q: string, limit = 10) => searchNames(lower, q, limit).map((m) => NAMES[m.index]);

describe('searchNames', () => {
  it('ranks exact names, then last segments starting with the query, then names starting with it', () => {
    expect(found('matmul')).toEqual([
      'MatMul',
      'encoder/layer_1/matmul_2',
      'encoder/layer_1/attention/MatMul',
      'matmul_fast/x',
    ]);
  });

  it('finds nodes anywhere in the name and says where it matched', () => {
    const m = searchNames(lower, 'attention', 5);
    expect(m.map((x) => NAMES[x.index])).toEqual(['encoder/layer_1/attention/MatMul']);
    expect(m[0]!.at).toEqual([16, 25]);
  });

  it('returns at most `limit` results and nothing for a blank query', () => {
    expect(found('a', 2)).toHaveLength(2);
    expect(found('  ')).toEqual([]);
    expect(found('nothing-like-it')).toEqual([]);
  });
});
