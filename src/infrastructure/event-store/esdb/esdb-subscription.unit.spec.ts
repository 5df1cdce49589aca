import { EventStoreUnavailableError } from '../../../application/event-store/event-store.errors.js';
import type { RecordedEvent } from '../../../application/event-store/event-store.port.js';
import { comparePositions, type EsdbFrom, type EsdbPosition, formatCheckpoint, isAfter } from './esdb-mapping.js';
import { EsdbSubscription, type EsdbSubscriptionOptions, type LiveSource, type SourceSink } from './esdb-subscription.js';

/**
 * The subscription's delivery rules over a fake $all: a log in memory and server streams that
 * push its events after a position, can be paused, dropped, or made to resend old events.
 */
interface Entry {
  readonly event: RecordedEvent;
  readonly position: EsdbPosition;
}

class FakeAll {
  readonly log: Entry[] = [];
  readonly opens: EsdbFrom[] = [];
  readonly live = new Set<FakeStream>();
  pauses = 0;
  /** When set, a reopened stream starts this many events before the position it was given. */
  resendOnReopen = 0;

  append(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = this.log.length;
      const position = { commit: BigInt((n + 1) * 100), prepare: BigInt((n + 1) * 100) };
      this.log.push({ position, event: event(n, position) });
    }
    for (const stream of this.live) stream.schedule();
  }

  head(): EsdbPosition | undefined {
    return this.log.at(-1)?.position;
  }

  open = (from: EsdbFrom, sink: SourceSink): LiveSource => {
    this.opens.push(from);
    let index = this.log.findIndex((e) => isAfter(e.position, from));
    if (index < 0) index = this.log.length;
    if (this.opens.length > 1) index = Math.max(0, index - this.resendOnReopen);
    const stream = new FakeStream(this, sink, index);
    this.live.add(stream);
    stream.schedule();
    return stream;
  };

  drop(error: unknown = new EventStoreUnavailableError('connection reset')): void {
    for (const stream of [...this.live]) stream.fail(error);
  }
}

class FakeStream implements LiveSource {
  private paused = false;
  private stopped = false;
  private scheduled = false;

  constructor(
    private readonly all: FakeAll,
    private readonly sink: SourceSink,
    private next: number,
  ) {}

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (!this.paused && !this.stopped && this.next < this.all.log.length) {
        const entry = this.all.log[this.next++]!;
        this.sink.event(entry.event, entry.position);
      }
    });
  }

  fail(error: unknown): void {
    this.all.live.delete(this);
    this.sink.error(error);
  }

  pause(): void {
    this.paused = true;
    this.all.pauses++;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.all.live.delete(this);
  }
}

function event(n: number, position: EsdbPosition): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    streamId: `s-${n % 3}`,
    version: Math.floor(n / 3),
    type: 'E',
    data: { n },
    metadata: {},
    schemaVersion: 1,
    recordedAt: new Date(0),
    position: position.commit,
    checkpoint: formatCheckpoint(position),
  };
}

const numbers = (events: readonly RecordedEvent[]) => events.map((e) => (e.data as { n: number }).n);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function subscribe(all: FakeAll, handler: EsdbSubscriptionOptions['handler'], over: Partial<EsdbSubscriptionOptions> = {}) {
  return new EsdbSubscription({
    from: 'start',
    open: all.open,
    head: async () => all.head(),
    handler,
    batchSize: 10,
    onClose: () => undefined,
    handlerRetryMs: 20,
    reconnectMinMs: 5,
    reconnectMaxMs: 20,
    ...over,
  });
}

