import { describe, expect, it } from 'vitest';
import type { GraphResponse, WireNode } from './api';
import { ARGS_SCOPE, buildModel, formatShape, parseInput, shapeOf } from './model';

const graph = (nodes: WireNode[], extra: Partial<GraphResponse> = {}): GraphResponse => ({
  run: 'r',
  tag: '__run_graph__',
  kind: 'op',
  nodes,
  ...extra,
});
const edges = (m: ReturnType<typeof buildModel>) =>
  Array.from(
    m.edgeSrc,
    (s, e) => `${m.nodes[s]!.name}${m.edgeControl[e] ? ' ^-> ' : ' -> '}${m.nodes[m.edgeDst[e]!]!.name}`,
  );

describe('parseInput', () => {
  it('reads every input form', () => {
    expect(parseInput('a/b')).toEqual({ name: 'a/b', control: false, output: 0, arg: null });
    expect(parseInput('a/b:2')).toEqual({ name: 'a/b', control: false, output: 2, arg: null });
    expect(parseInput('^init')).toEqual({ name: 'init', control: true, output: null, arg: null });
    expect(parseInput('conv/ReadVariableOp:value:0')).toEqual({
      name: 'conv/ReadVariableOp',
      control: false,
      output: 0,
      arg: 'value',
    });
  });
});

describe('buildModel', () => {
  it('resolves inputs into data and control edges', () => {
    const m = buildModel(
      graph([
        { name: 'x', op: 'Placeholder', output_shapes: [[-1, 3]] },
        { name: 'w', op: 'Const' },
        { name: 'mm', op: 'MatMul', inputs: ['x', 'w:0', '^init'] },
        { name: 'init', op: 'NoOp' },
      ]),
    );
    expect(edges(m)).toEqual(['x -> mm', 'w -> mm', 'init ^-> mm']);
    expect(m.problems).toEqual([]);
    expect(formatShape(shapeOf(m.nodes[0]!, 0))).toBe('?×3');
  });

  it('draws what it can of a malformed graph and says what it left out', () => {
    const m = buildModel(
      graph([
        { name: 'a', op: 'Const' },
        { name: 'a', op: 'Identity' },
        { name: '', op: 'Mystery' },
        { name: 'b', op: 'Add', inputs: ['a', 'gone', '^also_gone'] },
        { name: 'c', inputs: null, op: null },
      ] as WireNode[]),
    );
    expect(m.nodes).toHaveLength(5);
    expect(edges(m)).toEqual(['a -> b']);
    expect(m.problems.map((p) => [p.kind, p.node])).toEqual([
      ['duplicate_name', 'a'],
      ['unnamed_node', '(unnamed 2)'],
      ['missing_input', 'b'],
    ]);
    expect(m.problems[2]!.message).toContain('"gone"');
    expect(m.problems[2]!.message).toContain('"^also_gone"');
  });

  it("takes the server's problems and adds only those about other nodes", () => {
    const m = buildModel(
      graph(
        [
          { name: 'b', inputs: ['gone'] },
          { name: 'c', inputs: ['lost'] },
        ],
        {
          problems: [{ kind: 'missing_input', node: 'b', message: 'server says b is broken' }],
        },
      ),
    );
    expect(m.problems.map((p) => [p.node, p.message.slice(0, 6)])).toEqual([
      ['b', 'server'],
      ['c', 'Input '],
    ]);
  });

  it('puts function bodies under their own scope with their arguments as nodes', () => {
    const m = buildModel(
      graph([{ name: 'call', op: 'StatefulPartitionedCall', inputs: [], attrs: { f: 'func body_fn' } }], {
        functions: [
          {
            name: 'body_fn',
            inputs: ['x'],
            outputs: ['y'],
            nodes: [
              { name: 'read', op: 'ReadVariableOp', inputs: ['x'] },
              { name: 'mul', op: 'Mul', inputs: ['read:value:0', 'x'] },
            ],
          },
        ],
      }),
    );
    expect(m.functions).toEqual(['body_fn']);
    expect(m.nodes.map((n) => n.name)).toEqual(['call', 'body_fn/x', 'body_fn/read', 'body_fn/mul']);
    expect(edges(m)).toEqual(['body_fn/x -> body_fn/read', 'body_fn/read -> body_fn/mul', 'body_fn/x -> body_fn/mul']);
    expect(m.calls).toEqual([[0, 'body_fn']]);
  });

  it('gathers many function arguments in a scope of their own', () => {
    const m = buildModel(
      graph([], {
        functions: [{ name: 'f', inputs: ['a', 'b', 'c', 'd', 'e'], nodes: [{ name: 'n', inputs: ['e'] }] }],
      }),
    );
    expect(m.nodes[4]!.name).toBe(`f/${ARGS_SCOPE}/e`);
    expect(edges(m)).toEqual([`f/${ARGS_SCOPE}/e -> f/n`]);
  });

  it('notices stats and devices', () => {
    const plain = buildModel(graph([{ name: 'a' }]));
    expect([plain.hasStats, plain.hasDevices]).toEqual([false, false]);
    const profiled = buildModel(
      graph([{ name: 'a', stats: { compute_micros: 12, memory_bytes: null, device: '/device:GPU:0' } }], {
        profile_tags: ['step1'],
      }),
    );
    expect([profiled.hasStats, profiled.hasDevices, profiled.nodes[0]!.device]).toEqual([true, true, '/device:GPU:0']);
    expect(profiled.profileTags).toEqual(['step1']);
  });
});
