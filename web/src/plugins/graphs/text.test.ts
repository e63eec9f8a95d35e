import { describe, expect, it } from 'vitest';
import { attrText, relativeName } from './text';

describe('relativeName', () => {
  it('leaves out the scopes a neighbour shares with the selected node', () => {
    expect(relativeName('fn/gradient_tape/dense/MatMul', 'fn')).toBe('…/gradient_tape/dense/MatMul');
    expect(relativeName('fn/a/b', 'fn/a')).toBe('…/b');
    expect(relativeName('other/x', 'fn/a')).toBe('other/x');
    expect(relativeName('iterator', '')).toBe('iterator');
    // A name is never cut down to nothing.
    expect(relativeName('fn/a', 'fn/a/b')).toBe('…/a');
  });
});

describe('attrText', () => {
  it('writes attribute values as text', () => {
    expect(attrText([1, 2, 'x'])).toBe('[1, 2, x]');
    expect(attrText(true)).toBe('true');
    expect(attrText({ a: 1 })).toBe('{"a":1}');
    expect(attrText(null)).toBe('—');
    expect(attrText('<b>x</b>')).toBe('<b>x</b>');
  });
});
