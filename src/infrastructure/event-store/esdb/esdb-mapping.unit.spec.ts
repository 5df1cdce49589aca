import { START } from '../../../application/event-store/event-store.port.js';
import { UpcasterRegistry } from '../../../application/event-store/upcasters.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import {
  comparePositions,
  type EsdbRecord,
  formatCheckpoint,
  fromEsdbMetadata,
  isAfter,
  isSystemEvent,
  META,
  parseCheckpoint,
  toActualVersion,
  toClientConnectionString,
  toEsdbMetadata,
  toExpectedRevision,
  toRecordedEvent,
} from './esdb-mapping.js';

const refused = (attempt: () => unknown, field: string) => {
  let error: unknown;
  try {
    attempt();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ category: 'validation', field });
  expect((error as Error).message).toContain(field);
};

describe('connection string', () => {
  it('KurrentDB schemes become the esdb schemes the client parses; esdb URLs pass unchanged', () => {
    expect(toClientConnectionString('kurrentdb://kurrentdb:2113?tls=false')).toBe('esdb://kurrentdb:2113?tls=false');
    expect(toClientConnectionString('kurrent+discover://a:2113,b:2113')).toBe('esdb+discover://a:2113,b:2113');
    expect(toClientConnectionString('esdb://admin:changeit@localhost:2113?tls=false')).toBe('esdb://admin:changeit@localhost:2113?tls=false');
  });
});

describe('expected version -> expected revision', () => {
  it('maps each case one to one: numbers to bigint revisions, the three markers to the client constants', () => {
    expect(toExpectedRevision(0)).toBe(0n);
    expect(toExpectedRevision(41)).toBe(41n);
    expect(toExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(toExpectedRevision('no_stream')).toBe('no_stream');
    expect(toExpectedRevision('stream_exists')).toBe('stream_exists');
    expect(toExpectedRevision('any')).toBe('any');
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.MAX_SAFE_INTEGER + 1], ['1'], ['NO_STREAM'], [null], [undefined]])('refuses %p, naming expectedVersion', (bad) => {
    refused(() => toExpectedRevision(bad as never), 'expectedVersion');
  });
});

describe('current revision (from a wrong-expected-version error) -> actual version', () => {
  it('a revision becomes the version; a missing stream (no_stream, -1 from older servers, absent) becomes no_stream', () => {
    expect(toActualVersion(0n)).toBe(0);
    expect(toActualVersion(7n)).toBe(7);
    expect(toActualVersion('no_stream')).toBe('no_stream');
    expect(toActualVersion(-1n)).toBe('no_stream');
    expect(toActualVersion(undefined)).toBe('no_stream');
  });

  it('a revision beyond the safe integers is an error, not a rounded version', () => {
    expect(() => toActualVersion(2n ** 60n)).toThrow(RangeError);
  });
});

describe('checkpoint <-> $all position', () => {
  it('round-trips positions exactly, up to the 64-bit maximum', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: 1234n, prepare: 1234n },
      { commit: 9000n, prepare: 8800n },
      { commit: 2n ** 64n - 1n, prepare: 2n ** 63n },
    ]) {
      const checkpoint = formatCheckpoint(position);
      expect(parseCheckpoint(checkpoint)).toEqual(position);
      expect(formatCheckpoint(parseCheckpoint(checkpoint) as typeof position)).toBe(checkpoint);
    }
    expect(formatCheckpoint({ commit: 1234n, prepare: 1200n })).toBe('1234/1200');
  });

  it('START is the start of $all', () => {
    expect(parseCheckpoint(START)).toBe('start');
  });

  it.each([
    [''],
    ['end'],
    ['12'],
    ['12/'],
    ['/12'],
    ['1/2/3'],
    ['-1/0'],
    ['1/-2'],
    ['+1/1'],
    [' 1/1'],
    ['1/1 '],
    ['01/1'],
    ['0x10/0'],
    ['1.5/1'],
    ['1e3/1'],
    ['18446744073709551616/0'],
    ['123456789012345678901/0'],
    ['10:20'],
    [12],
    [null],
  ])('refuses %p, naming checkpoint', (bad) => {
    refused(() => parseCheckpoint(bad), 'checkpoint');
  });

  it('orders by commit, then prepare; start is before everything', () => {
    const a = { commit: 10n, prepare: 10n };
    const b = { commit: 10n, prepare: 12n };
    const c = { commit: 11n, prepare: 0n };
    expect([c, b, a].sort(comparePositions)).toEqual([a, b, c]);
    expect(comparePositions('start', a)).toBe(-1);
    expect(comparePositions(a, 'start')).toBe(1);
    expect(comparePositions('start', 'start')).toBe(0);
    expect(comparePositions(a, { commit: 10n, prepare: 10n })).toBe(0);
    expect(isAfter(b, a)).toBe(true);
    expect(isAfter(a, a)).toBe(false);
    expect(isAfter({ commit: 0n, prepare: 0n }, 'start')).toBe(true);
  });
});

