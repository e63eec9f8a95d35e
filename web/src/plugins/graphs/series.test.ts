import { describe, expect, it } from 'vitest';
import { ROOT_ID, buildHierarchy, groupId } from './hierarchy';
import { detectSeries, formatNumbers, seriesLabel, signatures } from './series';

function layer(i: number, extra: string[] = []): [string, string][] {
  return [
    [`enc/layer_${i}/attn/q/MatMul`, 'MatMul'],
    [`enc/layer_${i}/attn/k/MatMul`, 'MatMul'],
    [`enc/layer_${i}/attn/Softmax`, 'Softmax'],
    [`enc/layer_${i}/mlp/dense_${2 * i}/BiasAdd`, 'BiasAdd'],
    ...extra.map((n): [string, string] => [`enc/layer_${i}/${n}`, 'Add']),
  ];
}

function build(nodes: [string, string][]) {
  const h = buildHierarchy(nodes.map(([n]) => n));
  const made = detectSeries(
    h,
    nodes.map(([, op]) => op),
  );
  return { h, made };
}

describe('signatures', () => {
  it('are equal for scopes of the same structure, whatever the numbers in their names', () => {
    const nodes = [...layer(0), ...layer(1), ...layer(2, ['extra'])];
    const h = buildHierarchy(nodes.map(([n]) => n));
    const sig = signatures(
      h,
      nodes.map(([, op]) => op),
    );
    expect(sig.get(groupId('enc/layer_0'))).toBe(sig.get(groupId('enc/layer_1')));
    expect(sig.get(groupId('enc/layer_0'))).not.toBe(sig.get(groupId('enc/layer_2')));
  });
});

describe('detectSeries', () => {
  it('folds numbered sibling scopes of one structure into one series, in number order', () => {
    const nodes = [2, 0, 1, 3].flatMap((i) => layer(i));
    const { h, made } = build(nodes);
    expect(made).toBe(1);
    const enc = h.items.get(groupId('enc'))!;
    expect(enc.children).toHaveLength(1);
    const series = h.items.get(enc.children[0]!)!;
    expect(series.kind).toBe('series');
    expect(series.label).toBe('layer_[0–3]');
    expect(series.children).toEqual(['enc/layer_0', 'enc/layer_1', 'enc/layer_2', 'enc/layer_3'].map(groupId));
    expect(series.leafCount).toBe(16);
    expect(h.items.get(groupId('enc/layer_2'))!.parent).toBe(series.id);
    expect(h.items.get(groupId('enc/layer_2'))!.depth).toBe(3);
  });

  it('leaves scopes alone when their structures differ or there are too few', () => {
    const differ = build([...layer(0), ...layer(1, ['a']), ...layer(2, ['b', 'c'])]);
    expect(differ.made).toBe(0);
    const two = build([...layer(0), ...layer(1)]);
    expect(two.made).toBe(0);
    expect(two.h.items.get(groupId('enc'))!.children).toEqual([groupId('enc/layer_0'), groupId('enc/layer_1')]);
  });

  it("counts TensorFlow's unnumbered first scope (dense, dense_1, dense_2)", () => {
    const names = ['dense', 'dense_1', 'dense_2'].flatMap((s) => [`${s}/MatMul`, `${s}/BiasAdd`]);
    const { h } = build(names.map((n): [string, string] => [n, n.endsWith('MatMul') ? 'MatMul' : 'BiasAdd']));
    const top = h.items.get(ROOT_ID)!.children.map((c) => h.items.get(c)!);
    expect(top).toHaveLength(1);
    expect(top[0]!.label).toBe('dense_[0–2]');
    expect(top[0]!.children[0]).toBe(groupId('dense'));
  });

  it('folds runs of numbered nodes of one op, not of different ops', () => {
    const nodes: [string, string][] = [
      ...Array.from({ length: 6 }, (_, i): [string, string] => [`save/restore_${i}`, 'RestoreV2']),
      ...Array.from({ length: 6 }, (_, i): [string, string] => [`save/Const_${i}`, i % 2 ? 'Const' : 'Identity']),
    ];
    const { h, made } = build(nodes);
    expect(made).toBe(1);
    const save = h.items.get(groupId('save'))!;
    expect(save.children.map((c) => h.items.get(c)!.label)).toEqual([
      'restore_[0–5]',
      'Const_0',
      'Const_1',
      'Const_2',
      'Const_3',
      'Const_4',
      'Const_5',
    ]);
  });

  it('reads PyTorch module lists (Linear[0], Linear[1], …)', () => {
    const nodes = [0, 1, 2].flatMap((i): [string, string][] => [
      [`Net/Sequential[blocks]/Linear[${i}]/weight`, 'prim::GetAttr'],
      [`Net/Sequential[blocks]/Linear[${i}]/out`, 'aten::linear'],
    ]);
    const { h } = build(nodes);
    const blocks = h.items.get(groupId('Net/Sequential[blocks]'))!;
    expect(blocks.children.map((c) => h.items.get(c)!.label)).toEqual(['Linear[0–2]']);
  });
});

describe('labels', () => {
  it('say which numbers a series holds', () => {
    expect(formatNumbers([3, 0, 1, 2])).toBe('0–3');
    expect(formatNumbers([1, 2, 3, 5, 7, 8])).toBe('1–3, 5, 7–8');
    expect(formatNumbers([1, 3, 5, 7, 9])).toBe('1…9 (5)');
    expect(seriesLabel('layer_', '', [0, 1, 2])).toBe('layer_[0–2]');
    expect(seriesLabel('Linear[', ']', [0, 1])).toBe('Linear[0–1]');
  });
});
