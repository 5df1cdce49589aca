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

export class BadFrame extends Error {
  constructor(
    message: string,
    readonly ref?: string | number,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KINDS = ['offer', 'answer', 'candidate'] as const;
const ID_MAX = 200;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= ID_MAX;

/** Parses one text frame; throws BadFrame (never anything else) when it is not a valid frame. */
export function parseFrame(text: string): ClientFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BadFrame('the frame is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BadFrame('the frame must be a JSON object');
  const f = raw as Record<string, unknown>;
  const ref = (typeof f.ref === 'string' && f.ref.length <= ID_MAX) || (typeof f.ref === 'number' && Number.isFinite(f.ref)) ? (f.ref as string | number) : undefined;
  const bad = (message: string) => new BadFrame(message, ref);
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
      return { type: 'signal', sessionId, to: f.to, media: f.media as Media, shareId: f.shareId as string | undefined, kind: f.kind as (typeof KINDS)[number], payload: f.payload, ref };
    }
    default:
      throw bad(`unknown frame type ${JSON.stringify(String(f.type)).slice(0, 60)}`);
  }
}
