import { describe, expect, it } from 'vitest';
import { boxColors, categorical, hueIndex, legend, missing, scaled, statRange } from './colors';
import type { Scene, SceneItem } from './scene';

const item = (id: string, patch: Partial<SceneItem> = {}): SceneItem => ({
  id,
  kind: 'leaf',
  expanded: false,
  x: 0,
  y: 0,
  w: 10,
  h: 10,
  depth: 1,
  lines: [id],
  name: id,
  node: 0,
  fn: false,
  op: 'MatMul',
  device: null,
  compute: null,
  memory: null,
  ...patch,
});
const scene = (items: SceneItem[]): Scene => ({ items, edges: [], width: 10, height: 10 });

describe('colours', () => {
  it('give an op the same colour everywhere, in both themes', () => {
    const ctx = { mode: 'op' as const, theme: 'light' as const, devices: [], range: null };
    expect(boxColors(item('a'), ctx)).toEqual(categorical(hueIndex('MatMul'), 'light'));
    expect(boxColors(item('a'), { ...ctx, theme: 'dark' }).fill).not.toBe(boxColors(item('a'), ctx).fill);
  });

  it('colour by device in the graph’s device order, quietly when a box has none', () => {
    const ctx = { mode: 'device' as const, theme: 'light' as const, devices: ['gpu:0', 'cpu:0'], range: null };
    expect(boxColors(item('a', { device: 'cpu:0' }), ctx)).toEqual(categorical(1, 'light'));
    expect(boxColors(item('b'), ctx)).toEqual(missing('light'));
  });

  it('scale stats logarithmically over the boxes on screen', () => {
    const s = scene([
      item('a', { compute: 10 }),
      item('b', { compute: 1000 }),
      item('c'),
      item('d', { compute: 5, expanded: true }),
    ]);
    const range = statRange(s, 'compute')!;
    expect(range).toEqual([10, 1000]);
    expect(scaled(10, range)).toBe(0);
    expect(scaled(1000, range)).toBe(1);
    expect(scaled(100, range)).toBeGreaterThan(0.4);
    const l = legend(s, { mode: 'compute', theme: 'light', devices: [], range });
    expect(l.ramp).toMatchObject({ low: '10 µs', high: '1.00 ms' });
  });

  it('list the ops on screen in the legend, most frequent first', () => {
    const s = scene([
      item('a', { op: 'Add' }),
      item('b', { op: 'Mul' }),
      item('c', { op: 'Mul' }),
      item('g', { kind: 'group', op: null }),
    ]);
    const l = legend(s, { mode: 'op', theme: 'light', devices: [], range: null });
    expect(l.entries.map((e) => [e.label, e.count])).toEqual([
      ['Mul', 2],
      ['Add', 1],
      ['scope (collapsed)', undefined],
    ]);
  });
});
