import { createHash } from 'node:crypto';

/**
 * A tamper-evident history (RPT-2): every event's metadata carries `chain: { prev, hash }`, where
 * `hash` covers the previous event's hash, the stream, the version, the type, the data and the
 * rest of the metadata. Editing, removing or reordering a stored event breaks the chain at that
 * event, and a replay names it.
 */
export interface ChainLink {
  readonly prev: string | null;
  readonly hash: string;
}

export interface Chainable {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** JSON with object keys sorted at every depth: the same value always gives the same text (jsonb does not keep key order). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(prev: string | null, event: Chainable): string {
  const { chain: _chain, ...metadata } = event.metadata as Record<string, unknown>;
  return createHash('sha256')
    .update([prev ?? '', event.streamId, String(event.version), event.type, canonicalJson(event.data), canonicalJson(metadata)].join('\n'))
    .digest('hex');
}

export function linkOf(event: Pick<Chainable, 'metadata'>): ChainLink | undefined {
  const chain = event.metadata.chain as Partial<ChainLink> | undefined;
  return typeof chain?.hash === 'string' ? { prev: chain.prev ?? null, hash: chain.hash } : undefined;
}

export type ChainCheck =
  | { readonly intact: true; readonly events: number }
  | { readonly intact: false; readonly events: number; readonly brokenAt: { readonly version: number; readonly id: string; readonly reason: string } };

/** Walks a stream from its first event and says whether the chain holds, and where it breaks. */
export function verifyChain(events: readonly (Chainable & { readonly id: string })[]): ChainCheck {
  let prev: string | null = null;
  for (const [index, event] of events.entries()) {
    const link = linkOf(event);
    const broken = (reason: string): ChainCheck => ({ intact: false, events: events.length, brokenAt: { version: event.version, id: event.id, reason } });
    if (event.version !== index) return broken(`version ${event.version} where ${index} was expected: an event is missing`);
    if (!link) return broken('the event carries no hash');
    if (link.prev !== prev) return broken('it does not point at the hash of the event before it');
    if (chainHash(prev, event) !== link.hash) return broken('its content does not match its hash: it was changed after it was stored');
    prev = link.hash;
  }
  return { intact: true, events: events.length };
}
