import { validateExpectedVersion } from '../../../application/event-store/append-validation.js';
import { type EventMetadata, type ExpectedVersion, type RecordedEvent, START } from '../../../application/event-store/event-store.port.js';
import type { UpcasterRegistry } from '../../../application/event-store/upcasters.js';
import { validationError } from '../../../domain/shared/domain-error.js';

/**
 * Pure translations between the event store port and EventStoreDB/KurrentDB: expected versions
 * and revisions, checkpoints and $all positions, our keys in event metadata. No I/O here, so
 * every rule is unit-tested without a server (esdb-mapping.unit.spec.ts).
 */

/** A $all position, as the client gives it. */
export interface EsdbPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** `'start'` (before the first event) or a position to read after. */
export type EsdbFrom = 'start' | EsdbPosition;

/** What the client hands back for a stored event (JSON or binary). */
export interface EsdbRecord {
  readonly id: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  /** Present on $all reads, and on stream reads from servers 22.6 and later. */
  readonly position?: EsdbPosition;
}

// ---- connection string -------------------------------------------------------------------

/**
 * The configuration accepts KurrentDB's schemes (kurrentdb://, kurrent://, +discover); the
 * @eventstore/db-client parser knows them as esdb:// and esdb+discover://, with the same options.
 */
export function toClientConnectionString(url: string): string {
  return url.replace(/^(?:kurrentdb|kurrent)(\+discover)?:\/\//i, (_match, discover: string | undefined) => `esdb${discover ?? ''}://`);
}

// ---- expected version <-> revision -------------------------------------------------------

/** The client's expected revision: the same four cases, numbers as bigint revisions. */
export type EsdbExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export function toExpectedRevision(expected: ExpectedVersion): EsdbExpectedRevision {
  validateExpectedVersion(expected);
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

/**
 * The stream's version from a client WrongExpectedVersion error: a revision, or 'no_stream'
 * (older servers report a missing stream as -1).
 */
export function toActualVersion(current: unknown): number | 'no_stream' {
  if (current === 'no_stream' || current === undefined || current === null) return 'no_stream';
  const revision = typeof current === 'bigint' ? current : typeof current === 'number' || typeof current === 'string' ? BigInt(current) : undefined;
  if (revision === undefined) throw new TypeError(`unexpected current revision ${String(current)}`);
  if (revision < 0n) return 'no_stream';
  return revisionToVersion(revision);
}

export function revisionToVersion(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`stream revision ${revision} is outside the range of versions`);
  return Number(revision);
}

// ---- checkpoint <-> $all position --------------------------------------------------------

const MAX_U64 = 2n ** 64n - 1n;
const CHECKPOINT = /^(0|[1-9]\d{0,19})\/(0|[1-9]\d{0,19})$/;

/** `<commit>/<prepare>`: opaque to callers, exact (bigints as decimal) and canonical. */
export function formatCheckpoint(position: EsdbPosition): string {
  return `${position.commit}/${position.prepare}`;
}

export function parseCheckpoint(checkpoint: unknown): EsdbFrom {
  if (checkpoint === START) return 'start';
  const match = typeof checkpoint === 'string' ? CHECKPOINT.exec(checkpoint) : null;
  const commit = match ? BigInt(match[1]!) : -1n;
  const prepare = match ? BigInt(match[2]!) : -1n;
  if (!match || commit > MAX_U64 || prepare > MAX_U64)
    throw validationError('INVALID_CHECKPOINT', 'checkpoint', `checkpoint must be '${START}' or '<commit>/<prepare>' as returned by this store (got ${String(checkpoint)})`);
  return { commit, prepare };
}

/** Order in $all: by commit position, then prepare position. `'start'` is before everything. */
export function comparePositions(a: EsdbFrom, b: EsdbFrom): number {
  if (a === 'start' || b === 'start') return a === b ? 0 : a === 'start' ? -1 : 1;
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function isAfter(position: EsdbPosition, from: EsdbFrom): boolean {
  return comparePositions(position, from) > 0;
}

// ---- metadata: our keys in, our keys out ------------------------------------------------

/** Keys this adapter keeps in an event's metadata; callers never see them. */
export const META = {
  /** The schema version the data was written in. */
  schemaVersion: '$schemaVersion',
  /** A token per appendToStream call, on its first event: tells a fresh write from an idempotent replay. */
  appendId: '$appendId',
  /** The original time of an event copied from another store (scripts/migrate-events.ts). */
  recordedAt: '$recordedAt',
} as const;

const RESERVED = new Set<string>(Object.values(META));

export interface StoredMetadata {
  readonly schemaVersion: number;
  readonly appendId?: string;
  readonly recordedAt?: Date;
}

/**
 * The metadata object written to the server. Callers' keys that collide with ours are refused
 * rather than silently overwritten. `index` names the event in the error.
 */
export function toEsdbMetadata(metadata: EventMetadata | undefined, stored: StoredMetadata, index = 0): Record<string, unknown> {
  for (const key of Object.keys(metadata ?? {}))
    if (RESERVED.has(key))
      throw validationError('RESERVED_METADATA_KEY', `events[${index}].metadata.${key}`, `events[${index}].metadata.${key} is reserved by the EventStoreDB adapter`);
  if (!Number.isInteger(stored.schemaVersion) || stored.schemaVersion < 1) throw new RangeError(`schema version must be an integer >= 1 (got ${stored.schemaVersion})`);
  return {
    ...metadata,
    [META.schemaVersion]: stored.schemaVersion,
    ...(stored.appendId !== undefined ? { [META.appendId]: stored.appendId } : {}),
    ...(stored.recordedAt !== undefined ? { [META.recordedAt]: stored.recordedAt.toISOString() } : {}),
  };
}

/**
 * Splits stored metadata into the caller's part and ours. Events written by other tools (no
 * metadata, binary metadata, no schema version) read as schema version 1 with empty metadata.
 */
export function fromEsdbMetadata(raw: unknown): { metadata: EventMetadata } & StoredMetadata {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || raw instanceof Uint8Array) return { metadata: {}, schemaVersion: 1 };
  // Built from entries: a stored key such as `__proto__` stays a plain key.
  const metadata: Record<string, unknown> = Object.fromEntries(Object.entries(raw).filter(([key]) => !RESERVED.has(key)));
  const record = raw as Record<string, unknown>;
  const version = record[META.schemaVersion];
  const appendId = record[META.appendId];
  const recordedAt = typeof record[META.recordedAt] === 'string' ? new Date(record[META.recordedAt] as string) : undefined;
  return {
    metadata,
    schemaVersion: typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1,
    ...(typeof appendId === 'string' ? { appendId } : {}),
    ...(recordedAt !== undefined && !Number.isNaN(recordedAt.getTime()) ? { recordedAt } : {}),
  };
}

// ---- recorded events ---------------------------------------------------------------------

/** System streams and types ($-prefixed: stats, projections, links, metadata) never reach callers. */
export function isSystemEvent(record: Pick<EsdbRecord, 'type' | 'streamId'>): boolean {
  return record.type.startsWith('$') || record.streamId.startsWith('$');
}

export function toRecordedEvent(record: EsdbRecord, upcasters: UpcasterRegistry): RecordedEvent {
  if (!record.position)
    throw new Error(`EventStoreDB returned event ${record.id} of ${record.streamId} without its $all position: Tandem needs EventStoreDB 22.6 or later (or KurrentDB)`);
  const stored = fromEsdbMetadata(record.metadata);
  const { data, schemaVersion } = upcasters.upcast(record.type, stored.schemaVersion, decodeData(record), stored.metadata);
  return {
    id: record.id,
    streamId: record.streamId,
    version: revisionToVersion(record.revision),
    type: record.type,
    data,
    metadata: stored.metadata,
    schemaVersion,
    recordedAt: stored.recordedAt ?? record.created,
    position: record.position.commit,
    checkpoint: formatCheckpoint(record.position),
  };
}

/** JSON events arrive parsed; a binary event (written by another tool) is read as JSON if it is, else as text. */
function decodeData(record: EsdbRecord): unknown {
  if (record.isJson || !(record.data instanceof Uint8Array)) return record.data;
  const text = Buffer.from(record.data).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
