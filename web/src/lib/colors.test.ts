import { describe, expect, it } from 'vitest';
import { PALETTE, assignColors, hashName, preferredColor, withAlpha } from './colors';

describe('run colours', () => {
  it('hashes the same name to the same colour every time', () => {
    expect(hashName('train')).toBe(hashName('train'));
    expect(preferredColor('logs/fit/20261126-140301/validation')).toBe(
      preferredColor('logs/fit/20261126-140301/validation'),
    );
  });

  it('does not depend on the position of a run in the list', () => {
    const a = assignColors([
      { name: 'train', first_wall_time: 1 },
      { name: 'validation', first_wall_time: 2 },
    ]);
    const b = assignColors([
      { name: 'validation', first_wall_time: 2 },
      { name: 'train', first_wall_time: 1 },
    ]);
    expect(a).toEqual(b);
  });

  it('gives a lone run its hashed colour', () => {
    expect(assignColors([{ name: 'solo', first_wall_time: 5 }]).get('solo')).toBe(preferredColor('solo'));
  });

  it('gives distinct colours while the palette lasts', () => {
    const runs = Array.from({ length: PALETTE.length }, (_, i) => ({ name: `run-${i}`, first_wall_time: i }));
    const colors = new Set(assignColors(runs).values());
    expect(colors.size).toBe(PALETTE.length);
  });

  it('keeps existing colours when a newer run appears', () => {
    const before = assignColors([
      { name: 'train', first_wall_time: 1 },
      { name: 'validation', first_wall_time: 2 },
    ]);
    const after = assignColors([
      { name: 'aaa-new', first_wall_time: 3 },
      { name: 'train', first_wall_time: 1 },
      { name: 'validation', first_wall_time: 2 },
    ]);
    expect(after.get('train')).toBe(before.get('train'));
    expect(after.get('validation')).toBe(before.get('validation'));
    expect(after.get('aaa-new')).not.toBe(after.get('train'));
  });

  it('makes translucent colours for raw lines', () => {
    expect(withAlpha('#4477AA', 0.25)).toBe('rgba(68, 119, 170, 0.25)');
  });
});
