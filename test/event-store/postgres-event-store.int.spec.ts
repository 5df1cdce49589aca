import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type RecordedEvent, START } from '../../src/application/event-store/event-store.port.js';
import { UpcasterRegistry } from '../../src/application/event-store/upcasters.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres-event-store.js';
import { WrongExpectedVersionError } from '../../src/application/event-store/event-store.errors.js';
import { eventStoreContract, waitUntil } from '../contract/event-store.contract.js';
import { createDatabase, dropDatabase } from '../../src/infrastructure/postgres/embedded-postgres.js';
import { createTestDatabase, testServerUrl, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
const pools: pg.Pool[] = [];
const openStore = (upcasters?: UpcasterRegistry, appendFlights?: number) => {
  const pool = new pg.Pool({ connectionString: db.url, max: 12 });
  pool.on('error', () => undefined); // an idle client dropped by the server; as the app's pool does
  pools.push(pool);
  return new PostgresEventStore({ pool, upcasters, appendFlights });
};

beforeAll(async () => {
  db = await createTestDatabase('es');
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.drop();
});

/**
 * `BEGIN; SELECT pg_current_xact_id();` left open in another database of the same cluster (an
 * admin's psql, a report tool): it appends nothing, so no reader may wait for it (issue 12).
 */
async function idleTransactionInAnotherDatabase(): Promise<{ client: pg.Client; xid: string; release(): Promise<void> }> {
  const name = `neighbour_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const client = new pg.Client({ connectionString: await createDatabase(testServerUrl(), name) });
  await client.connect();
  await client.query('BEGIN');
  const { rows } = await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
  return {
    client,
    xid: rows[0]!.xid,
    release: async () => {
      await client.end();
      await dropDatabase(testServerUrl(), name);
    },
  };
}

eventStoreContract('PostgreSQL', () => ({
  open: async (upcasters) => openStore(upcasters),
  close: async () => undefined,
  busyNeighbour: async () => (await idleTransactionInAnotherDatabase()).release,
}));

describe('PostgreSQL event store: readers wait only for appends in flight (issue 12)', () => {
  const event = (type: string) => ({ id: randomUUID(), type, data: {} });

  it('a transaction idle in another database, or idle in this one without appending, holds no reader back', async () => {
    const store = openStore();
    const neighbour = await idleTransactionInAnotherDatabase();
    const local = new pg.Client({ connectionString: db.url });
    await local.connect();
    try {
      await local.query('BEGIN');
      const { rows } = await local.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const s = `idle-${randomUUID()}`;
      const appended = await store.appendToStream(s, [event('AfterIdle')], { expectedVersion: 'no_stream' });
      // Both idle transactions are older than the append...
      expect(BigInt(neighbour.xid)).toBeLessThan(BigInt(appended.positions[0]!.checkpoint.split(':')[0]!));
      expect(BigInt(rows[0]!.xid)).toBeLessThan(BigInt(appended.positions[0]!.checkpoint.split(':')[0]!));
      // ...yet the event is readable at once, and counts for the head.
      const read = await store.readAll(START, { maxCount: 1_000_000 });
      expect(read.filter((e) => e.streamId === s).map((e) => e.type)).toEqual(['AfterIdle']);
      expect(await store.headCheckpoint()).toBe(appended.positions[0]!.checkpoint);
    } finally {
      await local.end();
      await neighbour.release();
      await store.close();
    }
  });

  it('an append in a transaction that already wrote something else is refused (TS428) unless it registered first', async () => {
    const store = openStore();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()'); // the transaction now has an id: readers may have passed it
      const refused = await store.appendOn(client, `late-${randomUUID()}`, PostgresEventStore.payload([event('Late')]), 'no_stream').catch((e: { code?: string }) => e);
      expect((refused as { code?: string }).code).toBe('TS428');
      await client.query('ROLLBACK');

      await client.query('BEGIN');
      await client.query('SELECT es_register_append()');
      await client.query('SELECT pg_current_xact_id()');
      const s = `registered-${randomUUID()}`;
      await store.appendOn(client, s, PostgresEventStore.payload([event('Registered')]), 'no_stream');
      await client.query('COMMIT');
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['Registered']);
    } finally {
      await client.end();
      await store.close();
    }
  });

  it('a raw INSERT into es_events registers as an append too (statement trigger)', async () => {
    const store = openStore();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO es_events (event_id, stream_id, stream_version, type, schema_version, data, metadata) VALUES ($1, $2, 0, 'Raw', 1, '{}', '{}')`, [
        randomUUID(),
        `raw-${randomUUID()}`,
      ]);
      const after = await store.appendToStream(`after-raw-${randomUUID()}`, [event('After')], { expectedVersion: 'no_stream' });
      // The raw insert is in flight and older: the later append stays hidden until it ends.
      expect((await store.readAll(START, { maxCount: 1_000_000 })).some((e) => e.id === after.positions[0]!.id)).toBe(false);
      await client.query('COMMIT');
      expect((await store.readAll(START, { maxCount: 1_000_000 })).some((e) => e.id === after.positions[0]!.id)).toBe(true);
    } finally {
      await client.end();
      await store.close();
    }
  });
});

