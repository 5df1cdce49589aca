import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CommandHandler } from '../../src/application/command-handling/command-handler.js';
import { canonicalJson, verifyChain } from '../../src/application/command-handling/hash-chain.js';
import type { Command, Decider, Event } from '../../src/domain/shared/decider.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres-event-store.js';
import { createTestEventStore, type TestEventStore } from '../support/test-database.js';

type Note = Command<'Note', { text: string; tags: Record<string, number> }>;
type Noted = Event<'Noted', { text: string; tags: Record<string, number> }>;
const notes: Decider<Note, Noted, number, void> = {
  initialState: () => 0,
  decide: (command) => [{ type: 'Noted', data: command.data }],
  evolve: (n) => n + 1,
};
const aggregate = { decider: notes, streamId: (id: string) => `notes-${id}` };

let t: TestEventStore;
let pool: pg.Pool;
let store: PostgresEventStore;
beforeAll(async () => {
  t = await createTestEventStore('chain');
  ({ pool, store } = t);
});
afterAll(() => t.close());

async function writeNotes(count: number) {
  const id = randomUUID();
  const handler = new CommandHandler(store);
  for (let i = 0; i < count; i++) {
    // Keys in an order jsonb will not keep: the hash must not depend on it.
    await handler.handle(
      aggregate,
      id,
      { type: 'Note', data: { text: `note ${i}`, tags: { zeta: i, alpha: 2 * i } }, metadata: { userId: 'u', roles: [], now: new Date() } },
      { context: undefined },
    );
  }
  return aggregate.streamId(id);
}

describe('RPT-2 tamper-evident history', () => {
  it('RPT-2 every stored event chains to the one before it, and the chain holds on read', async () => {
    const stream = await writeNotes(5);
    const events = await store.readStream(stream);
    expect(events.map((e) => (e.metadata.chain as { prev: string | null }).prev === null)).toEqual([true, false, false, false, false]);
    expect(verifyChain(events)).toEqual({ intact: true, events: 5 });
  });

  it('RPT-2 editing one stored event by SQL breaks the chain at that event, and names it', async () => {
    const stream = await writeNotes(5);
    await pool.query(`UPDATE es_events SET data = jsonb_set(data, '{text}', '"nothing happened"') WHERE stream_id = $1 AND stream_version = 2`, [stream]);
    const events = await store.readStream(stream);
    const check = verifyChain(events);
    expect(check.intact).toBe(false);
    expect(check).toMatchObject({ brokenAt: { version: 2, id: events[2]!.id, reason: expect.stringContaining('changed after it was stored') } });
  });

  it('RPT-2 deleting an event is seen too', async () => {
    const stream = await writeNotes(4);
    await pool.query('DELETE FROM es_events WHERE stream_id = $1 AND stream_version = 1', [stream]);
    expect(verifyChain(await store.readStream(stream))).toMatchObject({ intact: false, brokenAt: { version: 2, reason: expect.stringContaining('missing') } });
  });

  it('canonical JSON ignores key order at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });
});
