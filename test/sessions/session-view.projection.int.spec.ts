import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '../../src/application/event-store/event-store.port.js';
import type { SessionEvent } from '../../src/domain/session/index.js';
import { AGENT, AT, CSR, CUSTOMER, CUSTOMER2, ev, HELPER } from '../../src/domain/session/testing/session.fixtures.js';
import { eventIdFor } from '../../src/application/command-handling/command-handler.js';
import { evolveSessionView, sessionViewProjection } from '../../src/infrastructure/persistence/projections/session-view.projection.js';
import { READ_MODEL_ENTITIES } from '../../src/infrastructure/persistence/read-model-entities.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let dataSource: DataSource;
beforeAll(async () => {
  db = await createTestDatabase('projection');
  dataSource = new DataSource({ type: 'postgres', url: db.url, entities: READ_MODEL_ENTITIES, logging: false });
  await dataSource.initialize();
});
afterAll(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

// ---- recorded events, as the store hands them to the runner

const T0 = Date.parse('2025-03-01T09:00:00.000Z');
let position = 0n;

/** Session events recorded on `session-<id>`, versions from 0, one second apart. */
function recorded(sessionId: string, events: readonly SessionEvent[]): RecordedEvent[] {
  return events.map((event, version) => {
    position += 1n;
    return {
      id: randomUUID(),
      streamId: `session-${sessionId}`,
      version,
      type: event.type,
      data: event.data,
      metadata: { commandType: 'test', userId: (event.data as { by?: string }).by ?? 'system' },
      schemaVersion: 1,
      recordedAt: new Date(T0 + version * 1000 + Number(position)),
      position,
      checkpoint: String(position).padStart(20, '0'),
    };
  });
}

/** A whole support session: joins, chat, a share, recording, control transfer, the end. */
const fullSession = (sessionId: string, number: string): SessionEvent[] => [
  ev.started({ sessionId, number }),
  ev.customerJoined(CUSTOMER, 'Carla'),
  ev.helperJoined(HELPER, 'Bob'),
  ev.chatSent('msg-1', 'Hello Carla, can you see my screen?'),
  ev.shareRequested('share-1', 'desktop', 'control'),
  ev.shareApproved('share-1'),
  ev.recordingStarted('rec-1'),
  { type: 'NoteSaved', data: { noteId: 'note-1', text: 'printer driver reinstalled', by: CSR, at: AT } },
  ev.customerJoined(CUSTOMER2, 'Dan'),
  ev.selected(CUSTOMER2, CUSTOMER),
  ev.shareEnded('share-1', 'customer_switched'),
  ev.transferred(CSR, HELPER),
  ev.recordingStopped('control_transferred'),
  ev.left(CSR, 'observer'),
  ev.ended('ended_by_csr', HELPER),
];

/** One still running: it keeps its number. */
const liveSession = (sessionId: string, number: string): SessionEvent[] => [
  ev.started({ sessionId, number, by: AGENT }),
  ev.customerJoined(CUSTOMER, null),
  ev.chatSent('msg-9', 'hi', null, AGENT),
];

/** The runner's way: each batch in a transaction of its own. */
async function project(events: readonly RecordedEvent[], batchSize: number): Promise<void> {
  for (let i = 0; i < events.length; i += batchSize) {
    await dataSource.transaction(async (tx) => {
      await sessionViewProjection.apply(
        tx,
        events.slice(i, i + batchSize).filter((event) => sessionViewProjection.handles.has(event.type)),
      );
    });
  }
}

const snapshot = async (ids: string[]) => ({
  views: await dataSource.query('SELECT * FROM session_view WHERE id = ANY($1::uuid[]) ORDER BY id', [ids]),
  numbers: await dataSource.query('SELECT number, session_id, allocated_at FROM session_numbers WHERE session_id = ANY($1::uuid[]) ORDER BY number', [ids]),
});

/** What the service does before StartSession: the number is taken while the session lives. */
const allocate = (sessionId: string, number: string) =>
  dataSource.query("INSERT INTO session_numbers (number, session_id, allocated_at) VALUES ($1, $2, '2025-03-01T08:59:59Z')", [number, sessionId]);

// Interleaved as in the global log: two sessions at once.
function interleave(a: readonly RecordedEvent[], b: readonly RecordedEvent[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...(a[i] ? [a[i]!] : []), ...(b[i] ? [b[i]!] : []));
  return out;
}

describe('session view projection (PostgreSQL)', () => {
  it('the session view projection applied twice gives the same rows', async () => {
    const ended = randomUUID();
    const live = randomUUID();
    await allocate(ended, '111222333');
    await allocate(live, '444555666');
    const log = interleave(recorded(ended, fullSession(ended, '111222333')), recorded(live, liveSession(live, '444555666')));

    await project(log, 5);
    const once = await snapshot([ended, live]);

    // The rows are what the events say, so the comparison below compares something.
    expect(once.views).toHaveLength(2);
    const endedRow = once.views.find((r: { id: string }) => r.id === ended);
    const liveRow = once.views.find((r: { id: string }) => r.id === live);
    expect(endedRow).toMatchObject({ status: 'ended', number: '111222333', version: 14, controller_id: null, csr_ids: [] });
    expect(endedRow.participant_ids).toEqual([CSR, CUSTOMER, HELPER, CUSTOMER2]);
    expect(endedRow.ended_at).toEqual(new Date(AT));
    expect(liveRow).toMatchObject({ status: 'active', version: 2, controller_id: AGENT, csr_ids: [AGENT] });
    expect(liveRow.state.customers).toEqual([{ customerId: CUSTOMER, displayName: null }]);
    expect(once.numbers.map((n: { number: string }) => n.number)).toEqual(['444555666']);

    // The same events again: in other batches, then one by one (a redelivered batch, a replay).
    await project(log, 3);
    expect(await snapshot([ended, live])).toEqual(once);
    await project(log, 1);
    expect(await snapshot([ended, live])).toEqual(once);
  });

  it('an event applied again after later ones changes nothing', async () => {
    const id = randomUUID();
    const events = recorded(id, fullSession(id, '222333444').slice(0, 10));
    await project(events, events.length);
    const before = await snapshot([id]);

    // CustomerJoined (version 1) once more: without the version check Carla would join twice.
    await project([events[1]!], 1);
    expect(await snapshot([id])).toEqual(before);
  });

  it('SessionEnded frees the session number (INV-6: unique among live sessions only)', async () => {
    const id = randomUUID();
    const other = randomUUID();
    await allocate(id, '333444555');
    await allocate(other, '666777888');
    const events = recorded(id, fullSession(id, '333444555'));

    await project(events.slice(0, -1), 4);
    expect((await snapshot([id])).numbers).toHaveLength(1);

    await project(events.slice(-1), 1);
    const after = await snapshot([id, other]);
    expect(after.numbers.map((n: { session_id: string }) => n.session_id)).toEqual([other]);
    expect(after.views[0]).toMatchObject({ id, status: 'ended' });
  });
});

/** One event on `queue-<queueId>`, as the store hands it to the runner. */
function queueEvent(queueId: string, version: number, type: string, data: Record<string, unknown>): RecordedEvent {
  position += 1n;
  return {
    id: randomUUID(),
    streamId: `queue-${queueId}`,
    version,
    type,
    data: { by: 'system', at: AT, ...data },
    metadata: { commandType: 'test', userId: 'system' },
    schemaVersion: 1,
    recordedAt: new Date(T0 + Number(position)),
    position,
    checkpoint: String(position).padStart(20, '0'),
  };
}

describe('the queues a session passed through (session_queues)', () => {
  const queuesOf = async (ids: string[]) =>
    (await dataSource.query('SELECT session_id, queue_id FROM session_queues WHERE session_id = ANY($1::text[]) ORDER BY session_id, queue_id', [ids])) as {
      session_id: string;
      queue_id: string;
    }[];

  it('Q-2 / Q-4 / SES-2 hand-overs and an inbound accept recorded before the session started are kept once each, however often they are applied', async () => {
    const handed = randomUUID();
    const toAgents = randomUUID();
    const itemId = randomUUID();
    const inbound = eventIdFor('inbound-session', itemId, 0); // the id the acceptance starts it with
    const [qa, qb, qc] = [`qa-${randomUUID()}`, `qb-${randomUUID()}`, `qc-${randomUUID()}`];
    const log = [
      // Inbound: the queue's OfferAccepted comes before the session's first event.
      queueEvent(qb, 5, 'OfferAccepted', {
        offerId: `${itemId}:1`,
        itemId,
        agentId: AGENT,
        kind: 'inbound',
        sessionId: null,
        message: null,
        customer: null,
        originUrl: null,
        waitedMs: 10,
      }),
      ...recorded(inbound, [ev.started({ sessionId: inbound, number: '777888999', kind: 'inbound' })]),
      ...recorded(handed, [ev.started({ sessionId: handed, number: '777888990', by: AGENT }), ev.handedToQueue({ kind: 'queue', queueId: qa })]),
      queueEvent(qa, 7, 'HandOverEnqueued', { itemId: 'h-1', sessionId: handed, handedBy: AGENT, message: null, target: { kind: 'queue', queueId: qa } }),
      // To named agents: the queue is known once the hand-over is enqueued there.
      ...recorded(toAgents, [ev.started({ sessionId: toAgents, number: '777888991', by: AGENT }), ev.handedToQueue({ kind: 'agents', agentIds: ['agent-x'] })]),
      queueEvent(qc, 2, 'HandOverEnqueued', { itemId: 'h-2', sessionId: toAgents, handedBy: AGENT, message: null, target: { kind: 'agents', agentIds: ['agent-x'] } }),
      queueEvent(qc, 4, 'OfferAccepted', {
        offerId: 'h-2:1:agent-x',
        itemId: 'h-2',
        agentId: 'agent-x',
        kind: 'hand_over',
        sessionId: toAgents,
        message: null,
        customer: null,
        originUrl: null,
        waitedMs: 5,
      }),
    ];
    const expected = [
      { session_id: handed, queue_id: qa },
      { session_id: inbound, queue_id: qb },
      { session_id: toAgents, queue_id: qc },
    ].sort((x, y) => (x.session_id < y.session_id ? -1 : 1));

    await project(log, 2);
    expect(await queuesOf([handed, inbound, toAgents])).toEqual(expected);
    await project(log, 1);
    await project(log, log.length);
    expect(await queuesOf([handed, inbound, toAgents])).toEqual(expected);
    // The queue events change no session row.
    expect((await snapshot([inbound])).views).toHaveLength(1);
  });
});

describe('evolveSessionView', () => {
  const id = randomUUID();
  const events = recorded(id, fullSession(id, '555666777').slice(0, 6));
  const row = events.reduce(evolveSessionView, null)!;

  it('an event with a version at or below the row version returns the row unchanged', () => {
    expect(row.version).toBe(5);
    expect(evolveSessionView(row, events[1]!)).toBe(row); // CustomerJoined again would add Carla twice
    expect(evolveSessionView(row, events[5]!)).toBe(row);
    expect((row.state as { customers: unknown[] }).customers).toHaveLength(1);
  });

  it('the next version moves the row on', () => {
    const [next] = recorded(id, fullSession(id, '555666777')).slice(6);
    const moved = evolveSessionView(row, next!)!;
    expect(moved).not.toBe(row);
    expect(moved.version).toBe(6);
    expect(row.version).toBe(5);
  });
});