describe('PostgreSQL event store: global order with transactions that commit out of order', () => {
  const event = (type: string, i = 0) => ({ id: randomUUID(), type, data: { i } });

  async function begin(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('BEGIN');
    return client;
  }

  it('a reader never passes an event that an older, slower transaction commits later', async () => {
    const store = openStore();
    const head = (await readAll(store, START)).at(-1)?.checkpoint ?? START;
    const slow = await begin();
    const fast = await begin();
    try {
      const s1 = `ooo-slow-${randomUUID()}`;
      const s2 = `ooo-fast-${randomUUID()}`;
      // The slow transaction takes the lower global position, the fast one the higher...
      const a = await store.appendOn(slow, s1, PostgresEventStore.payload([event('Slow')]), 'no_stream');
      const b = await store.appendOn(fast, s2, PostgresEventStore.payload([event('Fast')]), 'no_stream');
      expect(BigInt(a.positions[0]!.checkpoint.split(':')[1]!)).toBeLessThan(BigInt(b.positions[0]!.checkpoint.split(':')[1]!));
      // ...and commits last. While it runs, the fast commit stays invisible to readers.
      // Only these two streams: other tests' events may surface at any moment.
      const mine = async () => (await readAll(store, head)).filter((e) => e.streamId === s1 || e.streamId === s2);
      await fast.query('COMMIT');
      expect((await mine()).map((e) => e.type)).toEqual([]);
      await slow.query('COMMIT');
      // Visible once every older append in flight has finished.
      let afterBoth: RecordedEvent[] = [];
      for (let tries = 0; afterBoth.length < 2 && tries < 200; tries++) {
        if (tries > 0) await sleep(25);
        afterBoth = await mine();
      }
      expect(afterBoth.map((e) => e.type)).toEqual(['Slow', 'Fast']);
    } finally {
      await Promise.all([slow.end(), fast.end()]);
      await store.close();
    }
  });

  it('a reader at a checkpoint still gets an event committed later with a lower position', async () => {
    const store = openStore();
    const s = `ooo-${randomUUID()}`;
    const slow = await begin();
    try {
      // The slow transaction gets its xid and position first, then waits.
      await store.appendOn(slow, `${s}-slow`, PostgresEventStore.payload([event('Slow')]), 'no_stream');
      await store.appendToStream(`${s}-fast`, [event('Fast')], { expectedVersion: 'no_stream' });
      const checkpointBefore = (await readAll(store, START)).at(-1)?.checkpoint ?? START;
      await slow.query('COMMIT');
      let later: RecordedEvent[] = [];
      for (let tries = 0; later.filter((e) => e.streamId.startsWith(s)).length < 2 && tries < 200; tries++) {
        if (tries > 0) await sleep(25);
        later = await readAll(store, checkpointBefore);
      }
      expect(later.filter((e) => e.streamId.startsWith(s)).map((e) => e.type)).toEqual(['Slow', 'Fast']);
    } finally {
      await slow.end();
      await store.close();
    }
  });

  it('orders transaction ids as numbers, not as text, across a power of ten', async () => {
    // Rows stamped with old transaction ids (9 and 10: finished long ago, so below xmin).
    const isolated = await createTestDatabase('es_order');
    const pool = new pg.Pool({ connectionString: isolated.url, max: 2 });
    pool.on('error', () => undefined);
    const store = new PostgresEventStore({ pool, listen: false });
    try {
      for (const [tx, type] of [
        ['10', 'Second'],
        ['9', 'First'],
      ] as const) {
        await pool.query(
          `INSERT INTO es_events (tx_id, event_id, stream_id, stream_version, type, schema_version, data, metadata)
           VALUES ($1::xid8, $2, $3, 0, $4, 1, '{}', '{}')`,
          [tx, randomUUID(), `order-${type}`, type],
        );
      }
      const all = await store.readAll(START);
      expect(all.map((e) => e.type)).toEqual(['First', 'Second']);
      expect(await store.readAll(all[0]!.checkpoint)).toHaveLength(1);
      expect(await store.readAll(all[1]!.checkpoint)).toHaveLength(0);
      expect(await store.headCheckpoint()).toBe(all[1]!.checkpoint);
    } finally {
      await store.close();
      await pool.end();
      await isolated.drop();
    }
  });

  it('eight writers whose transactions commit in random order: a live subscriber gets every event once, in one consistent order', async () => {
    const store = openStore();
    const prefix = `race-${randomUUID()}`;
    const received: RecordedEvent[] = [];
    const subscription = store.subscribe(START, async (events) => {
      received.push(...events.filter((e) => e.streamId.startsWith(prefix)));
    });
    const writers = 8;
    const appendsEach = 15;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          for (let i = 0; i < appendsEach; i++) {
            await client.query('BEGIN');
            await store.appendOn(client, `${prefix}-${w}`, PostgresEventStore.payload([event('Tick', i)]), i === 0 ? 'no_stream' : i - 1);
            await sleep(Math.random() * 15);
            await client.query('COMMIT');
          }
        } finally {
          await client.end();
        }
      }),
    );
    await waitUntil(() => received.length >= writers * appendsEach, 20_000);
    await subscription.close();
    const counts = new Map<string, number>();
    for (const e of received) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    expect(received.filter((e) => counts.get(e.id)! > 1).map((e) => `${e.streamId.slice(-2)} v${e.version} at ${e.checkpoint}`)).toEqual([]);
    expect(received).toHaveLength(writers * appendsEach);
    expect(new Set(received.map((e) => e.id)).size).toBe(writers * appendsEach);
    // Each stream in version order, and the whole in the order a fresh reader sees.
    for (let w = 0; w < writers; w++) {
      expect(received.filter((e) => e.streamId === `${prefix}-${w}`).map((e) => e.version)).toEqual(Array.from({ length: appendsEach }, (_, i) => i));
    }
    // An append still in flight may hide the newest rows a moment.
    let reread: RecordedEvent[] = [];
    for (let tries = 0; reread.length < writers * appendsEach && tries < 200; tries++) {
      if (tries > 0) await sleep(25);
      reread = (await readAll(store, START)).filter((e) => e.streamId.startsWith(prefix));
    }
    expect(received.map((e) => e.id)).toEqual(reread.map((e) => e.id));
    await store.close();
  });
});

