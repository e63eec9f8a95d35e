import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, resolveAppUrl } from './api';
import { parseRows } from './values';

describe('app URLs of blobs', () => {
  it('resolves under the app root, with or without a path prefix', () => {
    expect(resolveAppUrl('api/blobs/17?v=5f3a', 'http://h:6006/')).toBe('http://h:6006/api/blobs/17?v=5f3a');
    expect(resolveAppUrl('api/blobs/17?v=5f3a', 'http://h/tb/?tab=images&images.step=3#x')).toBe(
      'http://h/tb/api/blobs/17?v=5f3a',
    );
    expect(resolveAppUrl('api/blobs/1', 'http://h/tb/index.html')).toBe('http://h/tb/api/blobs/1');
  });

  it('reads a leading "/" or "./" as the app root, not the host root', () => {
    expect(resolveAppUrl('/api/blobs/2', 'http://h/tb/')).toBe('http://h/tb/api/blobs/2');
    expect(resolveAppUrl('./api/blobs/2', 'http://h/tb/')).toBe('http://h/tb/api/blobs/2');
  });

  it('refuses URLs that leave the app', () => {
    expect(resolveAppUrl('javascript:alert(1)', 'http://h/')).toBeNull();
    expect(resolveAppUrl('https://elsewhere.example/x.png', 'http://h/')).toBeNull();
    expect(resolveAppUrl('../secret', 'http://h/tb/')).toBeNull();
    expect(resolveAppUrl('api/../../secret', 'http://h/tb/')).toBeNull();
    expect(resolveAppUrl('api/blobs/1', 'not a url')).toBeNull();
  });
});

describe('kind fetchers', () => {
  const calls: string[] = [];
  afterEach(() => {
    calls.length = 0;
    vi.unstubAllGlobals();
  });
  function answer(status: number, body: unknown) {
    vi.stubGlobal('fetch', (url: string) => {
      calls.push(url);
      return Promise.resolve(new Response(JSON.stringify(body), { status, statusText: status === 200 ? 'OK' : 'Not Found' }));
    });
  }

  it('asks each route for one run and tag, escaped, relative to the page', async () => {
    answer(200, {});
    await api.histograms({ run: 'logs/a b', tag: 'layer1/w&b' });
    await api.histograms({ run: 'r', tag: 't', bins: 30 });
    await api.distributions({ run: 'r', tag: 't' });
    await api.images({ run: 'r', tag: 'frames', minStep: 10, maxStep: 20 });
    await api.audio({ run: 'r', tag: 'tone' });
    await api.text({ run: 'r', tag: 'notes/text_summary' });
    await api.prCurves({ run: 'r', tag: 'pr', step: 0 });
    await api.customScalarsLayout();
    await api.imageSeries(['a', 'b']);
    await api.audioSeries();
    expect(calls).toEqual([
      'api/histograms?run=logs%2Fa+b&tag=layer1%2Fw%26b',
      'api/histograms?run=r&tag=t&bins=30',
      'api/distributions?run=r&tag=t',
      'api/images?run=r&tag=frames&min_step=10&max_step=20',
      'api/audio?run=r&tag=tone',
      'api/text?run=r&tag=notes%2Ftext_summary',
      'api/pr_curves?run=r&tag=pr&step=0',
      'api/custom_scalars/layout',
      'api/images/tags?run=a&run=b',
      'api/audio/tags',
    ]);
  });

  it("carries the server's error message and code", async () => {
    answer(404, { error: { status: 404, code: 'unknown_tag', message: "No image tag 'x' in run 'r'." } });
    const err = await api.images({ run: 'r', tag: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe("No image tag 'x' in run 'r'.");
    expect((err as ApiError).code).toBe('unknown_tag');
  });
});

describe('wire rows', () => {
  it('turns the strings JSON cannot carry into numbers', () => {
    const [a, b] = parseRows([
      [1, 'NaN', 2],
      ['Infinity', '-Infinity', 0],
    ]);
    expect([...a!]).toEqual([1, Number.NaN, 2]);
    expect([...b!]).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]);
  });
});
