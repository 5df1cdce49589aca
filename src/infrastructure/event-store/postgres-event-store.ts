import { v7 as uuidv7 } from 'uuid';
import { storedEventUpcasters } from '../../application/event-store/stored-event-upcasters.js';
import pg from 'pg';
import pRetry from 'p-retry';
import { validateAppend } from '../../application/event-store/append-validation.js';
import { EventStoreUnavailableError, IdempotencyConflictError, WrongExpectedVersionError } from '../../application/event-store/event-store.errors.js';
import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedVersion,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandlerContext,
} from '../../application/event-store/event-store.port.js';
import { UpcasterRegistry } from '../../application/event-store/upcasters.js';
import { DomainError, validationError } from '../../domain/shared/domain-error.js';
import { formatPgCheckpoint, parsePgCheckpoint } from './checkpoint.js';
import { PollingSubscription } from './polling-subscription.js';
import { WakeUp } from './wake-up.js';

export const EVENTS_CHANNEL = 'tandem_events';

export interface PostgresEventStoreOptions {
  readonly pool: pg.Pool;
  readonly upcasters?: UpcasterRegistry;
  /** Listen for other nodes' appends (LISTEN/NOTIFY). Off in benchmarks of the bare append path. */
  readonly listen?: boolean;
  /** How often a subscription looks for new events when no signal came. */
  readonly pollIntervalMs?: number;
  /** Retries of an append that hit a transient conflict in `any`/`stream_exists` mode. */
  readonly maxAppendRetries?: number;
  /**
   * Appends on their way to the server at once (default 4). Appends that arrive while all are
   * taken wait and go together, up to 32, in one transaction (es_append_many): under load a
   * commit serves many appends, and when nothing waits an append goes at once, alone. 1 sends
   * one call at a time; 0 turns combining off (every append its own transaction).
   */
  readonly appendFlights?: number;
}

/** Most appends combined in one transaction: each is a subtransaction, and PostgreSQL keeps 64 subtransaction ids per backend before snapshots slow down for everyone. */
const MAX_COMBINED = 32;

/** An append waiting for a flight. */
interface QueuedAppend {
  readonly streamId: string;
  readonly payload: string;
  readonly expectedVersion: ExpectedVersion;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** A refusal es_append_many reported for one append, shaped as node-postgres reports es_append's (code, detail). */
class CombinedAppendError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly detail: string | undefined,
  ) {
    super(message);
  }
}

const MODE = { exact: 0, no_stream: 1, stream_exists: 2, any: 3 } as const;

interface EventRow {
  event_id: string;
  stream_id: string;
  stream_version: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
  global_position: string;
  tx_text: string;
}

// The xid8 goes out as text under another name: `ORDER BY tx_id` must mean the column, never
// an output alias, or ids would sort as strings ("892" after "1041").
const COLUMNS = 'event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at, global_position, tx_id::text AS tx_text';

