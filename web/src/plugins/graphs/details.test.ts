import { describe, expect, it } from 'vitest';
import type { WireNode } from './api';
import { MAX_LINKS, details, groupDetails, nodeDetails } from './details';
import { buildHierarchy, groupId, leafId } from './hierarchy';
import { buildModel } from './model';
import { aggregates } from './scene';

function setup(nodes: WireNode[], functions: { name: string; inputs: string[]; nodes: WireNode[] }[] = []) {
  const m = buildModel({ run: 'r', tag: 't', kind: 'op', nodes, functions });
  const h = buildHierarchy(
    m.nodes.map((n) => n.name),
    m.functions,
  );
  return { m, h, agg: aggregates(h, m) };
}

describe('nodeDetails', () => {
  it('lists inputs with the producer’s shape and consumers with this node’s', () => {
    const { m, h } = setup([
      { name: 'x', op: 'Placeholder', output_shapes: [[8, 4]] },
      { name: 'net/mm', op: 'MatMul', inputs: ['x', '^init', 'gone'], output_shapes: [[8, 2]], device: '/gpu:0' },
      { name: 'net/relu', op: 'Relu', inputs: ['net/mm'] },
      { name: 'init', op: 'NoOp' },
    ]);
    const d = nodeDetails(h, m, 1);
    expect(d.op).toBe('MatMul');
    expect(d.device).toBe('/gpu:0');
    expect(d.inputs).toEqual([
      { id: leafId(0), name: 'x', control: false, shape: '8×4' },
      { id: leafId(3), name: 'init', control: true, shape: null },
      { id: null, name: 'gone', control: false, shape: null },
    ]);
    expect(d.outputs).toEqual([{ id: leafId(2), name: 'net/relu', control: false, shape: '8×2' }]);
    expect(d.outputShapes).toEqual(['8×2']);
    expect(d.trail.map((c) => c.label)).toEqual(['net', 'mm']);
  });

  it('cuts the lists of a hub but counts them all', () => {
    const n = MAX_LINKS + 50;
    const nodes: WireNode[] = Array.from({ length: n }, (_, i) => ({ name: `a${i}`, op: 'Assign' }));
    nodes.push({ name: 'init', op: 'NoOp', inputs: nodes.map((x) => `^${x.name}`) });
    const { m, h } = setup(nodes);
    const d = nodeDetails(h, m, n);
    expect(d.inputs).toHaveLength(MAX_LINKS);
    expect(d.inputCount).toBe(n);
  });

  it('links a call to the body of the function it calls', () => {
    const { m, h } = setup(
      [{ name: 'call', op: 'PartitionedCall', attrs: { f: 'func body' } }],
      [{ name: 'body', inputs: [], nodes: [{ name: 'a', op: 'Const' }] }],
    );
    expect(nodeDetails(h, m, 0).calls).toEqual([{ id: groupId('body'), name: 'body' }]);
  });
});

describe('groupDetails', () => {
  it('counts the ops and devices under a scope and sums its stats', () => {
    const { m, h, agg } = setup([
      { name: 's/a', op: 'MatMul', device: 'gpu', stats: { compute_micros: 10, memory_bytes: 100 } },
      { name: 's/b', op: 'MatMul', device: 'gpu', stats: { compute_micros: 5, memory_bytes: null } },
      { name: 's/c', op: 'Const', device: 'cpu' },
    ]);
    const d = groupDetails(h, m, agg, groupId('s'))!;
    expect(d.nodes).toBe(3);
    expect(d.ops).toEqual([
      ['MatMul', 2],
      ['Const', 1],
    ]);
    expect(d.devices).toEqual([
      ['gpu', 2],
      ['cpu', 1],
    ]);
    expect([d.compute, d.memory]).toEqual([15, 100]);
    expect(details(h, m, agg, 'g:')).toBeNull();
    expect(details(h, m, agg, 'nothing')).toBeNull();
  });
});
