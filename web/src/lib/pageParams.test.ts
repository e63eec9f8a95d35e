import { describe, expect, it } from 'vitest';
import {
  boolParam,
  codecFor,
  enumParam,
  intParam,
  listParam,
  nullable,
  numberParam,
  readParam,
  stringParam,
  writeParam,
} from './pageParams';
import { defaultState, parseState, serializeState } from './urlState';

describe('page parameters', () => {
  it('reads the default when the URL has no value or a malformed one', () => {
    expect(readParam({}, 'images', 'step', 7, intParam)).toBe(7);
    expect(readParam({ 'images.step': 'abc' }, 'images', 'step', 7, intParam)).toBe(7);
    expect(readParam({ 'images.step': '1.5' }, 'images', 'step', 7, intParam)).toBe(7);
    expect(readParam({ 'images.step': '-3' }, 'images', 'step', 7, intParam)).toBe(-3);
    const mode = enumParam(['overlay', 'offset'] as const);
    expect(readParam({ 'histograms.mode': 'sideways' }, 'histograms', 'mode', 'offset', mode)).toBe('offset');
    expect(readParam({ 'histograms.mode': 'overlay' }, 'histograms', 'mode', 'offset', mode)).toBe('overlay');
  });

  it("does not read another dashboard's parameter of the same name", () => {
    expect(readParam({ 'audio.step': '5' }, 'images', 'step', 0, intParam)).toBe(0);
  });

  it('leaves a value equal to its default out of the URL', () => {
    let extra = writeParam({}, 'images', 'step', 40, 0, intParam);
    expect(serializeState({ ...defaultState(), extra })).toContain('images.step=40');
    extra = writeParam(extra, 'images', 'step', 0, 0, intParam);
    expect(extra).toEqual({});
    expect(serializeState({ ...defaultState(), extra })).toBe(serializeState(defaultState()));
  });

  it('keeps lists short and reads a malformed one as the default', () => {
    expect(listParam.format(['g:a', 'g:a/b'])).toBe('g:a,g:a/b');
    expect(writeParam({}, 'graphs', 'open', [], [], listParam)).toEqual({});
    expect(readParam({ 'graphs.open': 'g:a,%E0%A4%A' }, 'graphs', 'open', [], listParam)).toEqual([]);
  });

  it('does not change the object it was given', () => {
    const before = { 'text.mode': 'raw' };
    const after = writeParam(before, 'images', 'step', 3, 0, intParam);
    expect(before).toEqual({ 'text.mode': 'raw' });
    expect(after).toEqual({ 'text.mode': 'raw', 'images.step': '3' });
  });

  it('round-trips every codec through the URL', () => {
    const cases: [string, unknown, unknown, { parse(r: string): unknown; format(v: never): string }][] = [
      ['s', 'run a/b & c', '', stringParam],
      ['i', 123456789, 0, intParam],
      ['n', 0.125, 1, numberParam],
      ['b', true, false, boolParam],
      ['e', 'offset', 'overlay', enumParam(['overlay', 'offset'])],
      ['z', 12, null, nullable(intParam)],
      ['y', null, 12, nullable(intParam)],
      ['l', ['g:model/encoder', 's:odd,name%2C', 'Linear[fc1]'], [], listParam],
    ];
    for (const [name, value, def, codec] of cases) {
      const c = codec as never;
      const extra = writeParam({}, 'k', name, value, def, c);
      const back = parseState(serializeState({ ...defaultState(), extra })).extra;
      expect(readParam(back, 'k', name, def, c)).toEqual(value);
    }
  });

  it('picks a codec from the default', () => {
    expect(codecFor(3)).toBe(numberParam);
    expect(codecFor(false)).toBe(boolParam);
    expect(codecFor('x')).toBe(stringParam);
    expect(() => codecFor(null)).toThrow();
  });
});
