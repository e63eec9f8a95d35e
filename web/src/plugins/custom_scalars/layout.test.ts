import { describe, expect, it } from 'vitest';
import type { CustomScalarsCategory, CustomScalarsChart, TagInfo } from '../../lib/api';
import { PALETTE } from '../../lib/colors';
import { chartKeys, chartLines, compilePattern, fetchPlan, isOpen, lineColors, lineLabel, stringListParam, toggle } from './layout';

const tag = (name: string, runs: string[]): TagInfo => ({ tag: name, runs, display_name: '', description: '' });

function matches(pattern: string, tag: string): boolean {
  const p = compilePattern(pattern);
  if (!p.ok) throw new Error(p.error);
  return p.test(tag);
}

describe('compilePattern', () => {
  it('matches at the start of the tag only, as re.match does', () => {
    expect(matches('loss', 'loss/train')).toBe(true);
    expect(matches('train', 'loss/train')).toBe(false);
    expect(matches('loss|acc', 'accuracy')).toBe(true);
    expect(matches('a|b', 'xb')).toBe(false); // the anchor covers every alternative
    expect(matches('dev_twse/0050', 'dev_twse/0050')).toBe(true);
  });

  it("reads Python's spellings", () => {
    expect(matches('(?P<k>ab)(?P=k)', 'abab')).toBe(true);
    expect(matches('loss\\Z', 'loss')).toBe(true);
    expect(matches('loss\\Z', 'loss/x')).toBe(false);
    expect(matches('(?i)LOSS', 'loss')).toBe(true);
  });

  it('reports an invalid expression', () => {
    const p = compilePattern('loss(');
    expect(p.ok).toBe(false);
  });
});

const scalarTags = [
  tag('dev_twse/0050', ['main']),
  tag('dev_twse/2330', ['main', 'other']),
  tag('dev_dow/aaa', ['main', 'other']),
  tag('dev_dow/bbb', ['main', 'other']),
  tag('dev_dow/ccc', ['main']),
  tag('xdev_twse/1', ['main']),
];

describe('chartLines', () => {
  const multiline: CustomScalarsChart = { title: 'twse', kind: 'multiline', tags: ['dev_twse/', 'bad('] };

  it("draws every matching tag in each selected run holding it, and names invalid patterns", () => {
    const { lines, invalid } = chartLines(multiline, scalarTags, ['main', 'other']);
    expect(lines.map((l) => [l.tag, l.run])).toEqual([
      ['dev_twse/0050', 'main'],
      ['dev_twse/2330', 'main'],
      ['dev_twse/2330', 'other'],
    ]);
    expect(invalid.map((p) => p.source)).toEqual(['bad(']);
    expect(chartLines(multiline, scalarTags, ['other']).lines.map((l) => l.tag)).toEqual(['dev_twse/2330']);
  });

  it('draws a margin series per run with the bounds the run has', () => {
    const margin: CustomScalarsChart = {
      title: 'dow',
      kind: 'margin',
      series: [{ value: 'dev_dow/aaa', lower: 'dev_dow/bbb', upper: 'dev_dow/ccc' }],
    };
    const { lines } = chartLines(margin, scalarTags, ['main', 'other']);
    expect(lines.map((l) => [l.role, l.run, l.group])).toEqual([
      ['value', 'main', 0],
      ['lower', 'main', 0],
      ['upper', 'main', 0],
      ['value', 'other', 1],
      ['lower', 'other', 1],
    ]);
    expect([...fetchPlan(lines)]).toEqual([
      ['dev_dow/aaa', ['main', 'other']],
      ['dev_dow/bbb', ['main', 'other']],
      ['dev_dow/ccc', ['main']],
    ]);
  });

  it('draws nothing for a chart of an unknown kind', () => {
    expect(chartLines({ title: 'x', kind: null }, scalarTags, ['main']).lines).toEqual([]);
  });
});

describe('lineColors and labels', () => {
  const runColor = (run: string) => (run === 'main' ? '#111111' : '#222222');

  it('uses run colours when lines differ by run only, palette colours otherwise', () => {
    const byRun = chartLines({ title: 't', kind: 'multiline', tags: ['dev_twse/2330'] }, scalarTags, ['main', 'other']).lines;
    expect([...lineColors(byRun, runColor).values()]).toEqual(['#111111', '#222222']);
    const byTag = chartLines({ title: 't', kind: 'multiline', tags: ['dev_twse'] }, scalarTags, ['main']).lines;
    expect([...lineColors(byTag, runColor).values()]).toEqual([PALETTE[0], PALETTE[1]]);
  });

  it('gives a margin group one colour', () => {
    const margin = chartLines(
      { title: 'dow', kind: 'margin', series: [{ value: 'dev_dow/aaa', lower: 'dev_dow/bbb', upper: 'dev_dow/ccc' }] },
      scalarTags,
      ['main'],
    ).lines;
    expect(new Set(lineColors(margin, runColor).values())).toEqual(new Set(['#111111']));
    expect(margin.map((l) => lineLabel(l, false))).toEqual(['dev_dow/aaa', 'dev_dow/bbb (lower)', 'dev_dow/ccc (upper)']);
    expect(lineLabel(margin[0]!, true)).toBe('dev_dow/aaa · main');
  });
});

describe('categories', () => {
  const cats: CustomScalarsCategory[] = [
    { title: 'A', closed: false, charts: [{ title: 'x', kind: 'multiline', tags: [] }, { title: 'x', kind: 'multiline', tags: [] }] },
    { title: 'B', closed: true, charts: [{ title: '', kind: null }] },
  ];

  it('gives every chart a unique key', () => {
    expect(chartKeys(cats)).toEqual([['A › x', 'A › x #2'], ['B › untitled']]);
  });

  it("honours `closed` until the user toggles a category", () => {
    expect(isOpen(cats[0]!, [])).toBe(true);
    expect(isOpen(cats[1]!, [])).toBe(false);
    expect(isOpen(cats[1]!, toggle([], 'B'))).toBe(true);
    expect(toggle(['B'], 'B')).toEqual([]);
  });

  it('keeps the toggled categories in the URL as JSON', () => {
    expect(stringListParam.format(['a "b"', 'c'])).toBe('["a \\"b\\"","c"]');
    expect(stringListParam.parse('["a","c"]')).toEqual(['a', 'c']);
    expect(stringListParam.parse('nope')).toBeUndefined();
    expect(stringListParam.parse('[1]')).toBeUndefined();
    expect(stringListParam.format([])).toBe('');
  });
});
