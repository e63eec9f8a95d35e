import { describe, expect, it } from 'vitest';
import { bringIntoView, centreOn, contains, detailAt, fitView, fitsAt, grow, keepAnchor, viewport, zoomAt } from './view';

describe('view', () => {
  it('fits a scene into the viewport, centred, never enlarged past 100 %', () => {
    const small = fitView({ width: 100, height: 50 }, 800, 600);
    expect(small.k).toBe(1);
    expect(small.x).toBe(350);
    const big = fitView({ width: 4000, height: 1000 }, 800, 600);
    expect(big.k).toBeCloseTo((800 - 48) / 4000);
    expect(viewport(big, 800, 600).w).toBeGreaterThanOrEqual(4000);
  });

  it('zooms about a point, keeping that point where it is on screen', () => {
    const v = zoomAt({ x: 10, y: 20, k: 1 }, 2, 100, 100);
    expect(v.k).toBe(2);
    // graph point under (100, 100) before: (90, 80); after: 90 * 2 + x = 100
    expect(90 * v.k + v.x).toBeCloseTo(100);
    expect(80 * v.k + v.y).toBeCloseTo(100);
    expect(zoomAt(v, 1e6, 0, 0).k).toBe(4);
  });

  it('centres a box and keeps an expanded box in place', () => {
    const c = centreOn({ x: 100, y: 100, w: 50, h: 20 }, 800, 600, 1);
    expect([125 + c.x, 110 + c.y]).toEqual([400, 300]);
    const a = keepAnchor({ x: 0, y: 0, k: 0.5 }, 200, 100, 40, 60);
    expect([200 * a.k + a.x, 100 * a.k + a.y]).toEqual([40, 60]);
  });

  it('brings a scope just opened into view with the least change', () => {
    const screen = (v: { x: number; y: number; k: number }, r: { x: number; y: number; w: number; h: number }) => [
      r.x * v.k + v.x,
      r.y * v.k + v.y,
      (r.x + r.w) * v.k + v.x,
      (r.y + r.h) * v.k + v.y,
    ];
    const v = { x: 0, y: 0, k: 1 };
    // Already in view: nothing moves.
    expect(bringIntoView(v, { x: 100, y: 100, w: 200, h: 100 }, 800, 600)).toEqual(v);
    // Fits but runs off the bottom: panned up just enough, same zoom.
    const below = bringIntoView(v, { x: 100, y: 400, w: 200, h: 300 }, 800, 600);
    expect(below.k).toBe(1);
    expect(below.x).toBe(0);
    expect(screen(below, { x: 100, y: 400, w: 200, h: 300 })[3]).toBeCloseTo(600 - 24);
    // Too tall to fit: zoomed out until it does.
    const tall = { x: 100, y: 400, w: 200, h: 800 };
    const t = bringIntoView(v, tall, 800, 600);
    expect(t.k).toBeCloseTo((600 - 48) / 800);
    const [l, top, , bottom] = screen(t, tall);
    expect(l).toBeGreaterThanOrEqual(24);
    expect(top).toBeGreaterThanOrEqual(24 - 1e-9);
    expect(bottom).toBeLessThanOrEqual(600 - 24 + 1e-9);
    // Far too big: not shrunk past legible text; its top left is in view.
    const huge = { x: 500, y: 500, w: 20000, h: 20000 };
    const g = bringIntoView(v, huge, 800, 600);
    expect(g.k).toBe(0.5);
    expect(screen(g, huge).slice(0, 2)).toEqual([24, 24]);
    expect([fitsAt(tall, 1, 800, 600), fitsAt(tall, t.k, 800, 600)]).toEqual([false, true]);
  });

  it('draws text only once it is legible, and a margin around the viewport', () => {
    expect([detailAt(0.2), detailAt(0.45), detailAt(1)]).toEqual([0, 1, 2]);
    const vp = viewport({ x: -100, y: -50, k: 1 }, 800, 600);
    expect(contains(grow(vp, 0.5), { x: 150, y: 100, w: 10, h: 10 })).toBe(true);
    expect(contains(vp, { x: 50, y: 0, w: 10, h: 10 })).toBe(false);
  });
});
