import { describe, expect, it } from 'vitest';
import { ROOT_ID, ancestors, buildHierarchy, groupId, leafId, soleScope, splitCrowded, trail } from './hierarchy';

const labels = (h: ReturnType<typeof buildHierarchy>, id: string) =>
  h.items.get(id)!.children.map((c) => h.items.get(c)!.label);

describe('buildHierarchy', () => {
  it('splits names on "/" into nested scopes in order of appearance', () => {
    const h = buildHierarchy(['input/x', 'net/conv/weight', 'net/conv/Conv2D', 'net/relu', 'loss']);
    expect(labels(h, ROOT_ID)).toEqual(['input', 'net', 'loss']);
    expect(labels(h, groupId('net'))).toEqual(['conv', 'relu']);
    expect(labels(h, groupId('net/conv'))).toEqual(['weight', 'Conv2D']);
    expect(h.items.get(groupId('net'))!.leafCount).toBe(3);
    expect(h.root.leafCount).toBe(5);
    expect(h.items.get(leafId(1))!.depth).toBe(3);
  });

  it('puts a node whose name is also a scope inside that scope', () => {
    const h = buildHierarchy(['mul', 'mul/y', 'add']);
    const mul = h.items.get(groupId('mul'))!;
    expect(mul.kind).toBe('group');
    expect(mul.children).toEqual([leafId(0), leafId(1)]);
    expect(h.items.get(leafId(0))!.owner).toBe(true);
    expect(labels(h, ROOT_ID)).toEqual(['mul', 'add']);
  });

  it('copes with odd names: leading, trailing and doubled slashes', () => {
    const h = buildHierarchy(['/a/b', 'c/', 'd//e']);
    expect(h.root.leafCount).toBe(3);
    for (const id of [leafId(0), leafId(1), leafId(2)]) expect(h.items.has(id)).toBe(true);
    expect(ancestors(h, leafId(2))).toEqual([groupId('d'), groupId('d/')]);
  });

  it('marks function bodies and lists ancestors outermost first', () => {
    const h = buildHierarchy(['f/a/b', 'g'], ['f']);
    expect(h.items.get(groupId('f'))!.fn).toBe(true);
    expect(ancestors(h, leafId(0))).toEqual([groupId('f'), groupId('f/a')]);
    expect(trail(h, leafId(0)).map((i) => i.label)).toEqual(['f', 'a', 'b']);
  });
});

describe('soleScope', () => {
  it('finds the model that holds a whole conceptual graph', () => {
    expect(soleScope(buildHierarchy(['Net/conv', 'Net/dense', 'Net/inner/dense']))).toBe(groupId('Net'));
  });

  it('finds nothing when the top level holds more than one item', () => {
    expect(soleScope(buildHierarchy(['input', 'Net/conv', 'Net/dense']))).toBeNull();
    expect(soleScope(buildHierarchy(['a']))).toBeNull();
  });
});

describe('splitCrowded', () => {
  it('splits a scope with too many children into parts in graph order', () => {
    const h = buildHierarchy(Array.from({ length: 25 }, (_, i) => `n${String.fromCharCode(97 + i)}`));
    expect(splitCrowded(h, 10)).toBe(3);
    const parts = h.root.children.map((c) => h.items.get(c)!);
    expect(parts.map((p) => [p.label, p.leafCount])).toEqual([
      ['(part 1 of 3)', 9],
      ['(part 2 of 3)', 9],
      ['(part 3 of 3)', 7],
    ]);
    expect(parts.every((p) => p.part)).toBe(true);
    expect(ancestors(h, leafId(24))).toEqual([parts[2]!.id]);
    expect(h.items.get(leafId(0))!.depth).toBe(2);
  });

  it('makes parts of parts when even the parts are too many', () => {
    const h = buildHierarchy(
      Array.from({ length: 30 }, (_, i) => `x/${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${'abc'[Math.floor(i / 26)]}`),
    );
    splitCrowded(h, 3);
    const check = (id: string) => {
      const it = h.items.get(id)!;
      expect(it.children.length).toBeLessThanOrEqual(3);
      it.children.forEach(check);
    };
    check(groupId('x'));
    expect(h.items.get(groupId('x'))!.leafCount).toBe(30);
  });

  it('leaves scopes within the limit alone', () => {
    const h = buildHierarchy(['a/b', 'a/c']);
    expect(splitCrowded(h, 2)).toBe(0);
  });
});
