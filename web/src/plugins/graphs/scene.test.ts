import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import type { WireNode } from './api';
import { buildHierarchy, groupId, leafId } from './hierarchy';
import { buildModel } from './model';
import {
  aggregates,
  boxLines,
  edgePath,
  elkGraph,
  estimate,
  fitLine,
  inPort,
  outPort,
  placeLabels,
  readScene,
} from './scene';
import { visibleGraph } from './visible';

const NODES: WireNode[] = [
  { name: 'in', op: 'Placeholder', output_shapes: [[8, 4]] },
  { name: 'net/a', op: 'MatMul', inputs: ['in'] },
  { name: 'net/inner/b', op: 'Relu', inputs: ['net/a'] },
  { name: 'net/inner/c', op: 'Relu', inputs: ['in'] },
  { name: 'out', op: 'Identity', inputs: ['net/inner/b', 'net/inner/c'] },
];

function setup(expanded: string[]) {
  const m = buildModel({ run: 'r', tag: 't', kind: 'op', nodes: NODES });
  const h = buildHierarchy(m.nodes.map((n) => n.name));
  const vis = visibleGraph(h, m, new Set(expanded));
  return { m, h, vis, built: elkGraph(h, m, vis) };
}

describe('elkGraph', () => {
  it('cuts edges crossing scope borders into segments meeting at the scopes’ ports', () => {
    const { built } = setup([groupId('net'), groupId('net/inner')]);
    const segs = [...built.segments.values()].map(
      (s) => `${s.container}: ${s.src} -> ${s.dst}${s.main ? ' (main)' : ''}`,
    );
    const net = groupId('net');
    const inner = groupId('net/inner');
    expect(segs).toEqual(
      expect.arrayContaining([
        `g:: ${leafId(0)} -> ${inPort(net)} (main)`,
        `${net}: ${inPort(net)} -> ${leafId(1)}`,
        `${net}: ${leafId(1)} -> ${inPort(inner)} (main)`,
        `${inner}: ${inPort(inner)} -> ${leafId(2)}`,
        `${inner}: ${leafId(2)} -> ${outPort(inner)}`,
        `${net}: ${outPort(inner)} -> ${outPort(net)}`,
        `g:: ${outPort(net)} -> ${leafId(4)} (main)`,
      ]),
    );
    // The two edges leaving net/inner share their way out of net.
    const shared = [...built.segments.values()].find((s) => s.container === net && s.src === outPort(inner));
    expect(shared!.count).toBe(2);
  });

  it('is laid out by ELK into boxes inside their scopes, with joined-up edges', async () => {
    const { m, h, vis, built } = setup([groupId('net'), groupId('net/inner')]);
    const laid = await new ELK().layout(built.graph);
    const scene = readScene(laid, h, vis, built.lines, built.segments, aggregates(h, m), m);
    const box = (id: string) => scene.items.find((i) => i.id === id)!;
    const net = box(groupId('net'));
    const inner = box(groupId('net/inner'));
    expect(net.expanded).toBe(true);
    for (const it of [box(leafId(1)), inner]) {
      expect(it.x).toBeGreaterThanOrEqual(net.x);
      expect(it.y).toBeGreaterThan(net.y);
      expect(it.x + it.w).toBeLessThanOrEqual(net.x + net.w);
      expect(it.y + it.h).toBeLessThanOrEqual(net.y + net.h);
    }
    // Inputs above, outputs below.
    expect(box(leafId(0)).y).toBeLessThan(net.y);
    expect(box(leafId(4)).y).toBeGreaterThan(net.y + net.h);
    // Every segment ending at a port continues from the same point.
    const ends = (d: string) => {
      const nums = d.match(/-?[\d.]+/g)!.map(Number);
      return { start: [nums[0], nums[1]], end: [nums[nums.length - 2], nums[nums.length - 1]] };
    };
    const into = scene.edges.find((e) => e.src === leafId(0) && e.dst === groupId('net'))!;
    const onward = scene.edges.find((e) => e.src === groupId('net') && e.dst === leafId(1))!;
    // (within the port's 1-pixel size)
    expect(Math.abs(ends(onward.d).start[0]! - ends(into.d).end[0]!)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(ends(onward.d).start[1]! - ends(into.d).end[1]!)).toBeLessThanOrEqual(1.5);
    expect(into.label).toBe('8×4 ×2'); // in feeds two nodes inside net through one port
    expect(scene.items.filter((i) => !i.expanded)).toHaveLength(5);
  });
});

describe('box text', () => {
  it('cuts long names in the middle to fit', () => {
    const long = 'a_very_long_scope_name_that_does_not_fit_anywhere_17';
    const fitted = fitLine(long, 120, 'main', estimate);
    expect(estimate(fitted, 'main')).toBeLessThanOrEqual(120);
    expect(fitted).toContain('…');
    expect(fitted.endsWith('_17')).toBe(true);
    expect(fitLine('short', 120, 'main', estimate)).toBe('short');
  });

  it('shows a Keras layer’s class, output shape and parameters', () => {
    const m = buildModel({
      run: 'r',
      tag: 'keras',
      kind: 'keras',
      nodes: [{ name: 'model/dense', op: 'Dense', output_shapes: [[-1, 16]], params: 1040 }],
    });
    const h = buildHierarchy(m.nodes.map((n) => n.name));
    expect(boxLines(m, h.items.get(leafId(0))!)).toEqual(['dense', 'Dense', '→ ?×16', '1.0k params']);
    expect(boxLines(m, h.items.get(groupId('model'))!)).toEqual(['model', 'model · 1 layer']);
  });
});

describe('edgePath', () => {
  it('draws spline sections as Bézier curves and others as polylines', () => {
    const p = { x: 0, y: 0 };
    const q = { x: 10, y: 30 };
    expect(
      edgePath([
        {
          id: 's',
          startPoint: p,
          endPoint: q,
          bendPoints: [
            { x: 0, y: 10 },
            { x: 10, y: 20 },
          ],
        },
      ])!.d,
    ).toBe('M0,0C0,10 10,20 10,30');
    expect(edgePath([{ id: 's', startPoint: p, endPoint: q, bendPoints: [{ x: 0, y: 15 }] }])!.d).toBe(
      'M0,0L0,15L10,30',
    );
    expect(edgePath([])).toBeNull();
  });
});

describe('placeLabels', () => {
  const item = (id: string, x: number, y: number) => ({
    id,
    kind: 'leaf' as const,
    expanded: false,
    x,
    y,
    w: 60,
    h: 26,
    depth: 1,
    lines: [id],
    name: id,
    node: 0,
    fn: false,
    op: null,
    device: null,
    compute: null,
    memory: null,
  });
  const edge = (id: string, lx: number, ly: number, count: number) => ({
    id,
    src: 'a',
    dst: 'b',
    d: '',
    count,
    control: false,
    call: false,
    stub: false,
    label: `${count} tensors`,
    lx,
    ly,
    width: 1,
    box: [0, 0, 0, 0] as [number, number, number, number],
  });

  it('keeps the busier of two overlapping labels and drops labels over boxes', () => {
    const edges = [
      edge('quiet', 100, 100, 2),
      edge('busy', 104, 102, 9),
      edge('alone', 400, 400, 1),
      edge('covered', 10, 20, 5),
    ];
    placeLabels(edges, [item('box', 0, 0)]);
    expect(edges.map((e) => e.label)).toEqual([null, '9 tensors', '1 tensors', null]);
  });
});
