import { randomUUID } from 'node:crypto';
import { storedEventUpcasters } from '../../../application/event-store/stored-event-upcasters.js';
import {
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  type AllStreamRecordedEvent,
  type JSONType,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import { validateAppend } from '../../../application/event-store/append-validation.js';
import { EventStoreUnavailableError, IdempotencyConflictError, WrongExpectedVersionError } from '../../../application/event-store/event-store.errors.js';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedVersion,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandlerContext,
} from '../../../application/event-store/event-store.port.js';
import { UpcasterRegistry } from '../../../application/event-store/upcasters.js';
import { DomainError, validationError } from '../../../domain/shared/domain-error.js';
import {
  type EsdbFrom,
  type EsdbPosition,
  type EsdbRecord,
  fromEsdbMetadata,
  isAfter,
  isSystemEvent,
  parseCheckpoint,
  toActualVersion,
  toClientConnectionString,
  toEsdbMetadata,
  toExpectedRevision,
  toRecordedEvent,
} from './esdb-mapping.js';
import { EsdbSubscription, type LiveSource, type SourceSink } from './esdb-subscription.js';

export interface EsdbEventStoreOptions {
  /** Pauses of a dropped subscription before it reopens (first, longest). */
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  /** Pause before a failed subscription handler gets its batch again. */
  readonly handlerRetryMs?: number;
  /** How far back an `any`/`stream_exists` conflict looks for this append's ids (events). */
  readonly idempotencyScanLimit?: number;
}

interface Proposed {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}

