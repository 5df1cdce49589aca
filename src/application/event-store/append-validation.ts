import { validationError } from '../../domain/shared/domain-error.js';
import type { EventToAppend, ExpectedVersion } from './event-store.port.js';

/**
 * Checks an append before any I/O, so that bad input is refused with a clear error naming
 * the field and nothing is written. Shared by every adapter.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_STREAM_ID_LENGTH = 200;

export function validateAppend(streamId: unknown, events: readonly EventToAppend[], expectedVersion: unknown): asserts expectedVersion is ExpectedVersion {
  if (typeof streamId !== 'string' || streamId.trim() === '') throw validationError('INVALID_STREAM_ID', 'streamId', 'streamId must be a non-empty string');
  if (streamId.length > MAX_STREAM_ID_LENGTH) throw validationError('INVALID_STREAM_ID', 'streamId', `streamId must be at most ${MAX_STREAM_ID_LENGTH} characters`);
  if (streamId.startsWith('$')) throw validationError('INVALID_STREAM_ID', 'streamId', 'streamId must not start with $ (reserved for system streams)');
  validateExpectedVersion(expectedVersion);
  if (!Array.isArray(events) || events.length === 0) throw validationError('INVALID_EVENTS', 'events', 'events must be a non-empty array');
  const ids = new Set<string>();
  events.forEach((event, i) => {
    if (typeof event?.type !== 'string' || event.type.trim() === '' || event.type.length > 200)
      throw validationError('INVALID_EVENT_TYPE', `events[${i}].type`, `events[${i}].type must be a non-empty string of at most 200 characters`);
    if (event.id !== undefined) {
      if (typeof event.id !== 'string' || !UUID.test(event.id)) throw validationError('INVALID_EVENT_ID', `events[${i}].id`, `events[${i}].id must be a UUID`);
      if (ids.has(event.id.toLowerCase())) throw validationError('INVALID_EVENT_ID', `events[${i}].id`, `events[${i}].id appears twice in one append`);
      ids.add(event.id.toLowerCase());
    }
    if (event.schemaVersion !== undefined && (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1))
      throw validationError('INVALID_SCHEMA_VERSION', `events[${i}].schemaVersion`, `events[${i}].schemaVersion must be an integer >= 1`);
    assertJson(event.data, `events[${i}].data`);
    if (event.metadata !== undefined) {
      if (!isPlainObject(event.metadata)) throw validationError('INVALID_EVENT_METADATA', `events[${i}].metadata`, `events[${i}].metadata must be a plain object`);
      assertJson(event.metadata, `events[${i}].metadata`);
    }
  });
}

export function validateExpectedVersion(expectedVersion: unknown): asserts expectedVersion is ExpectedVersion {
  if (expectedVersion === 'no_stream' || expectedVersion === 'stream_exists' || expectedVersion === 'any') return;
  if (typeof expectedVersion === 'number' && Number.isSafeInteger(expectedVersion) && expectedVersion >= 0) return;
  throw validationError(
    'INVALID_EXPECTED_VERSION',
    'expectedVersion',
    `expectedVersion must be an integer >= 0, 'no_stream', 'stream_exists' or 'any' (got ${String(expectedVersion)})`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Strict JSON: what goes in comes back out unchanged (no undefined, NaN, Dates, classes, cycles). */
function assertJson(value: unknown, path: string, seen: Set<object> = new Set()): void {
  const fail = (what: string) => {
    throw validationError('NOT_JSON_SERIALISABLE', path, `${path} is not JSON-serialisable: ${what}`);
  };
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(`${value} is not a finite number`);
      return;
    case 'object':
      if (value === null) return;
      if (seen.has(value)) fail('it contains a cycle');
      seen.add(value);
      if (Array.isArray(value)) value.forEach((item, i) => assertJson(item, `${path}[${i}]`, seen));
      else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) assertJson(item, `${path}.${key}`, seen);
      else fail(`${Object.getPrototypeOf(value)?.constructor?.name ?? 'object'} is not a plain object`);
      seen.delete(value);
      return;
    default:
      fail(`${typeof value} values are not allowed`);
  }
}
