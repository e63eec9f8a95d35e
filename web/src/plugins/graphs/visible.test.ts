import { describe, expect, it } from 'vitest';
import type { WireNode } from './api';
import { buildHierarchy, groupId, leafId } from './hierarchy';
import { buildModel } from './model';
import { edgeLabel, visibleGraph } from './visible';

function setup(nodes: WireNode[]) {
  const m = buildModel({ run: 'r', tag: 't', kind: 'op', nodes });
  const h = buildHierarchy(m.nodes.map((n) => n.name));
  return { m, h };
}

const NODES: WireNode[] = [
  { name: 'in', op: 'Placeholder', output_shapes: [[8, 4]] },
  { name: 'net/a', op: 'MatMul', inputs: ['in'], output_shapes: [[8, 4]] },
  { name: 'net/b', op: 'MatMul', inputs: ['in', 'net/a'], output_shapes: [[8, 2]] },
  { name: 'net/inner/c', op: 'Relu', inputs: ['net/b'], output_shapes: [[8, 2]] },
  { name: 'out', op: 'Identity', inputs: ['net/inner/c', '^net/a'] },
];

describe('visibleGraph', () => {
  it('draws collapsed scopes as one box and merges the edges into them', () => {
    const { m, h } = setup(NODES);
    const v = visibleGraph(h, m, new Set());
    expect(v.atoms).toEqual([leafId(0), groupId('net'), leafId(4)]);
    expect(v.containers).toEqual([]);
    const byEnds = Object.fromEntries(v.edges.map((e) => [`${e.src}>${e.dst}`, e]));
    expect(byEnds[`${leafId(0)}>${groupId('net')}`]).toMatchObject({ count: 2, control: 0, shape: '8×4' });
    expect(byEnds[`${groupId('net')}>${leafId(4)}`]).toMatchObject({ count: 2, control: 1 });
    expect(v.edges).toHaveLength(2);
  });

  it('shows an expanded scope’s children and hides scopes inside a collapsed one', () => {
    const { m, h } = setup(NODES);
    const v = visibleGraph(h, m, new Set([groupId('net'), groupId('nothing')]));
    expect(v.containers).toEqual([groupId('net')]);
    expect(v.atoms).toEqual([leafId(0), leafId(1), leafId(2), groupId('net/inner'), leafId(4)]);
    const hidden = visibleGraph(h, m, new Set([groupId('net/inner')]));
    expect(hidden.containers).toEqual([]);
    expect(hidden.boxOf[3]).toBe(groupId('net'));
  });

  it('labels edges with their shape and count; control-only edges with nothing', () => {
    expect(edgeLabel({ count: 1, control: 0, shape: '8×4' })).toBe('8×4');
    expect(edgeLabel({ count: 3, control: 0, shape: '8×4' })).toBe('8×4 ×3');
    expect(edgeLabel({ count: 3, control: 1, shape: null })).toBe('2 tensors');
    expect(edgeLabel({ count: 4, control: 4, shape: null })).toBe(null);
    expect(edgeLabel({ count: 1, control: 0, shape: null, call: true })).toBe('calls');
  });
});
