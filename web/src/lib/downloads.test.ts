import { describe, expect, it } from 'vitest';
import { fileSafe, runJsonDownloads } from './downloads';

describe('fileSafe', () => {
  it('replaces what a file name cannot hold', () => {
    expect(fileSafe('train/loss a:b')).toBe('train_loss_a_b');
    expect(fileSafe('lr=1e-3.run_2')).toBe('lr_1e-3.run_2');
  });
});

describe('runJsonDownloads', () => {
  it('names a single download plainly', () => {
    expect(runJsonDownloads(['train'], 'layer/w', 'histograms')).toEqual([
      { label: 'Download JSON', href: 'api/histograms?run=train&tag=layer%2Fw', filename: 'train-layer_w.json' },
    ]);
  });
  it('names each run when there are several, with the suffix', () => {
    const d = runJsonDownloads(['a b', 'c'], 'pr', 'pr_curves', '-pr');
    expect(d.map((x) => x.label)).toEqual(['Download JSON: a b', 'Download JSON: c']);
    expect(d[0]!.href).toBe('api/pr_curves?run=a+b&tag=pr');
    expect(d.map((x) => x.filename)).toEqual(['a_b-pr-pr.json', 'c-pr-pr.json']);
  });
});
