import { randomUUID } from 'node:crypto';
import { EventStoreUnavailableError } from '../../src/application/event-store/event-store.errors.js';
import { START } from '../../src/application/event-store/event-store.port.js';
import { EsdbEventStore } from '../../src/infrastructure/event-store/esdb/esdb-event-store.js';
import { freePort } from '../../src/infrastructure/postgres/embedded-postgres.js';
import { eventStoreContract, waitUntil } from '../contract/event-store.contract.js';

/**
 * The EventStoreDB/KurrentDB adapter runs the same contract suite as PostgreSQL, against the
 * server named by EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false). Without it the suite
 * is reported as skipped, visibly; the unreachable-server checks below run either way.
 */
const url = process.env.EVENTSTORE_URL;
if (!url) console.warn('EventStoreDB contract suite skipped: EVENTSTORE_URL is not set (no EventStoreDB/KurrentDB server on this machine)');

const withServer = url ? describe : describe.skip;

withServer('EventStoreDB/KurrentDB adapter (EVENTSTORE_URL)', () => {
  eventStoreContract('EventStoreDB/KurrentDB', () =>
    url
      ? {
          open: async (upcasters) => new EsdbEventStore(url, upcasters),
          close: async () => undefined,
        }
      : undefined,
  );

  it('reads back metadata without the adapter keys, and recordedAt from the server', async () => {
    const store = new EsdbEventStore(url!);
    try {
      const s = `meta-${randomUUID()}`;
      const before = Date.now();
      await store.appendToStream(s, [{ id: randomUUID(), type: 'A', data: 1, metadata: { actor: 'u1' } }], { expectedVersion: 'no_stream' });
      const [read] = await store.readStream(s);
      expect(read).toMatchObject({ data: 1, metadata: { actor: 'u1' }, schemaVersion: 1 });
      expect(Object.keys(read!.metadata)).toEqual(['actor']);
      expect(Math.abs(read!.recordedAt.getTime() - before)).toBeLessThan(60_000);
    } finally {
      await store.close();
    }
  });

  it('a subscription from a stored checkpoint delivers only what came after it', async () => {
    const store = new EsdbEventStore(url!);
    try {
      const s = `sub-from-${randomUUID()}`;
      const first = await store.appendToStream(s, [{ type: 'E', data: { i: 0 } }], { expectedVersion: 'no_stream' });
      await store.appendToStream(s, [{ type: 'E', data: { i: 1 } }], { expectedVersion: 0 });
      const seen: number[] = [];
      const subscription = store.subscribe(first.positions[0]!.checkpoint, async (events) => {
        for (const e of events) if (e.streamId === s) seen.push((e.data as { i: number }).i);
      });
      await subscription.caughtUp();
      await waitUntil(() => seen.length >= 1);
      await subscription.close();
      expect(seen).toEqual([1]);
    } finally {
      await store.close();
    }
  });
});

it.todo(url ? 'EventStoreDB server restart during a live subscription (needs a server this run may stop)' : 'EventStoreDB contract suite: set EVENTSTORE_URL to run it');

describe('EventStoreDB/KurrentDB adapter when the server cannot be reached', () => {
  let store: EsdbEventStore;
  beforeAll(async () => {
    // A port on this machine that nobody listens on: connections are refused at once.
    const port = await freePort();
    store = new EsdbEventStore(`esdb://127.0.0.1:${port}?tls=false&defaultDeadline=3000`, undefined, { reconnectMinMs: 20, reconnectMaxMs: 50 });
  });
  afterAll(async () => {
    await store.close();
  });

  it('an append fails fast with EventStoreUnavailableError naming the server', async () => {
    const started = Date.now();
    const error = await store.appendToStream(`down-${randomUUID()}`, [{ type: 'A', data: {} }], { expectedVersion: 'any' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/EventStoreDB\/KurrentDB at esdb:\/\/127\.0\.0\.1:\d+ is unavailable/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reads fail with EventStoreUnavailableError, not as an empty stream', async () => {
    await expect(store.readStream(`down-${randomUUID()}`)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll(START)).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('a subscription reports the outage through onError, keeps retrying, and closes cleanly', async () => {
    const errors: unknown[] = [];
    const subscription = store.subscribe(START, async () => undefined, { onError: (e) => errors.push(e) });
    await waitUntil(() => errors.length >= 2);
    await subscription.close();
    expect(errors.every((e) => e instanceof EventStoreUnavailableError)).toBe(true);
    await expect(subscription.caughtUp()).resolves.toBeUndefined();
  });
});
