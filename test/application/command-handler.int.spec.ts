import { randomUUID } from 'node:crypto';
import { type BatchOutcome, CommandHandler } from '../../src/application/command-handling/command-handler.js';
import type { Command, Decider, Event } from '../../src/domain/shared/decider.js';
import { illegalState } from '../../src/domain/shared/domain-error.js';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres-event-store.js';
import { createTestEventStore, type TestEventStore } from '../support/test-database.js';

/** A counter with a ceiling: enough to see stale state lead to a wrong decision. */
type Add = Command<'Add', { n: number }>;
type Added = Event<'Added', { n: number }>;
const counter: Decider<Add, Added, number, { max: number }> = {
  initialState: () => 0,
  decide: (command, total, { max }) => {
    if (total + command.data.n > max) throw illegalState('OVER_MAX', `total would pass ${max}`);
    return [{ type: 'Added', data: { n: command.data.n } }];
  },
  evolve: (total, event) => total + event.data.n,
};
const aggregate = { decider: counter, streamId: (id: string) => `counter-${id}` };
const add = (n: number, commandId?: string): Add => ({ type: 'Add', data: { n }, metadata: { userId: 'u', roles: [], now: new Date(), commandId } });

let t: TestEventStore;
let store: PostgresEventStore;
beforeAll(async () => {
  t = await createTestEventStore('handler');
  ({ store } = t);
});
afterAll(() => t.close());

describe('the command handler', () => {
  it('event times never go backwards within a stream: a node whose clock is 10 minutes behind decides with the last event time (no negative duration)', async () => {
    const [ahead, behind] = [new CommandHandler(store), new CommandHandler(store)];
    const id = randomUUID();
    const now = Date.parse('2026-03-01T12:00:00.000Z');
    const at = (n: number, ms: number): Add => ({ type: 'Add', data: { n }, metadata: { userId: 'u', roles: [], now: new Date(ms) } });
    await ahead.handle(aggregate, id, at(1, now), { context: { max: 10 } });
    await behind.handle(aggregate, id, at(1, now - 10 * 60_000), { context: { max: 10 } });
    await behind.handle(aggregate, id, at(1, now - 9 * 60_000), { context: { max: 10 } });
    const times = (await store.readStream(`counter-${id}`)).map((e) => Date.parse(String(e.metadata.at)));
    expect(times).toEqual([now, now, now]);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(0);
  });

  it('two nodes with their own cached states: each sees what the other appended before deciding', async () => {
    const [nodeA, nodeB] = [new CommandHandler(store), new CommandHandler(store)];
    const id = randomUUID();
    const context = { context: { max: 10 } };
    expect((await nodeA.handle(aggregate, id, add(4), context)).state).toBe(4);
    expect((await nodeB.handle(aggregate, id, add(4), context)).state).toBe(8); // B had no cache
    expect((await nodeA.handle(aggregate, id, add(1), context)).state).toBe(9); // A's cache said 4: it read B's event
    // With a stale cache (8 on B) the ceiling would let 2 through; the tail read says 9.
    await expect(nodeB.handle(aggregate, id, add(2), context)).rejects.toMatchObject({ code: 'OVER_MAX' });
    expect((await store.readStream(aggregate.streamId(id))).map((e) => (e.data as { n: number }).n)).toEqual([4, 4, 1]);
  });

  it('a command id handled on one node is a duplicate on the other, and stores nothing twice', async () => {
    const [nodeA, nodeB] = [new CommandHandler(store), new CommandHandler(store)];
    const id = randomUUID();
    const context = { context: { max: 100 } };
    const first = await nodeA.handle(aggregate, id, add(5, 'cmd-1'), context);
    const again = await nodeB.handle(aggregate, id, add(5, 'cmd-1'), context);
    expect(again).toMatchObject({ duplicate: true, stored: 0, lastEventId: first.lastEventId, state: 5 });
    const racing = await Promise.all([nodeA.handle(aggregate, id, add(7, 'cmd-2'), context), nodeB.handle(aggregate, id, add(7, 'cmd-2'), context)]);
    expect(racing.map((r) => r.lastEventId)[0]).toBe(racing[1]!.lastEventId);
    expect((await store.readStream(aggregate.streamId(id))).map((e) => (e.data as { n: number }).n)).toEqual([5, 7]);
  });

  it('concurrent commands on one stream from two nodes all land, in some order, none lost', async () => {
    const [nodeA, nodeB] = [new CommandHandler(store), new CommandHandler(store)];
    const id = randomUUID();
    const context = { context: { max: 1000 } };
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? nodeA : nodeB).handle(aggregate, id, add(1), context)));
    expect((await nodeA.load(aggregate, id)).state).toBe(20);
    expect(await store.readStream(aggregate.streamId(id))).toHaveLength(20);
  });

  it('a batch (handleMany) on a node whose kept fold is behind is decided again on the tail: neither a stale acceptance nor a stale refusal stands', async () => {
    const [nodeA, nodeB] = [new CommandHandler(store), new CommandHandler(store)];
    const id = randomUUID();
    const max = () => ({ max: 10 });
    const outcomes = (list: readonly BatchOutcome<number>[]) => list.map((o) => (o.ok ? 'ok' : (o.error as { code: string }).code));
    const stored = async () => (await store.readStream(aggregate.streamId(id))).map((e) => (e.data as { n: number }).n);
    expect(outcomes(await nodeA.handleMany(aggregate, id, [add(3), add(3)], max))).toEqual(['ok', 'ok']); // A keeps 6
    await nodeB.handle(aggregate, id, add(3), { context: max() }); // the store holds 9
    // On A's fold (6) both would pass; on the store's 9 both are refused, and nothing is stored.
    expect(outcomes(await nodeA.handleMany(aggregate, id, [add(2), add(2)], max))).toEqual(['OVER_MAX', 'OVER_MAX']);
    expect(await stored()).toEqual([3, 3, 3]);
    await nodeB.handle(aggregate, id, add(-5), { context: max() }); // the store holds 4; A's fold says 9
    // On A's fold the batch would be refused and store nothing: the tail is read before that answer, and on 4 it passes.
    expect(outcomes(await nodeA.handleMany(aggregate, id, [add(5)], max))).toEqual(['ok']);
    expect(await stored()).toEqual([3, 3, 3, -5, 5]);
  });
});
