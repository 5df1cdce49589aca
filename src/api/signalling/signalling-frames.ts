import { MEDIA, type Media } from '../../application/signalling/signalling.policy.js';

/** The client -> server frames of the signalling protocol, validated at the edge. */
export type ClientFrame =
  | { readonly type: 'join'; readonly sessionId: string; readonly ref?: string | number }
  | { readonly type: 'heartbeat'; readonly sessionId: string; readonly ref?: string | number }
  | {
      readonly type: 'signal';
      readonly sessionId: string;
      readonly to: string;
      readonly media: Media;
      readonly shareId?: string;
      readonly kind: 'offer' | 'answer' | 'candidate';
      readonly payload: unknown;
      readonly ref?: string | number;
    };

/**
 * A frame refused before it is looked at further. `code` is the error frame's code:
 * BAD_FRAME (not JSON, wrong shape, wrong field), FRAME_TOO_DEEP (JSON nested deeper than
 * FRAME_MAX_DEPTH, refused before parsing) or INVALID_TEXT (a string holding U+0000 or a lone
 * surrogate, which no store or peer can take; `field` names it).
 */
export class BadFrame extends Error {
  constructor(
    message: string,
    readonly ref?: string | number,
    readonly code: 'BAD_FRAME' | 'FRAME_TOO_DEEP' | 'INVALID_TEXT' = 'BAD_FRAME',
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Arrays and objects nest at most this deep in a frame (SDP and ICE payloads need 3 or 4). */
export const FRAME_MAX_DEPTH = 32;

/**
 * The deepest nesting of arrays/objects in JSON text, or Infinity once it passes `max` (the scan
 * stops there, so a 30,000-deep payload costs as much as a 33-deep one). Brackets inside strings
 * do not count. Linear, no recursion.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** No U+0000 and no unpaired surrogate (String.prototype.isWellFormed: Node 20+, ES2024 lib not enabled). */
const storable = (s: string): boolean => !s.includes('\u0000') && (s as string & { isWellFormed(): boolean }).isWellFormed();

/** One step from a value into the first unstorable string under it (innermost first). */
type Step = string | number | typeof BAD_KEY;
const BAD_KEY = Symbol('a key');

/**
 * The steps to the first unstorable string under `value` (innermost first), or undefined. Nothing
 * is allocated on the way down: a frame that is all good text (every relayed frame) builds no
 * path; only a bad one does, on the way back up.
 */
function firstUnstorable(value: unknown): Step[] | undefined {
  if (typeof value === 'string') return storable(value) ? undefined : [];
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = firstUnstorable(value[i]);
      if (bad) return (bad.push(i), bad);
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!storable(key)) return [BAD_KEY];
    const bad = firstUnstorable((value as Record<string, unknown>)[key]);
    if (bad) return (bad.push(key), bad);
  }
  return undefined;
}

/**
 * The path of the first string (value or key) that PostgreSQL's text and jsonb cannot hold and a
 * browser would mangle: one with U+0000 or an unpaired UTF-16 surrogate (`payload.sdp`,
 * `list[2]`, `payload (a key)`), under `path`. Undefined when none.
 */
export function unstorableText(value: unknown, path: string): string | undefined {
  const steps = firstUnstorable(value);
  if (!steps) return undefined;
  let at = path;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    if (step === BAD_KEY) return at ? `${at} (a key)` : '(a key)';
    at = typeof step === 'number' ? `${at}[${step}]` : at ? `${at}.${step}` : step;
  }
  return at;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KINDS = ['offer', 'answer', 'candidate'] as const;
const ID_MAX = 200;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= ID_MAX;

/**
 * Parses one text frame; throws BadFrame (never anything else) when it is not a valid frame:
 * nested deeper than FRAME_MAX_DEPTH (FRAME_TOO_DEEP, checked before parsing), not JSON or not
 * the shape of a frame (BAD_FRAME), or any string anywhere holding U+0000 or a lone surrogate
 * (INVALID_TEXT naming the field, e.g. `payload.sdp`).
 */
export function parseFrame(text: string): ClientFrame {
  if (jsonDepthExceeds(text, FRAME_MAX_DEPTH)) throw new BadFrame(`the frame nests arrays/objects deeper than ${FRAME_MAX_DEPTH} levels`, undefined, 'FRAME_TOO_DEEP');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BadFrame('the frame is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BadFrame('the frame must be a JSON object');
  const f = raw as Record<string, unknown>;
  const ref =
    (typeof f.ref === 'string' && f.ref.length <= ID_MAX && storable(f.ref)) || (typeof f.ref === 'number' && Number.isFinite(f.ref)) ? (f.ref as string | number) : undefined;
  const bad = (message: string) => new BadFrame(message, ref);
  const unstorable = unstorableText(f, '');
  if (unstorable) throw new BadFrame(`${unstorable} holds U+0000 or an unpaired surrogate, which is not text that can be relayed`, ref, 'INVALID_TEXT', unstorable);
  if (typeof f.sessionId !== 'string' || !UUID.test(f.sessionId)) {
    if (f.type !== 'join' && f.type !== 'signal' && f.type !== 'heartbeat') throw bad(`unknown frame type ${JSON.stringify(String(f.type)).slice(0, 60)}`);
    throw bad('sessionId must be a UUID');
  }
  const sessionId = f.sessionId;
  switch (f.type) {
    case 'join':
    case 'heartbeat':
      return { type: f.type, sessionId, ref };
    case 'signal': {
      if (!isId(f.to)) throw bad('to must be a user id or "*"');
      if (!(MEDIA as readonly unknown[]).includes(f.media)) throw bad(`media must be one of ${MEDIA.join(', ')}`);
      if (!(KINDS as readonly unknown[]).includes(f.kind)) throw bad(`kind must be one of ${KINDS.join(', ')}`);
      if (f.shareId !== undefined && !isId(f.shareId)) throw bad('shareId must be a string');
      if (!('payload' in f) || f.payload === undefined) throw bad('payload is missing');
      return {
        type: 'signal',
        sessionId,
        to: f.to,
        media: f.media as Media,
        shareId: f.shareId as string | undefined,
        kind: f.kind as (typeof KINDS)[number],
        payload: f.payload,
        ref,
      };
    }
    default:
      throw bad(`unknown frame type ${JSON.stringify(String(f.type)).slice(0, 60)}`);
  }
}
