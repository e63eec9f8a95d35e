import { describe, expect, it } from 'vitest';
import { compileFilter, escapeRegex } from './regex';

describe('compileFilter', () => {
  it('matches everything when empty', () => {
    const f = compileFilter('  ');
    expect(f.ok && f.test('anything')).toBe(true);
  });
  it('is case-insensitive', () => {
    const f = compileFilter('LOSS$');
    expect(f.ok && f.test('epoch_loss')).toBe(true);
    expect(f.ok && f.test('epoch_loss_2')).toBe(false);
  });
  it('reports an invalid expression instead of throwing', () => {
    const f = compileFilter('epoch_(');
    expect(f.ok).toBe(false);
    if (!f.ok) {
      expect(f.error.length).toBeGreaterThan(0);
      expect(f.error).not.toContain('epoch_(');
    }
  });
  it('escapes text into an exact pattern', () => {
    const f = compileFilter(`^${escapeRegex('a.b (c)/[d]?')}$`);
    expect(f.ok && f.test('a.b (c)/[d]?')).toBe(true);
    expect(f.ok && f.test('axb (c)/[d]?')).toBe(false);
  });
});