describe('EventStoreDB subscription delivery (fake $all)', () => {
  it('catches up, then goes live: every event once, in order, in batches of at most batchSize, each with the checkpoint of its last event', async () => {
    const all = new FakeAll();
    all.append(25);
    const batches: { n: number[]; checkpoint: string }[] = [];
    const sub = subscribe(all, async (events, { checkpoint }) => {
      batches.push({ n: numbers(events), checkpoint });
    });
    await sub.caughtUp();
    expect(batches.flatMap((b) => b.n)).toEqual(range(0, 25));
    all.append(3);
    await waitUntil(() => batches.flatMap((b) => b.n).length === 28);
    await sub.close();
    expect(batches.flatMap((b) => b.n)).toEqual(range(0, 28));
    for (const batch of batches) {
      expect(batch.n.length).toBeGreaterThan(0);
      expect(batch.n.length).toBeLessThanOrEqual(10);
      expect(batch.checkpoint).toBe(all.log[batch.n.at(-1)!]!.event.checkpoint);
    }
  });

  it('starts after the checkpoint it is given', async () => {
    const all = new FakeAll();
    all.append(6);
    const seen: number[] = [];
    const sub = subscribe(all, async (events) => void seen.push(...numbers(events)), { from: all.log[3]!.position });
    await sub.caughtUp();
    await sub.close();
    expect(seen).toEqual([4, 5]);
  });

  it('the next batch waits until the handler has resolved', async () => {
    const all = new FakeAll();
    all.append(40);
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const sub = subscribe(all, async (events) => {
      most = Math.max(most, ++inFlight);
      await sleep(3);
      seen.push(...numbers(events));
      inFlight--;
    });
    await sub.caughtUp();
    await sub.close();
    expect(most).toBe(1);
    expect(seen).toEqual(range(0, 40));
  });

  it('a failing handler gets the same batch again and the checkpoint does not move past it', async () => {
    const all = new FakeAll();
    all.append(5);
    const calls: { n: number[]; checkpoint: string }[] = [];
    const errors: unknown[] = [];
    let failures = 2;
    const sub = subscribe(
      all,
      async (events, { checkpoint }) => {
        calls.push({ n: numbers(events), checkpoint });
        if (failures-- > 0) throw new Error('projection down');
      },
      { onError: (e) => errors.push(e) },
    );
    await sub.caughtUp();
    await sub.close();
    expect(calls).toHaveLength(3);
    expect(calls[1]).toEqual(calls[0]);
    expect(calls[2]).toEqual(calls[0]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['projection down', 'projection down']);
  });

  it('a dropped stream is reported and reopened after the last event it had queued: no gaps, no repeats', async () => {
    const all = new FakeAll();
    all.append(12);
    const seen: number[] = [];
    const errors: unknown[] = [];
    const sub = subscribe(all, async (events) => void seen.push(...numbers(events)), { onError: (e) => errors.push(e) });
    await sub.caughtUp();
    all.drop();
    all.append(5); // written while the subscription is away
    await waitUntil(() => all.opens.length === 2);
    all.append(4);
    await waitUntil(() => seen.length === 21);
    await sleep(20);
    await sub.close();
    expect(seen).toEqual(range(0, 21));
    expect(all.opens[1]).toEqual(all.log[11]!.position);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('keeps reconnecting while the server is away, then resumes', async () => {
    const all = new FakeAll();
    all.append(3);
    const seen: number[] = [];
    const errors: unknown[] = [];
    let refuse = 3;
    const open = (from: EsdbFrom, sink: SourceSink) => {
      if (refuse-- > 0) {
        setImmediate(() => sink.error(new EventStoreUnavailableError('ECONNREFUSED')));
        return { pause: () => undefined, resume: () => undefined, stop: async () => undefined };
      }
      return all.open(from, sink);
    };
    const sub = subscribe(all, async (events) => void seen.push(...numbers(events)), { open, onError: (e) => errors.push(e) });
    await waitUntil(() => seen.length === 3);
    await sub.close();
    expect(seen).toEqual([0, 1, 2]);
    expect(errors).toHaveLength(3);
  });

  it('events a reopened stream sends again (at or before the resume point) do not reach the handler twice', async () => {
    const all = new FakeAll();
    all.resendOnReopen = 4;
    all.append(8);
    const seen: number[] = [];
    const sub = subscribe(all, async (events) => void seen.push(...numbers(events)), { onError: () => undefined });
    await sub.caughtUp();
    all.drop();
    all.append(2);
    await waitUntil(() => seen.length >= 10);
    await sleep(20);
    await sub.close();
    expect(seen).toEqual(range(0, 10));
  });

  it('a drop while the handler is busy with a batch loses nothing and repeats nothing', async () => {
    const all = new FakeAll();
    all.append(30);
    const seen: number[] = [];
    let dropped = false;
    const sub = subscribe(
      all,
      async (events) => {
        if (!dropped) {
          dropped = true;
          all.drop();
          all.append(5);
        }
        await sleep(2);
        seen.push(...numbers(events));
      },
      { onError: () => undefined },
    );
    await waitUntil(() => seen.length >= 35);
    await sleep(20);
    await sub.close();
    expect(seen).toEqual(range(0, 35));
  });

  it('caughtUp resolves once everything up to the head at call time is delivered, not later events', async () => {
    const all = new FakeAll();
    all.append(30);
    const delivered: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sub = subscribe(all, async (events) => {
      await gate;
      delivered.push(...numbers(events));
    });
    let resolved = false;
    const caughtUp = sub.caughtUp().then(() => (resolved = true));
    await sleep(20);
    expect(resolved).toBe(false);
    all.append(1000); // appended after the call: caughtUp does not wait for these
    release();
    await caughtUp;
    expect(delivered.length).toBeGreaterThanOrEqual(30);
    expect(comparePositions(all.log[delivered.at(-1)!]!.position, all.log[29]!.position)).toBeGreaterThanOrEqual(0);
    await sub.close();
  });

  it('caughtUp on an empty log resolves at once', async () => {
    const sub = subscribe(new FakeAll(), async () => undefined);
    await sub.caughtUp();
    await sub.close();
  });

  it('pauses the server stream while the queue is full and resumes it as the handler drains it', async () => {
    const all = new FakeAll();
    all.append(2000);
    const seen: number[] = [];
    const sub = subscribe(
      all,
      async (events) => {
        await sleep(1);
        seen.push(...numbers(events));
      },
      { batchSize: 50 },
    );
    await sub.caughtUp();
    await sub.close();
    expect(all.pauses).toBeGreaterThan(0);
    expect(seen).toEqual(range(0, 2000));
  });

  it('close stops a handler that keeps failing, and nothing is delivered after it', async () => {
    const all = new FakeAll();
    all.append(3);
    let calls = 0;
    const sub = subscribe(
      all,
      async () => {
        calls++;
        throw new Error('down');
      },
      { onError: () => undefined, handlerRetryMs: 10_000 },
    );
    await waitUntil(() => calls === 1);
    const started = Date.now();
    await sub.close();
    expect(Date.now() - started).toBeLessThan(1000);
    all.append(3);
    await sleep(20);
    expect(calls).toBe(1);
    expect(all.live.size).toBe(0);
  });
});
