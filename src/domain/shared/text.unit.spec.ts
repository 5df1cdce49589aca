import { findUnstorableText, graphemeLength, unstorableText } from './text.js';

describe('text rules (issue 11)', () => {
  it.each([
    ['plain', 'hello', 5],
    ['family emoji', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'.repeat(3), 3],
    ['flags', '\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}', 2],
    ['letter + combining mark', 'e\u0301a\u0308', 2],
    ['Hangul jamo', '\u1100\u1161\u11A8', 1],
  ])('counts %s as a person does', (_name, text, count) => {
    expect(graphemeLength(text)).toBe(count);
  });

  it('recognises NUL and unpaired surrogates, and accepts paired ones', () => {
    expect(unstorableText('a\u0000b')).toMatch(/NUL/);
    expect(unstorableText('a\ud800b')).toMatch(/surrogate/);
    expect(unstorableText('a\udc00')).toMatch(/surrogate/);
    expect(unstorableText('\u{1F600}')).toBeUndefined();
  });

  it('names the first unstorable field, keys included, and stops at a depth bound', () => {
    expect(findUnstorableText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ path: 'a[1].c', reason: expect.stringMatching(/NUL/) });
    expect(findUnstorableText({ ['k\ud800']: 1 })?.path).toBe('k\ud800');
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(findUnstorableText(deep, '', 64)?.reason).toMatch(/too deeply/);
  });
});