/** Anything that runs a query: the pool, or a client inside a caller's transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export class PostgresEventStore implements EventStore {
  private readonly pool: pg.Pool;
  private readonly upcasters: UpcasterRegistry;
  private readonly wakeUp = new WakeUp();
  private readonly subscriptions = new Set<PollingSubscription>();
  private stopListening?: () => void;
  private listening?: Promise<void>;
  private notifyPending = false;
  private closed = false;
  private flights = 0;
  private readonly queued: QueuedAppend[] = [];

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.pool = options.pool;
    this.upcasters = options.upcasters ?? storedEventUpcasters();
  }

  async appendToStream(streamId: string, events: readonly EventToAppend[], { expectedVersion }: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    validateAppend(streamId, events, expectedVersion);
    const payload = PostgresEventStore.payload(events, (type) => this.upcasters.currentVersion(type));
    const append = () => this.appendOn(this.pool, streamId, payload, expectedVersion);
    let result: AppendResult;
    try {
      // The first try is a plain call: every command appends, and p-retry's wrapper cost 40-100 µs
      // a call on this machine where the call itself costs well under one. It may go together
      // with other appends (see `appendFlights`); retries go alone.
      result = await this.combined(streamId, payload, expectedVersion);
    } catch (first) {
      if (!isRetryable(first, expectedVersion)) throw await this.translate(first, streamId, expectedVersion);
      // A serialization failure (40001: a younger transaction wrote the stream first) or a lost race
      // to create the stream (23505 with any/stream_exists) passes in a new transaction, at once
      // (the other transaction has committed), then with a short jittered backoff (1-2, 2-4 ms, ...).
      try {
        result = await pRetry(append, {
          retries: Math.max(0, (this.options.maxAppendRetries ?? 5) - 1),
          minTimeout: 1,
          factor: 2,
          randomize: true,
          shouldRetry: ({ error }) => isRetryable(error, expectedVersion),
        });
      } catch (error) {
        throw await this.translate(error, streamId, expectedVersion);
      }
    }
    this.afterCommit();
    return result;
  }

  /**
   * The append at once while a flight is free; otherwise it waits and goes with the others that
   * wait (es_append_many). Resolves or rejects exactly as `appendOn` would for it alone.
   */
  private combined(streamId: string, payload: string, expectedVersion: ExpectedVersion): Promise<AppendResult> {
    const flights = this.options.appendFlights ?? 4;
    if (flights <= 0) return this.appendOn(this.pool, streamId, payload, expectedVersion);
    if (this.flights < flights && this.queued.length === 0) {
      this.flights++;
      return this.appendOn(this.pool, streamId, payload, expectedVersion).finally(() => this.landed());
    }
    return new Promise<AppendResult>((resolve, reject) => this.queued.push({ streamId, payload, expectedVersion, resolve, reject }));
  }

  /** A flight is back: the appends that waited meanwhile go, together. */
  private landed(): void {
    this.flights--;
    if (this.queued.length === 0) return;
    const batch = this.queued.splice(0, MAX_COMBINED);
    this.flights++;
    void this.appendMany(batch).finally(() => this.landed());
  }

  private async appendMany(batch: readonly QueuedAppend[]): Promise<void> {
    if (batch.length === 1) {
      const [one] = batch as [QueuedAppend];
      await this.appendOn(this.pool, one.streamId, one.payload, one.expectedVersion).then(one.resolve, one.reject);
      return;
    }
    // In stream order: two nodes' calls that touch the same streams take their locks in the same
    // order and cannot deadlock. The payloads are JSON already: the argument is built around them.
    const sorted = [...batch].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    const appends = sorted.map(({ streamId, payload, expectedVersion }) => {
      const { mode, expected } = modeOf(expectedVersion);
      return `{"stream":${JSON.stringify(streamId)},"mode":${mode},"expected":${expected},"events":${payload}}`;
    });
    let rows: CombinedRow[];
    try {
      rows = (
        await this.pool.query<CombinedRow>({
          name: 'es_append_many',
          text: 'SELECT r_index, r_event_id, r_stream_version, r_tx_id::text AS r_tx_id, r_global_position, r_replayed, r_error, r_message, r_detail FROM es_append_many($1::jsonb)',
          values: [`[${appends.join(',')}]`],
        })
      ).rows;
    } catch (error) {
      // Nothing of the call committed: each append meets the error as if it had gone alone.
      for (const append of sorted) append.reject(error);
      return;
    }
    const byIndex = new Map<number, CombinedRow[]>();
    for (const row of rows) {
      const own = byIndex.get(row.r_index);
      if (own) own.push(row);
      else byIndex.set(row.r_index, [row]);
    }
    sorted.forEach((append, i) => {
      const own = byIndex.get(i) ?? [];
      const refused = own.find((r) => r.r_error !== null);
      if (refused) append.reject(new CombinedAppendError(refused.r_error!, refused.r_message ?? 'append refused', refused.r_detail ?? undefined));
      else if (own.length === 0) append.reject(new Error(`es_append_many returned nothing for append ${i} (stream ${append.streamId})`));
      else append.resolve(appendResult(own));
    });
  }

  /**
   * The append itself, on any queryable (tests use it inside a transaction they hold open).
   * `payload` is the JSON array of { id, type, schemaVersion, data, metadata }.
   */
  async appendOn(db: Queryable, streamId: string, payload: string, expectedVersion: ExpectedVersion): Promise<AppendResult> {
    const { mode, expected } = modeOf(expectedVersion);
    const { rows } = await db.query<AppendRow>({
      name: 'es_append',
      text: 'SELECT r_event_id, r_stream_version, r_tx_id::text AS r_tx_id, r_global_position, r_replayed FROM es_append($1, $2, $3, $4::jsonb)',
      values: [streamId, mode, expected, payload],
    });
    return appendResult(rows);
  }

  /** The JSON array es_append() takes; ids default to UUIDv7, schema versions to the type's current one. */
  static payload(events: readonly EventToAppend[], currentVersion: (type: string) => number = () => 1): string {
    return JSON.stringify(
      events.map((e) => ({ id: e.id ?? uuidv7(), type: e.type, schemaVersion: e.schemaVersion ?? currentVersion(e.type), data: e.data, metadata: e.metadata ?? {} })),
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (typeof streamId !== 'string' || streamId === '') throw validationError('INVALID_STREAM_ID', 'streamId', 'streamId must be a non-empty string');
    const backwards = options.direction === 'backwards';
    const from = options.fromVersion ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const limit = options.maxCount ?? 1_000_000;
    if (!Number.isSafeInteger(from) || from < 0) throw validationError('INVALID_VERSION', 'fromVersion', 'fromVersion must be an integer >= 0');
    if (!Number.isSafeInteger(limit) || limit < 1) throw validationError('INVALID_MAX_COUNT', 'maxCount', 'maxCount must be an integer >= 1');
    const { rows } = await this.query<EventRow>(
      backwards ? 'es_read_stream_backwards' : 'es_read_stream_forwards',
      `SELECT ${COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_version ${backwards ? '<=' : '>='} $2
       ORDER BY stream_version ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [streamId, from, limit],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  async readAll(fromCheckpoint: string, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { txId, position } = parsePgCheckpoint(fromCheckpoint);
    const limit = options.maxCount ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1) throw validationError('INVALID_MAX_COUNT', 'maxCount', 'maxCount must be an integer >= 1');
    // es_read_all reads below es_read_boundary(): the oldest append still in flight, not the
    // oldest transaction of the whole cluster (migration 1763700000008, README "The read boundary").
    const { rows } = await this.query<EventRow>('es_read_all', `SELECT ${COLUMNS} FROM es_read_all($1::xid8, $2::bigint, $3)`, [txId, position, limit]);
    return rows.map((row) => this.toRecorded(row));
  }

  /**
   * The checkpoint of the newest event committed now, whether or not a reader may pass it yet
   * (an older append may still be in flight). A subscription is caught up once it has delivered
   * this far: every event committed before the call.
   */
  async headCheckpoint(): Promise<string | undefined> {
    const { rows } = await this.query<{ tx_text: string; global_position: string }>(
      'es_head',
      `SELECT tx_id::text AS tx_text, global_position FROM es_events ORDER BY tx_id DESC, global_position DESC LIMIT 1`,
      [],
    );
    return rows[0] ? formatPgCheckpoint(rows[0].tx_text, rows[0].global_position) : undefined;
  }

  subscribe(
    fromCheckpoint: string,
    handler: (events: readonly RecordedEvent[], context: SubscriptionHandlerContext) => Promise<void>,
    options: SubscribeOptions = {},
  ): Subscription {
    parsePgCheckpoint(fromCheckpoint);
    if (this.options.listen !== false) void this.startListening();
    const subscription = new PollingSubscription({
      from: fromCheckpoint,
      read: (from, max) => this.readAll(from, { maxCount: max }),
      head: () => this.headCheckpoint(),
      compare: comparePgCheckpoints,
      handler,
      wakeUp: this.wakeUp,
      batchSize: options.batchSize ?? 500,
      pollIntervalMs: this.options.pollIntervalMs ?? 250,
      onError: options.onError,
      onClose: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.stopListening?.();
    await this.listening;
  }

  /** Local subscribers wake at once; other nodes through one coalesced NOTIFY (never inside the append's transaction: NOTIFY serialises commits). */
  private afterCommit(): void {
    this.wakeUp.signal();
    if (this.options.listen === false || this.notifyPending || this.closed) return;
    this.notifyPending = true;
    setTimeout(() => {
      this.notifyPending = false;
      if (!this.closed) this.pool.query(`NOTIFY ${EVENTS_CHANNEL}`).catch(() => undefined);
    }, 5).unref();
  }

  /** One LISTEN connection, re-opened after a failure, until close(). */
  private startListening(): Promise<void> {
    this.listening ??= (async () => {
      while (!this.closed) {
        const client = new pg.Client(this.pool.options);
        client.on('error', () => undefined);
        try {
          await client.connect();
          client.on('notification', () => this.wakeUp.signal());
          await client.query(`LISTEN ${EVENTS_CHANNEL}`);
          if (!this.closed)
            await new Promise<void>((resolve) => {
              this.stopListening = resolve;
              client.once('error', () => resolve());
              client.once('end', () => resolve());
            });
        } catch {
          // The server is away: polling goes on; listen again shortly.
        }
        await client.end().catch(() => undefined);
        if (!this.closed) await new Promise<void>((resolve) => ((this.stopListening = resolve), setTimeout(resolve, 1000).unref()));
      }
    })();
    return this.listening;
  }

  private async query<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>({ name, text, values });
    } catch (error) {
      throw await this.translate(error, '', 'any');
    }
  }

  private toRecorded(row: EventRow): RecordedEvent {
    const { data, schemaVersion } = this.upcasters.upcast(row.type, row.schema_version, row.data, row.metadata);
    return {
      id: row.event_id,
      streamId: row.stream_id,
      version: Number(row.stream_version),
      type: row.type,
      data,
      metadata: row.metadata,
      schemaVersion,
      recordedAt: row.recorded_at,
      position: BigInt(row.global_position),
      checkpoint: formatPgCheckpoint(row.tx_text, row.global_position),
    };
  }

  private async translate(error: unknown, streamId: string, expected: ExpectedVersion): Promise<unknown> {
    const pgError = error as { code?: string; constraint?: string; detail?: string };
    switch (pgError.code) {
      case 'TS409':
        return new WrongExpectedVersionError(streamId, expected, pgError.detail === 'no_stream' ? 'no_stream' : Number(pgError.detail));
      case 'TS422':
        return new IdempotencyConflictError(streamId);
      case '23505':
      case '40001':
      case '40P01':
        return new WrongExpectedVersionError(streamId, expected, await this.currentVersion(streamId));
      default:
        if (error instanceof DomainError) return error;
        if (isConnectionFailure(error)) return new EventStoreUnavailableError(`event store unavailable: ${(error as Error).message}`, error);
        return error;
    }
  }

  private async currentVersion(streamId: string): Promise<number | 'no_stream'> {
    const { rows } = await this.pool.query<{ v: string | null }>('SELECT max(stream_version) AS v FROM es_events WHERE stream_id = $1', [streamId]);
    return rows[0]?.v == null ? 'no_stream' : Number(rows[0].v);
  }
}

/** What es_append returns for one append, in stream order. */
interface AppendRow {
  r_event_id: string;
  r_stream_version: string;
  r_tx_id: string;
  r_global_position: string;
  r_replayed: boolean;
}

/** A row of es_append_many: an append's row (`r_index`), or its refusal (`r_error`, nulls elsewhere). */
interface CombinedRow extends AppendRow {
  r_index: number;
  r_error: string | null;
  r_message: string | null;
  r_detail: string | null;
}

/** es_append's `mode` (0 exact, 1 no_stream, 2 stream_exists, 3 any) and `expected` (the version, or null) for an expected version. */
function modeOf(expectedVersion: ExpectedVersion): { mode: number; expected: number | null } {
  return typeof expectedVersion === 'number' ? { mode: MODE.exact, expected: expectedVersion } : { mode: MODE[expectedVersion], expected: null };
}

function appendResult(rows: readonly AppendRow[]): AppendResult {
  const positions = rows.map((r) => ({ id: r.r_event_id, version: Number(r.r_stream_version), checkpoint: formatPgCheckpoint(r.r_tx_id, r.r_global_position) }));
  return { nextExpectedVersion: positions[positions.length - 1]!.version, positions, replayed: rows[0]!.r_replayed };
}

export function comparePgCheckpoints(a: string, b: string): number {
  const x = parsePgCheckpoint(a);
  const y = parsePgCheckpoint(b);
  const byTx = compareDecimal(x.txId, y.txId);
  return byTx !== 0 ? byTx : compareDecimal(x.position, y.position);
}

function compareDecimal(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A concurrent append took the version (with `any`/`stream_exists` the append may simply go again), or a transient failure: go again. */
function isRetryable(error: unknown, expected: ExpectedVersion): boolean {
  const code = (error as { code?: string }).code;
  // 40P01: a combined call (es_append_many) chosen as a deadlock's victim; the append goes again alone.
  if (code === '40001' || code === '40P01') return true;
  return code === '23505' && (expected === 'any' || expected === 'stream_exists');
}

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return /^(08|57P0|53)/.test(code) || /^E(CONN|TIMEDOUT|HOSTUNREACH|PIPE|AI_AGAIN)/.test(code) || /Connection terminated|timeout exceeded/i.test(String((error as Error).message));
}
