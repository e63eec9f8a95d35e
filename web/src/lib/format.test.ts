import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatStep,
  formatStepShort,
  formatValue,
  middleEllipsis,
  fitMiddle,
  formatWallTick,
  shortRunNames,
  tagTitle,
} from './format';

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [0.5, '0.5'],
    [0.123456, '0.123'],
    [12.5, '12.5'],
    [1234, '1234'],
    [12_345, '12.3k'],
    [1_200_000, '1.2M'],
    [3.4e-5, '3.4e-5'],
    [0.001, '0.001'],
    [-0.25, '−0.25'],
    [-45_000, '−45k'],
    [2e9, '2G'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '∞'],
    [Number.NEGATIVE_INFINITY, '−∞'],
  ])('%s -> %s', (v, s) => {
    expect(formatNumber(v)).toBe(s);
  });

  it('keeps more digits for tooltips', () => {
    expect(formatValue(0.123456789)).toBe('0.12346');
    expect(formatValue(3.14159e-7)).toBe('3.1416e-7');
  });
});

describe('formatStep', () => {
  it('groups thousands and keeps the exact integer', () => {
    expect(formatStep(7)).toBe('7');
    expect(formatStep(1234)).toBe('1234');
    expect(formatStep(1234567)).toBe('1\u202f234\u202f567');
    expect(formatStep(-3)).toBe('−3');
  });
  it('is compact on axes', () => {
    expect(formatStepShort(500)).toBe('500');
    expect(formatStepShort(25_000)).toBe('25k');
  });
});

describe('formatDuration', () => {
  it.each([
    [0.25, '0.25 s'],
    [5, '5 s'],
    [45, '45 s'],
    [90, '1.5 min'],
    [720, '12 min'],
    [5400, '1.5 h'],
    [86400 * 3.2, '3.2 d'],
  ])('%s s -> %s', (v, s) => {
    expect(formatDuration(v)).toBe(s);
  });
});

describe('formatDateTime', () => {
  it('formats local time as YYYY-MM-DD HH:MM', () => {
    const d = new Date(2026, 10, 26, 14, 3, 9);
    expect(formatDateTime(d.getTime() / 1000)).toBe('2026-11-26 14:03');
    expect(formatDateTime(d.getTime() / 1000, true)).toBe('2026-11-26 14:03:09');
  });
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(123_456)).toBe('123 kB');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
  });
});

describe('middleEllipsis', () => {
  it('keeps short names', () => {
    expect(middleEllipsis('train', 10)).toBe('train');
  });
  it('keeps the start and the end of long names', () => {
    const s = middleEllipsis('lr=1e-2/seed_1/2026-11-26/validation', 16);
    expect(Array.from(s).length).toBe(16);
    expect(s.startsWith('lr=1e-2')).toBe(true);
    expect(s.endsWith('idation')).toBe(true);
    expect(s).toContain('…');
  });
  it('counts unicode characters, not UTF-16 units', () => {
    expect(middleEllipsis('✓✓✓✓✓✓🙂🙂🙂🙂', 5)).toBe('✓✓…🙂🙂');
  });
});

describe('shortRunNames', () => {
  it('drops the shared directory prefix', () => {
    const m = shortRunNames(['logs/fit/2026/train', 'logs/fit/2026/validation']);
    expect(m.get('logs/fit/2026/train')).toBe('…/train');
    expect(m.get('logs/fit/2026/validation')).toBe('…/validation');
  });
  it('cuts only at a slash', () => {
    const m = shortRunNames(['run-10', 'run-11']);
    expect(m.get('run-10')).toBe('run-10');
  });
  it('keeps a lone run and a run that is the prefix itself', () => {
    expect(shortRunNames(['a/b/c']).get('a/b/c')).toBe('a/b/c');
    const m = shortRunNames(['a/', 'a/b']);
    expect(m.get('a/')).toBe('a/');
  });
});

describe('formatWallTick', () => {
  const t = new Date(2026, 10, 26, 14, 3, 9).getTime() / 1000;
  it('adds precision for short spans', () => {
    expect(formatWallTick(t + 0.25, 0.5)).toBe('14:03:09.250');
    expect(formatWallTick(t, 30)).toBe('14:03:09');
    expect(formatWallTick(t, 300)).toBe('14:03:09');
  });
  it('drops it for long ones', () => {
    expect(formatWallTick(t, 3600)).toBe('14:03');
    expect(formatWallTick(t, 86400 * 3)).toBe('11-26 14:03');
    expect(formatWallTick(t, 86400 * 90)).toBe('2026-11-26');
  });
});

describe('fitMiddle', () => {
  const width = (s: string) => Array.from(s).length * 10;
  it('keeps text that fits', () => {
    expect(fitMiddle('train', 100, width)).toBe('train');
  });
  it('shortens in the middle to the widest form that fits', () => {
    const out = fitMiddle('runs/dev_main/dev_run_14h_xsinx', 120, width);
    expect(width(out)).toBeLessThanOrEqual(120);
    expect(Array.from(out).length).toBe(12);
    expect(out.startsWith('runs/')).toBe(true);
    expect(out.endsWith('xsinx')).toBe(true);
  });
});

describe('tagTitle', () => {
  it('is the display name when the writer gave one', () => {
    expect(tagTitle({ tag: 'loss/train', display_name: 'Training loss' })).toBe('Training loss');
  });
  it('is the tag without one', () => {
    expect(tagTitle({ tag: 'loss/train', display_name: '' })).toBe('loss/train');
  });
});
