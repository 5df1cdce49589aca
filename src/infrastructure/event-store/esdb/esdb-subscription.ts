import { EventStoreUnavailableError } from '../../../application/event-store/event-store.errors.js';
import type { RecordedEvent, Subscription, SubscriptionHandlerContext } from '../../../application/event-store/event-store.port.js';
import { WakeUp } from '../wake-up.js';
import { comparePositions, type EsdbFrom, type EsdbPosition, formatCheckpoint, isAfter } from './esdb-mapping.js';

/** Where a live $all stream reports to. Calls after `stop()` or after an error are ignored. */
export interface SourceSink {
  event(event: RecordedEvent, position: EsdbPosition): void;
  error(error: unknown): void;
  end(): void;
}

/** A running catch-up subscription on the server (the client's subscribeToAll, or a fake in unit specs). */
export interface LiveSource {
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface EsdbSubscriptionOptions {
  from: EsdbFrom;
  /** Opens a catch-up subscription delivering the user events after `from`, in $all order. */
  open(from: EsdbFrom, sink: SourceSink): LiveSource;
  /** The $all position of the last user event now, if any (for caughtUp). */
  head(): Promise<EsdbPosition | undefined>;
  handler(events: readonly RecordedEvent[], context: SubscriptionHandlerContext): Promise<void>;
  batchSize: number;
  onError?: (error: unknown) => void;
  onClose(): void;
  /** Pause before retrying a failed handler call. */
  handlerRetryMs?: number;
  /** First and longest pause before opening a dropped subscription again (doubling in between). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

interface Queued {
  readonly event: RecordedEvent;
  readonly position: EsdbPosition;
}

/**
 * Catch-up then live over $all, with the port's delivery rules on top of the server's stream:
 * - events are queued as they arrive and handed over in batches of up to `batchSize`; the next
 *   batch waits for the handler, and a failing handler gets the very same batch again;
 * - the queue is bounded: the server stream is paused while it is full (gRPC flow control does
 *   the rest);
 * - when the stream drops (server restart, network), it is opened again after the last event
 *   already queued. The log is immutable and ordered, so that is gapless; anything at or before
 *   that position is dropped, so a server that resends an event does not reach the handler twice.
 */
export class EsdbSubscription implements Subscription {
  private readonly queue: Queued[] = [];
  /** The last position queued (the resume point) and the last delivered (the caller's checkpoint). */
  private queuedUpTo: EsdbFrom;
  private deliveredUpTo: EsdbFrom;
  private running = true;
  private source?: LiveSource;
  private generation = 0;
  private paused = false;
  private reconnectDelay: number;
  private reconnectTimer?: NodeJS.Timeout;
  /** Wakes the pump when events arrive or on close. */
  private readonly wakeUp = new WakeUp();
  /** Cuts a handler retry pause short on close only (arrivals must not speed retries up). */
  private readonly closing = new WakeUp();
  private readonly done: Promise<void>;
  private caughtUpWaiters: { target: EsdbPosition; resolve: () => void }[] = [];
  private readonly highWater: number;

  constructor(private readonly options: EsdbSubscriptionOptions) {
    this.queuedUpTo = options.from;
    this.deliveredUpTo = options.from;
    this.reconnectDelay = options.reconnectMinMs ?? 250;
    this.highWater = Math.max(options.batchSize * 4, 256);
    this.connect();
    this.done = this.pump();
  }

  async close(): Promise<void> {
    if (!this.running) return this.done;
    this.running = false;
    this.generation++;
    clearTimeout(this.reconnectTimer);
    const source = this.source;
    this.source = undefined;
    await source?.stop().catch(() => undefined);
    this.wakeUp.signal();
    this.closing.signal();
    await this.done;
    this.options.onClose();
  }

  async caughtUp(): Promise<void> {
    if (!this.running) return;
    const target = await this.options.head();
    if (target === undefined || comparePositions(this.deliveredUpTo, target) >= 0 || !this.running) return;
    await new Promise<void>((resolve) => this.caughtUpWaiters.push({ target, resolve }));
  }

  private connect(): void {
    if (!this.running) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation && this.running;
    // A full queue (kept across a reconnect) keeps the new stream paused until the pump drains it.
    this.paused = this.queue.length >= this.highWater;
    try {
      const source = this.options.open(this.queuedUpTo, {
        event: (event, position) => {
          if (!current() || !isAfter(position, this.queuedUpTo)) return;
          this.reconnectDelay = this.options.reconnectMinMs ?? 250;
          this.queuedUpTo = position;
          this.queue.push({ event, position });
          if (this.queue.length >= this.highWater && !this.paused) {
            this.paused = true;
            this.source?.pause();
          }
          this.wakeUp.signal();
        },
        error: (error) => {
          if (current()) this.dropped(error);
        },
        end: () => {
          if (current()) this.dropped(undefined);
        },
      });
      if (!current()) {
        void source.stop().catch(() => undefined);
        return;
      }
      this.source = source;
      if (this.paused) source.pause();
    } catch (error) {
      this.dropped(error);
    }
  }

  /** The server stream failed or ended: report it, and open it again after the last queued event. */
  private dropped(error: unknown): void {
    this.generation++;
    const source = this.source;
    this.source = undefined;
    void source?.stop().catch(() => undefined);
    const from = this.queuedUpTo === 'start' ? 'the start' : formatCheckpoint(this.queuedUpTo);
    const reason = error === undefined ? 'the server ended it' : error instanceof Error ? error.message : String(error);
    this.options.onError?.(
      error instanceof EventStoreUnavailableError ? error : new EventStoreUnavailableError(`subscription to $all dropped (${reason}); resuming after ${from}`, error),
    );
    // Not p-retry: the retry is driven by the stream's drop (a stream that opened fine can drop an
    // hour later), and the delay resets only once events flow again, not when connect() returns.
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, this.options.reconnectMaxMs ?? 5000);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private async pump(): Promise<void> {
    while (this.running) {
      if (this.queue.length === 0) {
        await this.wakeUp.wait(1000);
        continue;
      }
      const batch = this.queue.splice(0, this.options.batchSize);
      if (this.paused && this.queue.length <= this.highWater / 2) {
        this.paused = false;
        this.source?.resume();
      }
      const last = batch[batch.length - 1]!.position;
      const events = batch.map((q) => q.event);
      const context = { checkpoint: formatCheckpoint(last) };
      let delivered = false;
      while (this.running && !delivered) {
        try {
          await this.options.handler(events, context);
          delivered = true;
        } catch (error) {
          this.options.onError?.(error);
          if (this.running) await this.closing.wait(this.options.handlerRetryMs ?? 1000);
        }
      }
      if (!delivered) break;
      this.deliveredUpTo = last;
      this.releaseCaughtUp();
    }
    for (const waiter of this.caughtUpWaiters) waiter.resolve();
    this.caughtUpWaiters = [];
  }

  private releaseCaughtUp(): void {
    if (this.caughtUpWaiters.length === 0) return;
    const still: typeof this.caughtUpWaiters = [];
    for (const waiter of this.caughtUpWaiters) {
      if (comparePositions(this.deliveredUpTo, waiter.target) >= 0) waiter.resolve();
      else still.push(waiter);
    }
    this.caughtUpWaiters = still;
  }
}
