import { BadFrame, FRAME_MAX_DEPTH, jsonDepthExceeds, parseFrame } from './signalling-frames.js';

const SESSION = '0b5c8f8e-5a43-4c1e-9a57-8c2b0f7a1d11';
const frame = (extra: Record<string, unknown> = {}) => ({
  type: 'signal',
  sessionId: SESSION,
  to: 'cust-1',
  media: 'desktop',
  shareId: 'sh-1',
  kind: 'offer',
  payload: { sdp: 'v=0' },
  ...extra,
});

const refusal = (text: string): BadFrame => {
  try {
    parseFrame(text);
  } catch (error) {
    expect(error).toBeInstanceOf(BadFrame);
    return error as BadFrame;
  }
  throw new Error('the frame was accepted');
};

describe('signalling frames (issue 11: text that cannot be stored, deep nesting)', () => {
  it('a valid signal frame parses, brackets inside strings do not count as depth', () => {
    expect(parseFrame(JSON.stringify(frame({ payload: { sdp: '['.repeat(1000) } })))).toMatchObject({ type: 'signal', to: 'cust-1' });
    expect(jsonDepthExceeds('{"a":"[[[[\\"]]]]"}', 1)).toBe(false);
  });

  it.each([
    ['payload.sdp', frame({ payload: { sdp: 'v=0\u0000' } })],
    ['payload.candidates[1]', frame({ payload: { candidates: ['ok', 'bad\ud800'] } })],
    ['to', frame({ to: 'cust\udc00' })],
    ['shareId', frame({ shareId: 'sh\u0000' })],
    ['payload (a key)', frame({ payload: { ['k\ud800']: 1 } })],
  ])('U+0000 or a lone surrogate in %s: INVALID_TEXT naming the field', (field, f) => {
    const bad = refusal(JSON.stringify(f));
    expect({ code: bad.code, field: bad.field }).toEqual({ code: 'INVALID_TEXT', field });
  });

  it('a payload of 30,000 nested arrays is FRAME_TOO_DEEP, found before parsing; the limit itself passes', () => {
    const deep = (n: number) => JSON.stringify(frame({ payload: null })).replace('null', '['.repeat(n) + ']'.repeat(n));
    expect(refusal(deep(30_000)).code).toBe('FRAME_TOO_DEEP');
    expect(refusal(deep(FRAME_MAX_DEPTH)).code).toBe('FRAME_TOO_DEEP'); // the frame object itself is one level
    expect(parseFrame(deep(FRAME_MAX_DEPTH - 1))).toMatchObject({ type: 'signal' });
  });
});
