import { describe, expect, it } from 'vitest';
import { type Geometry, HOME, MAX_ZOOM, baseScale, clampView, filterCss, panBy, place, renderingFor, wheelFactor, zoomAt } from './view';

const g: Geometry = { stageW: 400, stageH: 200, imgW: 28, imgH: 28, actual: false };

describe('image placement', () => {
  it('fits an image into the stage, scaling a small one up, centred', () => {
    expect(baseScale(g)).toBeCloseTo(200 / 28);
    const p = place(g, HOME);
    expect(p.width).toBeCloseTo(200);
    expect(p.left).toBeCloseTo(100);
    expect(p.top).toBeCloseTo(0);
  });

  it('shows one image pixel per CSS pixel at actual size', () => {
    const p = place({ ...g, actual: true }, HOME);
    expect(p.scale).toBe(1);
    expect(p.width).toBe(28);
    expect(p.left).toBe(200 - 14);
  });

  it('keeps the point under the cursor in place when zooming', () => {
    const cx = 150;
    const cy = 60;
    const before = place(g, HOME);
    const fx = (cx - before.left) / before.width;
    const fy = (cy - before.top) / before.height;
    const v = zoomAt(g, HOME, 2, cx, cy);
    expect(v.z).toBe(2);
    const after = place(g, v);
    expect(after.left + fx * after.width).toBeCloseTo(cx);
    expect(after.top + fy * after.height).toBeCloseTo(cy);
  });

  it('limits the zoom', () => {
    expect(zoomAt(g, HOME, 1e9, 200, 100).z).toBe(MAX_ZOOM);
    expect(zoomAt(g, HOME, 1e-9, 200, 100).z).toBeGreaterThan(0);
  });

  it('pans with the drag and never loses the image', () => {
    const zoomed = { z: 4, u: 0.5, v: 0.5 };
    const p0 = place(g, zoomed);
    const moved = panBy(g, zoomed, 30, -10);
    const p1 = place(g, moved);
    expect(p1.left - p0.left).toBeCloseTo(30);
    expect(p1.top - p0.top).toBeCloseTo(-10);
    const far = panBy(g, zoomed, 1e6, 1e6);
    expect(far.u).toBe(0);
    expect(far.v).toBe(0);
  });

  it('repairs a view from a bad value', () => {
    expect(clampView({ z: Number.NaN, u: 2, v: -1 })).toEqual({ z: 1, u: 1, v: 0 });
  });
});

describe('display settings', () => {
  it('zooms in on wheel up and out on wheel down', () => {
    expect(wheelFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelFactor(100, 0)).toBeLessThan(1);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-48, 0));
  });

  it('scales small images with nearest neighbour', () => {
    expect(renderingFor(200 / 8)).toBe('pixelated');
    expect(renderingFor(1.3)).toBe('auto');
  });

  it('writes the brightness and contrast filter', () => {
    expect(filterCss(1, 1)).toBe('none');
    expect(filterCss(1.5, 1)).toBe('brightness(1.5)');
    expect(filterCss(0.8, 2)).toBe('brightness(0.8) contrast(2)');
  });
});
