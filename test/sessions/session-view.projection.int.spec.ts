import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RecordedEvent } from '../../src/application/event-store/event-store.port.js';
import type { SessionEvent } from '../../src/domain/session/index.js';
import { AGENT, AT, CSR, CUSTOMER, CUSTOMER2, ev, HELPER } from '../../src/domain/session/testing/session.fixtures.js';
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
