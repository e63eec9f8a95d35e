import { describe, expect, it } from 'vitest';
import { type LegendEntry, moreTitle } from './Legend';

function entries(n: number): LegendEntry[] {
  return Array.from({ length: n }, (_, i) => ({ key: `run${i}`, color: '#000', label: `r${i}` }));
}

describe('moreTitle', () => {
  it('names every entry left out when there are few', () => {
    expect(moreTitle(entries(3))).toBe('run0\nrun1\nrun2');
  });

  it('prefers an entry’s own title', () => {
    expect(moreTitle([{ key: 'a', color: '', label: 'a', title: 'a, step 3' }])).toBe('a, step 3');
  });

  it('names twenty of a thousand and counts the rest', () => {
    const lines = moreTitle(entries(996)).split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('run0');
    expect(lines[19]).toBe('run19');
    expect(lines[20]).toBe('… and 976 more');
  });
});
