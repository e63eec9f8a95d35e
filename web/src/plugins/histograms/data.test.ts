import { describe, expect, it } from 'vitest';
import type { HistogramsResponse } from '../../lib/api';
import { type HistSeries, binOf, compareAt, equalEdges, fromWire, rebin, stepIndex, thinByPosition, timeValues } from './data';

const shared: HistogramsResponse = {
  run: 'r',
  tag: 't',
  steps: [0, 1, 2],
  wall_times: [100, 101, 103],
  shared: true,
  edges: [-1, -0.5, 0, 0.5, 1],
  counts: [
    [22.5, 22.5, 24.5, 11.5],
    [36, 36, 26, 'NaN'],
    [18.5, 34.5, 28, 26],
  ],
};

function series(run: string, edges: number[], counts: number[][], steps?: number[]): HistSeries {
  const st = steps ?? counts.map((_, i) => i * 10);
  return fromWire({
    run,
    tag: 't',
    steps: st,
    wall_times: st.map((s) => 1000 + s),
    shared: true,
    edges,
    counts,
  });
}

describe('fromWire', () => {
  it('keeps shared bins and reads non-finite counts as empty', () => {
    const s = fromWire(shared);
    expect([...s.edges]).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect([...s.counts[1]!]).toEqual([36, 36, 26, 0]);
    expect(s.maxCount).toBe(36);
  });

  it('puts per-step edges onto bins spanning every step, keeping each total', () => {
    const s = fromWire(
      {
        run: 'r',
        tag: 't',
        steps: [0, 1],
        wall_times: [1, 2],
        shared: false,
        edges: [
          [0, 1, 2],
          [2, 4],
        ],
        counts: [[3, 1], [8]],
      },
      4,
    );
    expect([...s.edges]).toEqual([0, 1, 2, 3, 4]);
    expect([...s.counts[0]!]).toEqual([3, 1, 0, 0]);
    expect([...s.counts[1]!]).toEqual([0, 0, 4, 4]);
  });

  it('gives an empty histogram no bins', () => {
    const s = fromWire({ run: 'r', tag: 't', steps: [0], wall_times: [1], shared: false, edges: [[]], counts: [[]] });
    expect(s.edges.length).toBe(0);
    expect(s.maxCount).toBe(0);
  });
});

describe('rebin', () => {
  it('spreads a bucket over the bins it covers, in proportion', () => {
    expect([...rebin([0, 2], [10], [0, 0.5, 1, 1.5, 2])]).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect([...rebin([0, 1, 3], [4, 6], [0, 2, 4])]).toEqual([7, 3]);
  });

  it('puts a zero-width bucket in the bin of its value, the last bin closed', () => {
    expect([...rebin([1, 1], [5], [0, 1, 2])]).toEqual([0, 5]);
    expect([...rebin([2, 2], [5], [0, 1, 2])]).toEqual([0, 5]);
  });

  it('drops what lies outside and keeps the total of what lies inside', () => {
    const out = rebin([-2, 0, 2], [4, 4], [-1, 0, 1]);
    expect([...out]).toEqual([2, 2]);
  });
});

describe('binOf', () => {
  it('finds the bin, the last one closed', () => {
    const e = [0, 1, 2, 3];
    expect(binOf(e, 0)).toBe(0);
    expect(binOf(e, 1)).toBe(1);
    expect(binOf(e, 2.5)).toBe(2);
    expect(binOf(e, 3)).toBe(2);
    expect(binOf(e, 3.1)).toBe(-1);
    expect(binOf(e, -0.1)).toBe(-1);
    expect(binOf(e, Number.NaN)).toBe(-1);
  });
});

describe('equalEdges', () => {
  it('widens a zero-width span', () => {
    const e = equalEdges(2, 2, 2);
    expect(e[0]).toBeLessThan(2);
    expect(e[2]).toBeGreaterThan(2);
  });
});

describe('timeValues', () => {
  it('gives steps, seconds since the origin, or wall times', () => {
    const s = { steps: [5, 6], wallTimes: [100, 160] };
    expect([...timeValues(s, 'step', 0)]).toEqual([5, 6]);
    expect([...timeValues(s, 'relative', 90)]).toEqual([10, 70]);
    expect([...timeValues(s, 'wall', 90)]).toEqual([100, 160]);
  });
});

describe('thinByPosition', () => {
  it('keeps everything when the steps are far enough apart', () => {
    expect(thinByPosition([0, 10, 20], 2)).toEqual([0, 1, 2]);
  });

  it('keeps one step per cell, the latest, and always the last step', () => {
    const pos = Array.from({ length: 1000 }, (_, i) => i * 0.2); // 1,000 steps over 200 px
    const kept = thinByPosition(pos, 2.5);
    expect(kept.length).toBeLessThanOrEqual(81);
    expect(kept.length).toBeGreaterThan(70);
    expect(kept[kept.length - 1]).toBe(999);
    for (let i = 1; i < kept.length; i++) expect(pos[kept[i]!]! - pos[kept[i - 1]!]!).toBeGreaterThan(0);
  });

  it('orders the kept steps back to front even when positions are not sorted', () => {
    expect(thinByPosition([30, 10, 20], 1)).toEqual([1, 2, 0]);
  });
});

describe('stepIndex', () => {
  it('takes the nearest step, the earlier on a tie, and the last for null', () => {
    const steps = [0, 10, 20];
    expect(stepIndex(steps, 14)).toBe(1);
    expect(stepIndex(steps, 15)).toBe(1);
    expect(stepIndex(steps, 16)).toBe(2);
    expect(stepIndex(steps, -5)).toBe(0);
    expect(stepIndex(steps, null)).toBe(2);
    expect(stepIndex([], 3)).toBe(-1);
  });
});

describe('compareAt', () => {
  it('shows one run exactly as the server counted it', () => {
    const a = series('a', [0, 1, 2], [
      [1, 2],
      [3, 4],
    ]);
    const c = compareAt([a], 10, 8);
    expect([...c.edges]).toEqual([0, 1, 2]);
    expect(c.rows.map((r) => [r.run, r.step, [...r.counts]])).toEqual([['a', 10, [3, 4]]]);
    expect(c.maxCount).toBe(4);
  });

  it('puts runs on different bins onto common bins spanning both, each at its nearest step', () => {
    const a = series('a', [0, 1, 2], [[2, 2]], [0]);
    const b = series('b', [2, 3, 4], [[1, 1], [6, 6]], [0, 100]);
    const c = compareAt([a, b], 90, 4);
    expect([...c.edges]).toEqual([0, 1, 2, 3, 4]);
    expect(c.rows.map((r) => r.step)).toEqual([0, 100]);
    expect([...c.rows[0]!.counts]).toEqual([2, 2, 0, 0]);
    expect([...c.rows[1]!.counts]).toEqual([0, 0, 6, 6]);
    expect(c.maxCount).toBe(6);
  });

  it('leaves out runs without data', () => {
    const empty = fromWire({ run: 'e', tag: 't', steps: [], wall_times: [], shared: true, edges: [], counts: [] });
    expect(compareAt([empty], null, 10).rows).toEqual([]);
  });
});
