import { describe, expect, it } from 'vitest';
import { DEFAULT_SMOOTHING, type PageState, defaultState, parseState, serializeState } from './urlState';

describe('url state', () => {
  it('round-trips every field', () => {
    const s: PageState = {
      tab: 'scalars',
      hiddenRuns: ['logs/fit/2026 11/train', 'dev run ✓ name', 'a&b=c?d#e', '.'],
      runFilter: 'valid|train',
      tagFilter: '^epoch_(loss|acc)',
      smoothing: 0.85,
      xAxis: 'relative',
      yScale: 'log',
      ignoreOutliers: true,
      showHidden: true,
      card: 'weird/<b>tag</b> "quoted"\nnewline',
      collapsed: ['layer1', ''],
    };
    expect(parseState(serializeState(s))).toEqual(s);
  });

  it('round-trips the defaults to a short query', () => {
    const s = defaultState();
    const q = serializeState(s);
    expect(q).toBe(`?smoothing=${DEFAULT_SMOOTHING}`);
    expect(parseState(q)).toEqual(s);
  });

  it('uses the fallback smoothing only when the URL has none', () => {
    expect(parseState('', 0.9).smoothing).toBe(0.9);
    expect(parseState('?smoothing=0.3', 0.9).smoothing).toBe(0.3);
  });

  it('clamps and ignores malformed values', () => {
    const s = parseState('?smoothing=7&x=banana&y=cubic&outliers=yes&tab=../../etc');
    expect(s.smoothing).toBe(0.999);
    expect(s.xAxis).toBe('step');
    expect(s.yScale).toBe('linear');
    expect(s.ignoreOutliers).toBe(false);
    expect(s.tab).toBe('scalars');
    expect(parseState('?smoothing=abc').smoothing).toBe(DEFAULT_SMOOTHING);
    expect(parseState('?smoothing=-1').smoothing).toBe(0);
  });
});
