/**
 * The event store port. The application owns this contract; PostgreSQL (default) and
 * EventStoreDB/KurrentDB adapters implement it and pass the same contract suite
 * (test/contract/event-store.contract.ts).
 *
 * Versions follow EventStoreDB's revisions: the first event of a stream is version 0 and a
 * stream's version is that of its last event, so they map one to one.
 */

/** `no_stream`: the stream must not exist. `stream_exists`: it must. `any`: no check. */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export const EXPECTED = { noStream: 'no_stream', streamExists: 'stream_exists', any: 'any' } as const;

export interface EventMetadata {
  readonly [key: string]: unknown;
}

export interface EventToAppend {
  /** A UUID. Appending an id the store already holds is a no-op (idempotent retries). Generated when absent. */
  readonly id?: string;
  readonly type: string;
  /** Any JSON value (objects, arrays, strings, finite numbers, booleans, null). */
  readonly data: unknown;
  readonly metadata?: EventMetadata;
  /** The schema version the data is written in; defaults to the registry's current one for the type. */
  readonly schemaVersion?: number;
}

export interface RecordedEvent<Data = unknown> {
  readonly id: string;
  readonly streamId: string;
  /** The event's version in its stream (0-based). */
  readonly version: number;
  readonly type: string;
  /** After upcasting: the data in the type's current schema version. */
  readonly data: Data;
  readonly metadata: EventMetadata;
  /** The version the data is in now (after upcasting). */
  readonly schemaVersion: number;
  readonly recordedAt: Date;
  /** A number that grows with the global order; for display and metrics. */
  readonly position: bigint;
  /** Opaque, ordered position in the global log: pass it back to readAll/subscribe to go on after this event. */
  readonly checkpoint: string;
}

export interface AppendResult {
  /** The stream's version after the append. */
  readonly nextExpectedVersion: number;
  readonly positions: readonly { id: string; version: number; checkpoint: string }[];
  /** True when every event id was already stored: nothing was written. */
  readonly replayed: boolean;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  readonly fromVersion?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  readonly maxCount?: number;
}

/** The beginning of the global log. */
export const START: string = 'start';

export interface SubscriptionHandlerContext {
  /** The checkpoint after the last event in the batch: store it with the batch's effects. */
  readonly checkpoint: string;
}

export interface Subscription {
  /** Stops delivering; resolves once the batch in flight, if any, is done. */
  close(): Promise<void>;
  /** Resolves when the subscription has delivered everything up to the log's end at call time. */
  caughtUp(): Promise<void>;
}

export interface SubscribeOptions {
  readonly batchSize?: number;
  /** Called when the handler throws; the subscription retries the same batch after a pause. */
  readonly onError?: (error: unknown) => void;
}

export interface EventStore {
  appendToStream(streamId: string, events: readonly EventToAppend[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(fromCheckpoint: string, options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Catch-up then live: delivers every event after `fromCheckpoint`, in global order, in
   * batches. The next batch waits until the handler's promise resolves.
   */
  subscribe(fromCheckpoint: string, handler: (events: readonly RecordedEvent[], context: SubscriptionHandlerContext) => Promise<void>, options?: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