/**
 * The event store port on EventStoreDB / KurrentDB (gRPC client `@eventstore/db-client`).
 *
 * - Versions are stream revisions and expected versions map one to one (number -> revision,
 *   'no_stream' / 'stream_exists' / 'any' -> the client's constants).
 * - Idempotency is the server's: it deduplicates by event id within a stream. Each append reads
 *   its events back to return their $all positions; a token on the first event's metadata tells
 *   a fresh write from a replay of stored ids. Limits (the server's rules): with `any` the check
 *   is best effort (a recent-ids cache), and an id stored elsewhere in the stream than where the
 *   expected version points is written again.
 * - The schema version and our other keys live in the event's metadata and are stripped on read.
 * - Checkpoints are `<commit>/<prepare>` $all positions; system events ($-prefixed types and
 *   streams) never reach callers.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly upcasters: UpcasterRegistry;
  private readonly endpoint: string;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private closed = false;

  constructor(
    connectionString: string,
    upcasters?: UpcasterRegistry,
    private readonly options: EsdbEventStoreOptions = {},
  ) {
    this.endpoint = connectionString.replace(/\/\/[^@/]*@/, '//').replace(/\?.*$/, '');
    try {
      this.client = EventStoreDBClient.connectionString(toClientConnectionString(connectionString));
    } catch (error) {
      throw new Error(`EVENTSTORE_URL is not a valid EventStoreDB/KurrentDB connection string (${this.endpoint}): ${(error as Error).message}`, { cause: error });
    }
    this.upcasters = upcasters ?? storedEventUpcasters();
  }

  async appendToStream(streamId: string, events: readonly EventToAppend[], { expectedVersion }: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    validateAppend(streamId, events, expectedVersion);
    const appendId = randomUUID();
    const proposed = events.map((e, i) => ({
      id: (e.id ?? randomUUID()).toLowerCase(),
      type: e.type,
      data: e.data,
      metadata: toEsdbMetadata(e.metadata, { schemaVersion: e.schemaVersion ?? this.upcasters.currentVersion(e.type), ...(i === 0 ? { appendId } : {}) }, i),
    }));
    return this.write(streamId, proposed, expectedVersion, appendId);
  }

  /**
   * Copies events read from another store (scripts/migrate-events.ts): same ids, types, data,
   * metadata and schema versions, and the original time (kept in metadata, returned as
   * `recordedAt`). Data is copied as stored: pass events read without upcasters.
   */
  async importEvents(streamId: string, events: readonly RecordedEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    validateAppend(
      streamId,
      events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata as EventMetadata, schemaVersion: e.schemaVersion })),
      expectedVersion,
    );
    const appendId = randomUUID();
    const proposed = events.map((e, i) => ({
      id: e.id.toLowerCase(),
      type: e.type,
      data: e.data,
      metadata: toEsdbMetadata(e.metadata, { schemaVersion: e.schemaVersion, recordedAt: e.recordedAt, ...(i === 0 ? { appendId } : {}) }, i),
    }));
    return this.write(streamId, proposed, expectedVersion, appendId);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (typeof streamId !== 'string' || streamId === '') throw validationError('INVALID_STREAM_ID', 'streamId', 'streamId must be a non-empty string');
    const backwards = options.direction === 'backwards';
    if (options.fromVersion !== undefined && (!Number.isSafeInteger(options.fromVersion) || options.fromVersion < 0))
      throw validationError('INVALID_VERSION', 'fromVersion', 'fromVersion must be an integer >= 0');
    if (options.maxCount !== undefined && (!Number.isSafeInteger(options.maxCount) || options.maxCount < 1))
      throw validationError('INVALID_MAX_COUNT', 'maxCount', 'maxCount must be an integer >= 1');
    const fromRevision: ReadRevision = options.fromVersion !== undefined ? BigInt(options.fromVersion) : backwards ? END : 'start';
    const records = await this.readStreamRecords(streamId, { fromRevision, direction: backwards ? BACKWARDS : FORWARDS, maxCount: options.maxCount });
    return records.map((r) => toRecordedEvent(r, this.upcasters));
  }

  async readAll(fromCheckpoint: string, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = parseCheckpoint(fromCheckpoint);
    const limit = options.maxCount ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1) throw validationError('INVALID_MAX_COUNT', 'maxCount', 'maxCount must be an integer >= 1');
    // $all holds system events too: page on until `limit` user events or the end of the log.
    // Reads from a position may include the event at it, so anything not after the cursor is dropped.
    const pageSize = Math.min(Math.max(limit + 1, 64), 1024);
    const out: RecordedEvent[] = [];
    let cursor: EsdbFrom = from;
    for (;;) {
      const page = await this.readAllRecords({ fromPosition: cursor, direction: FORWARDS, maxCount: pageSize });
      let advanced = false;
      for (const record of page) {
        if (!isAfter(record.position, cursor)) continue;
        cursor = record.position;
        advanced = true;
        if (isSystemEvent(record)) continue;
        out.push(toRecordedEvent(record, this.upcasters));
        if (out.length === limit) return out;
      }
      if (page.length < pageSize || !advanced) return out;
    }
  }

  subscribe(
    fromCheckpoint: string,
    handler: (events: readonly RecordedEvent[], context: SubscriptionHandlerContext) => Promise<void>,
    options: SubscribeOptions = {},
  ): Subscription {
    const from = parseCheckpoint(fromCheckpoint);
    const batchSize = options.batchSize ?? 500;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw validationError('INVALID_BATCH_SIZE', 'batchSize', 'batchSize must be an integer >= 1');
    const subscription = new EsdbSubscription({
      from,
      open: (position, sink) => this.openAllSubscription(position, sink),
      head: () => this.lastUserEventPosition(),
      handler,
      batchSize,
      onError: options.onError,
      onClose: () => this.subscriptions.delete(subscription),
      handlerRetryMs: this.options.handlerRetryMs,
      reconnectMinMs: this.options.reconnectMinMs,
      reconnectMaxMs: this.options.reconnectMaxMs,
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose().catch(() => undefined);
  }

  // ---- appends ---------------------------------------------------------------------------

  private async write(streamId: string, proposed: readonly Proposed[], expectedVersion: ExpectedVersion, appendId: string): Promise<AppendResult> {
    let nextRevision: bigint;
    try {
      const result = await this.client.appendToStream(
        streamId,
        // Data is any JSON value (validated); the client serialises it with JSON.stringify.
        proposed.map((p) => jsonEvent({ id: p.id, type: p.type, data: p.data as JSONType, metadata: p.metadata })),
        { expectedRevision: toExpectedRevision(expectedVersion) },
      );
      nextRevision = result.nextExpectedRevision;
    } catch (error) {
      throw await this.appendFailure(error, streamId, proposed, expectedVersion);
    }
    // The server answers a replay of stored ids with the revisions they were written at; read
    // those events back for their positions, and to see whether this call wrote them.
    const first = nextRevision - BigInt(proposed.length) + 1n;
    const stored = await this.readStreamRecords(streamId, { fromRevision: first, direction: FORWARDS, maxCount: proposed.length, requiresLeader: true });
    if (stored.length !== proposed.length || stored.some((r, i) => r.id.toLowerCase() !== proposed[i]!.id))
      throw new Error(`stream ${streamId}: EventStoreDB acknowledged the append at revisions ${first}..${nextRevision}, but other events are stored there`);
    const events = stored.map((r) => toRecordedEvent(r, this.upcasters));
    return {
      nextExpectedVersion: events[events.length - 1]!.version,
      positions: events.map((e) => ({ id: e.id, version: e.version, checkpoint: e.checkpoint })),
      replayed: fromEsdbMetadata(stored[0]!.metadata).appendId !== appendId,
    };
  }

  /**
   * The server refuses a batch whose ids are partly stored with a wrong-expected-version error
   * too; tell the two apart by looking for this append's ids where the server compared them.
   */
  private async appendFailure(error: unknown, streamId: string, proposed: readonly Proposed[], expected: ExpectedVersion): Promise<unknown> {
    if (errorType(error) === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED)
      return validationError('EVENTS_TOO_LARGE', 'events', `events exceed the server's maximum append size: ${(error as Error).message}`);
    if (errorType(error) !== ErrorType.WRONG_EXPECTED_VERSION) return this.translate(error);
    const actual = toActualVersion((error as { actualVersion?: unknown }).actualVersion);
    if (actual === 'no_stream') return new WrongExpectedVersionError(streamId, expected, actual);
    const ids = new Set(proposed.map((p) => p.id));
    let candidates: EsdbRecord[];
    try {
      if (typeof expected === 'number' || expected === 'no_stream') {
        const from = typeof expected === 'number' ? BigInt(expected) + 1n : 0n;
        candidates = await this.readStreamRecords(streamId, { fromRevision: from, direction: FORWARDS, maxCount: proposed.length });
      } else {
        candidates = await this.readStreamRecords(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: this.options.idempotencyScanLimit ?? 10_000 });
      }
    } catch (readError) {
      return readError;
    }
    if (candidates.some((r) => ids.has(r.id.toLowerCase()))) return new IdempotencyConflictError(streamId);
    return new WrongExpectedVersionError(streamId, expected, actual);
  }

  // ---- reads -----------------------------------------------------------------------------

  private async readStreamRecords(
    streamId: string,
    options: { fromRevision: ReadRevision; direction: typeof FORWARDS | typeof BACKWARDS; maxCount?: number; requiresLeader?: boolean },
  ): Promise<EsdbRecord[]> {
    const out: EsdbRecord[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) if (resolved.event) out.push(resolved.event);
    } catch (error) {
      const type = errorType(error);
      if (type === ErrorType.STREAM_NOT_FOUND || type === ErrorType.STREAM_DELETED) return [];
      throw this.translate(error);
    }
    return out;
  }

  private async readAllRecords(options: { fromPosition: ReadPosition; direction: typeof FORWARDS | typeof BACKWARDS; maxCount: number }): Promise<AllStreamRecordedEvent[]> {
    const out: AllStreamRecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readAll(options)) if (resolved.event) out.push(resolved.event);
    } catch (error) {
      throw this.translate(error);
    }
    return out;
  }

  /** The position of the last user event in $all now (a page back at a time past system events). */
  private async lastUserEventPosition(): Promise<EsdbPosition | undefined> {
    const pageSize = 512;
    let cursor: ReadPosition = END;
    for (;;) {
      const page = await this.readAllRecords({ fromPosition: cursor, direction: BACKWARDS, maxCount: pageSize });
      let advanced = false;
      for (const record of page) {
        if (cursor !== END && !isAfter(cursor as EsdbPosition, record.position)) continue;
        cursor = record.position;
        advanced = true;
        if (!isSystemEvent(record)) return record.position;
      }
      if (page.length < pageSize || !advanced) return undefined;
    }
  }

  // ---- subscriptions ---------------------------------------------------------------------

  private openAllSubscription(from: EsdbFrom, sink: SourceSink): LiveSource {
    const stream = this.client.subscribeToAll({ fromPosition: from, filter: excludeSystemEvents() });
    let stopped = false;
    stream.on('data', (resolved) => {
      const record = resolved.event;
      if (stopped || !record || isSystemEvent(record)) return;
      let event: RecordedEvent;
      try {
        event = toRecordedEvent(record, this.upcasters);
      } catch (error) {
        sink.error(error);
        return;
      }
      sink.event(event, record.position);
    });
    stream.on('error', (error) => {
      if (!stopped) sink.error(this.translate(error));
    });
    stream.on('end', () => {
      if (!stopped) sink.end();
    });
    stream.on('close', () => {
      if (!stopped) sink.end();
    });
    return {
      pause: () => void stream.pause(),
      resume: () => void stream.resume(),
      stop: async () => {
        stopped = true;
        await stream.unsubscribe();
      },
    };
  }

  // ---- errors ----------------------------------------------------------------------------

  private translate(error: unknown): unknown {
    if (error instanceof DomainError || error instanceof EventStoreUnavailableError) return error;
    if (isConnectionFailure(error)) return new EventStoreUnavailableError(`EventStoreDB/KurrentDB at ${this.endpoint} is unavailable: ${(error as Error).message}`, error);
    return error;
  }
}

function errorType(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? ((error as { type?: unknown }).type as string | undefined) : undefined;
}

const UNAVAILABLE_TYPES = new Set<string>([ErrorType.UNAVAILABLE, ErrorType.DEADLINE_EXCEEDED, ErrorType.TIMEOUT, ErrorType.CANCELLED, ErrorType.NOT_LEADER]);
// gRPC status codes: 1 CANCELLED, 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE (appends report them as plain errors).
const UNAVAILABLE_CODES = new Set<unknown>([1, 4, 14]);

function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const type = errorType(error);
  if (type !== undefined && UNAVAILABLE_TYPES.has(type)) return true;
  if (UNAVAILABLE_CODES.has((error as { code?: unknown }).code)) return true;
  return /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|No connection established|Failed to discover|failed to connect/i.test(
    String((error as Error).message),
  );
}