async function readAll(store: PostgresEventStore, from: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let cursor = from;
  for (let page = await store.readAll(from, { maxCount: 1000 }); page.length > 0; page = await store.readAll(cursor, { maxCount: 1000 })) {
    out.push(...page);
    cursor = page.at(-1)!.checkpoint;
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL event store: appends that arrive together commit together (issue 13)', () => {
  const txOf = (checkpoint: string) => checkpoint.split(':')[0]!;

  it('60 concurrent appends with one flight: they share transactions, and each is stored or refused for itself', async () => {
    const store = openStore(undefined, 1);
    const run = randomUUID().slice(0, 8);
    // Streams with one event already, for appends at a wrong and at the right expected version.
    const existing = Array.from({ length: 20 }, (_, i) => `combined-${run}-old-${i}`);
    for (const stream of existing) await store.appendToStream(stream, [{ type: 'Seeded', data: {} }], { expectedVersion: 'no_stream' });
    const calls = Array.from({ length: 60 }, (_, i) => {
      if (i % 3 === 0) return { stream: `combined-${run}-new-${i}`, expected: 'no_stream' as const, ok: true };
      if (i % 3 === 1) return { stream: existing[Math.floor(i / 3)]!, expected: 0, ok: true };
      return { stream: existing[Math.floor(i / 3)]!, expected: 5, ok: false }; // the stream is at 0 (or 1, after its right append)
    });
    const outcomes = await Promise.allSettled(
      calls.map((c, i) =>
        store.appendToStream(
          c.stream,
          [
            { type: 'Combined', data: { i } },
            { type: 'Combined', data: { i, second: true } },
          ],
          { expectedVersion: c.expected },
        ),
      ),
    );
    const stored = new Map<string, number>();
    outcomes.forEach((outcome, i) => {
      const call = calls[i]!;
      if (!call.ok) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        return;
      }
      expect(outcome.status).toBe('fulfilled');
      const result = (outcome as PromiseFulfilledResult<Awaited<ReturnType<typeof store.appendToStream>>>).value;
      expect(result.positions).toHaveLength(2);
      expect(result.nextExpectedVersion).toBe(call.expected === 'no_stream' ? 1 : 2);
      // Both events of one append in one transaction.
      expect(txOf(result.positions[0]!.checkpoint)).toBe(txOf(result.positions[1]!.checkpoint));
      const tx = txOf(result.positions[0]!.checkpoint);
      stored.set(tx, (stored.get(tx) ?? 0) + 1);
    });
    // 40 appends stored in fewer transactions than appends: they were combined.
    expect([...stored.values()].reduce((a, b) => a + b, 0)).toBe(40);
    expect(stored.size).toBeLessThan(40);
    expect(Math.max(...stored.values())).toBeGreaterThan(1);
    // Each stream holds exactly what its accepted appends stored, in order; the refused ones left nothing.
    for (const stream of existing) {
      const events = await store.readStream(stream);
      expect(events.map((e) => e.type)).toEqual(['Seeded', 'Combined', 'Combined']);
      expect(events.map((e) => e.version)).toEqual([0, 1, 2]);
    }
    for (const call of calls.filter((c) => c.expected === 'no_stream')) expect((await store.readStream(call.stream)).map((e) => e.version)).toEqual([0, 1]);
  });

  it('a replayed append (same event ids) inside a combined call answers as replayed and stores nothing again', async () => {
    const store = openStore(undefined, 1);
    const stream = `combined-replay-${randomUUID()}`;
    const ids = [randomUUID(), randomUUID()];
    const first = await store.appendToStream(
      stream,
      ids.map((id) => ({ id, type: 'Once', data: {} })),
      { expectedVersion: 'no_stream' },
    );
    // Occupy the one flight, so the next appends wait and go together.
    const blockers = Array.from({ length: 5 }, (_, i) => store.appendToStream(`combined-replay-${randomUUID()}-${i}`, [{ type: 'Other', data: {} }], { expectedVersion: 'any' }));
    const again = store.appendToStream(
      stream,
      ids.map((id) => ({ id, type: 'Once', data: {} })),
      { expectedVersion: 'no_stream' },
    );
    const other = store.appendToStream(`combined-replay-${randomUUID()}`, [{ type: 'Other', data: {} }], { expectedVersion: 'no_stream' });
    const [replayed, alongside, ...blocked] = await Promise.all([again, other, ...blockers]);
    // It went in a combined call: the append queued beside it shares a transaction with the appends queued before them.
    expect(blocked.slice(1).map((b) => txOf(b.positions[0]!.checkpoint))).toContain(txOf(alongside.positions[0]!.checkpoint));
    expect(replayed.replayed).toBe(true);
    expect(replayed.positions.map((p) => p.id)).toEqual(first.positions.map((p) => p.id));
    expect((await store.readStream(stream)).map((e) => e.id)).toEqual(ids);
  });
});
