import { describe, expect, it } from 'vitest';
import type { TagInfo, UpdateEvent } from './api';
import { bringsNewTags, pairKeys } from './liveTags';

const tag = (name: string, runs: string[]): TagInfo => ({ tag: name, runs, display_name: '', description: '' });
const update = (tags: UpdateEvent['tags'], newRuns = false): UpdateEvent => ({
  runs: [...new Set(tags.map((t) => t.run))],
  tags,
  new_runs: newRuns,
});

describe('live tag updates', () => {
  const known = pairKeys([tag('loss', ['train', 'eval']), tag('w/hist', ['train'])]);

  it('ignores points added to tags the list already has', () => {
    expect(bringsNewTags(update([{ run: 'train', tag: 'loss', kind: 'scalars' }]), 'scalars', known)).toBe(false);
  });

  it('notices a tag new to a run, but only of its own kind', () => {
    const ev = update([{ run: 'eval', tag: 'w/hist', kind: 'histograms' }]);
    expect(bringsNewTags(ev, 'histograms', known)).toBe(true);
    expect(bringsNewTags(ev, 'scalars', known)).toBe(false);
  });

  it('notices new runs', () => {
    expect(bringsNewTags(update([], true), 'images', known)).toBe(true);
  });

  it('does not confuse run and tag names that join alike', () => {
    const k = pairKeys([tag('b', ['a'])]);
    expect(bringsNewTags(update([{ run: 'a b', tag: '', kind: 'text' }]), 'text', k)).toBe(true);
  });
});