describe('metadata: schema version in, stripped on the way out', () => {
  it('writes the schema version (and the append token, original time) beside the caller metadata, and returns them apart', () => {
    const at = new Date('2025-03-01T10:00:00.000Z');
    const stored = toEsdbMetadata({ actor: 'u1', $correlationId: 'c' }, { schemaVersion: 3, appendId: 'tok', recordedAt: at });
    expect(stored).toEqual({ actor: 'u1', $correlationId: 'c', [META.schemaVersion]: 3, [META.appendId]: 'tok', [META.recordedAt]: at.toISOString() });
    // What the server gives back is the JSON of what went in.
    expect(fromEsdbMetadata(JSON.parse(JSON.stringify(stored)))).toEqual({ metadata: { actor: 'u1', $correlationId: 'c' }, schemaVersion: 3, appendId: 'tok', recordedAt: at });
  });

  it('no caller metadata: only ours is stored, and the caller gets {} back', () => {
    const stored = toEsdbMetadata(undefined, { schemaVersion: 1 });
    expect(stored).toEqual({ [META.schemaVersion]: 1 });
    expect(fromEsdbMetadata(stored)).toEqual({ metadata: {}, schemaVersion: 1 });
  });

  it('refuses caller keys that collide with ours, naming the event and key', () => {
    refused(() => toEsdbMetadata({ [META.schemaVersion]: 9 }, { schemaVersion: 1 }, 2), `events[2].metadata.${META.schemaVersion}`);
    refused(() => toEsdbMetadata({ [META.appendId]: 'x' }, { schemaVersion: 1 }), `events[0].metadata.${META.appendId}`);
  });

  it.each([[undefined], [null], ['text'], [[1, 2]], [new Uint8Array([1, 2])], [{ [META.schemaVersion]: 0 }], [{ [META.schemaVersion]: '2' }], [{ [META.schemaVersion]: 1.5 }]])(
    'events written by other tools (%p) read as schema version 1',
    (raw) => {
      expect(fromEsdbMetadata(raw).schemaVersion).toBe(1);
    },
  );

  it('an unreadable original time is ignored (the server time is used)', () => {
    expect(fromEsdbMetadata({ [META.recordedAt]: 'not a date' }).recordedAt).toBeUndefined();
  });
});

describe('recorded events', () => {
  const record = (over: Partial<EsdbRecord> = {}): EsdbRecord => ({
    id: '5c1a0b5e-9c39-4a3e-8d6a-6f0f1f6a2b11',
    streamId: 'session-1',
    revision: 4n,
    type: 'NoteSaved',
    created: new Date('2025-03-01T10:00:00.000Z'),
    isJson: true,
    data: { text: 'hi' },
    metadata: { actor: 'u1', [META.schemaVersion]: 1, [META.appendId]: 'tok' },
    position: { commit: 900n, prepare: 880n },
    ...over,
  });

  it('maps revision, $all position and created; strips our metadata; upcasts from the stored schema version', () => {
    const upcasters = new UpcasterRegistry([{ type: 'NoteSaved', fromVersion: 1, up: (data) => ({ ...(data as object), visibility: 'csr' }) }]);
    expect(toRecordedEvent(record(), upcasters)).toEqual({
      id: '5c1a0b5e-9c39-4a3e-8d6a-6f0f1f6a2b11',
      streamId: 'session-1',
      version: 4,
      type: 'NoteSaved',
      data: { text: 'hi', visibility: 'csr' },
      metadata: { actor: 'u1' },
      schemaVersion: 2,
      recordedAt: new Date('2025-03-01T10:00:00.000Z'),
      position: 900n,
      checkpoint: '900/880',
    });
    expect(toRecordedEvent(record(), new UpcasterRegistry())).toMatchObject({ schemaVersion: 1, data: { text: 'hi' } });
  });

  it('an event copied from another store keeps its original time', () => {
    const at = '2024-01-02T03:04:05.006Z';
    expect(toRecordedEvent(record({ metadata: { [META.recordedAt]: at } }), new UpcasterRegistry()).recordedAt).toEqual(new Date(at));
  });

  it('binary data written by another tool is read as JSON when it is JSON, else as text', () => {
    const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
    expect(toRecordedEvent(record({ isJson: false, data: bytes('{"a":1}') }), new UpcasterRegistry()).data).toEqual({ a: 1 });
    expect(toRecordedEvent(record({ isJson: false, data: bytes('plain') }), new UpcasterRegistry()).data).toBe('plain');
  });

  it('an event without a position (server older than 22.6) is an error that says so', () => {
    expect(() => toRecordedEvent(record({ position: undefined }), new UpcasterRegistry())).toThrow(/22\.6/);
  });

  it('system events are recognised by a $ type or a $ stream', () => {
    expect(isSystemEvent({ type: '$statsCollected', streamId: '$stats-127.0.0.1:2113' })).toBe(true);
    expect(isSystemEvent({ type: '$>', streamId: '$ce-session' })).toBe(true);
    expect(isSystemEvent({ type: 'Settings', streamId: '$$session-1' })).toBe(true);
    expect(isSystemEvent({ type: 'SessionStarted', streamId: 'session-1' })).toBe(false);
  });
});
