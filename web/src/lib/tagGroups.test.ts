import { describe, expect, it } from 'vitest';
import { UNGROUPED, groupName, groupTags } from './tagGroups';

describe('groupName', () => {
  it('takes the text before the first slash', () => {
    expect(groupName('layer1/weights/norm')).toBe('layer1');
  });
  it('puts tags without a prefix together', () => {
    expect(groupName('epoch_loss')).toBe(UNGROUPED);
    expect(groupName('/leading')).toBe(UNGROUPED);
  });
});

describe('groupTags', () => {
  it('groups by prefix, ungrouped first, natural order', () => {
    const tags = ['layer10/w', 'epoch_loss', 'layer2/w', 'layer2/b', 'epoch_accuracy', 'dev_new_style/lr'];
    const groups = groupTags(tags, (t) => t);
    expect(groups.map((g) => g.name)).toEqual([UNGROUPED, 'dev_new_style', 'layer2', 'layer10']);
    expect(groups[0]!.items).toEqual(['epoch_accuracy', 'epoch_loss']);
    expect(groups[2]!.items).toEqual(['layer2/b', 'layer2/w']);
  });
  it('keeps odd tags (unicode, HTML, spaces) as they are', () => {
    const tags = ['wéird ✓/a', '<b>x</b>/y', ' space'];
    const groups = groupTags(tags, (t) => t);
    expect(groups.flatMap((g) => g.items).sort()).toEqual([...tags].sort());
    expect(groups.map((g) => g.name)).toContain('<b>x<');
  });
  it('returns nothing for no tags', () => {
    expect(groupTags([], (t: string) => t)).toEqual([]);
  });
});
