import { describe, expect, it } from 'vitest';
import { DEFAULT_SMOOTHING, type PageState, defaultState, extraKey, parseState, serializeState } from './urlState';

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
      extra: { 'images.step': '40', 'histograms.mode': 'offset', 'pr_curves.run': 'a&b=c?d#e ✓' },
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

  it('keeps links written before dashboards had parameters working', () => {
    const s = parseState('?tags=epoch&smoothing=0.3&x=wall&hide=train&collapsed=layer1&card=loss');
    expect(s).toEqual({
      ...defaultState(),
      tagFilter: 'epoch',
      smoothing: 0.3,
      xAxis: 'wall',
      hiddenRuns: ['train'],
      collapsed: ['layer1'],
      card: 'loss',
    });
    expect(s.extra).toEqual({});
  });

  it("keeps a dashboard's parameters and drops unknown keys", () => {
    const s = parseState('?images.step=12&foo=bar&images.step=99&Images.step=1&images.=2&.x=3&a.b.c=4');
    expect(s.extra).toEqual({ 'images.step': '12' });
    const q = serializeState(s);
    expect(q).toContain('images.step=12');
    expect(q).not.toContain('foo');
    expect(parseState(q).extra).toEqual({ 'images.step': '12' });
  });

  it('writes parameters in a stable order, whatever order they were set in', () => {
    const a = { ...defaultState(), extra: { 'text.mode': 'raw', 'audio.step': '3' } };
    const b = { ...defaultState(), extra: { 'audio.step': '3', 'text.mode': 'raw' } };
    expect(serializeState(a)).toBe(serializeState(b));
  });

  it('refuses parameter names that could clash with the core keys', () => {
    expect(extraKey('images', 'step')).toBe('images.step');
    expect(() => extraKey('images', '')).toThrow();
    expect(() => extraKey('', 'tags')).toThrow();
    expect(() => extraKey('images', 'a.b')).toThrow();
  });
});
