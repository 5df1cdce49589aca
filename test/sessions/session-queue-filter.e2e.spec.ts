import pg from 'pg';
import request from 'supertest';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres-event-store.js';
import { runMigrations } from '../../src/infrastructure/persistence/migrate.js';
import { rebuildProjection } from '../../src/infrastructure/persistence/rebuild-projection.js';
import { graphqlClient, until } from '../support/graphql.js';
import { listenApp, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Supervisors filter sessions by a queue they passed through (issue 15, RPT-2): a session handed
 * over to queue A, an inbound one started from queue B's item (SES-2, Q-5) and one that met
 * no queue. GraphQL and REST give the same answers; bad ids are refused naming the field.
 */
let t: TestApp;
let db: pg.Pool;
/** The app restarted on the same database by the last test (the first one is closed then). */
let restarted: Awaited<ReturnType<typeof listenApp>> | undefined;
const { ok } = graphqlClient(() => restarted?.url ?? t.url);

const SESSION = 'id status consistencyToken';
const LIST = `query($q: String, $status: String, $after: String) { sessions(queueId: $q, status: $status, after: $after, limit: 100) { total items { id } } }`;

let supervisor: string;
const ids = { handedToA: '', inboundFromB: '', noQueue: '' };
const queues = { a: '', b: '' };
let after = '';

beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Pool({ connectionString: t.db.url, max: 4 });
  const admin = await t.token('qf-admin', ['admin']);
  supervisor = await t.token('qf-supervisor', ['supervisor']);
  await ok(admin, 'mutation { changeSiteSettings(webacdEnabled: true) { webacdEnabled } }');
  const agentB = await t.token('qf-agent-b', ['csr']);
  const createQueue = (name: string, agent: string) =>
    ok(admin, 'mutation($n: String!, $a: [String!]!) { createQueue(name: $n, agentIds: $a, offerTimeoutMs: 60000) { id } }', { n: name, a: [agent] });
  queues.a = (await createQueue('Billing', 'qf-agent-a')).id;
  queues.b = (await createQueue('Printers', 'qf-agent-b')).id;
  await ok(agentB, 'mutation($q: ID!) { setAgentAvailability(queueId: $q, available: true) { id } }', { q: queues.b });

  // Handed over to queue A by a WebACD agent; it waits there (queued).
  const giver = await t.token('qf-giver', ['csr'], { webacdAgent: true });
  const handed = await ok(giver, `mutation { startSession { id number } }`);
  await ok(await t.token('qf-cust-1', ['customer']), 'mutation($n: String!) { joinSession(number: $n, as: customer, displayName: "Dan") { id } }', { n: handed.number });
  await ok(giver, `mutation($id: ID!, $q: String) { handToQueue(id: $id, queueId: $q, message: "billing question") { ${SESSION} } }`, { id: handed.id, q: queues.a });
  ids.handedToA = handed.id;

  // An inbound request to queue B, accepted by its agent: the session starts from the queue's item.
  const inbound = await request(t.url)
    .post('/api/v1/inbound')
    .send({ queueId: queues.b, name: 'Cleo Customer', email: 'cleo@example.com', problem: 'The printer is on fire', originUrl: 'https://shop.example.com/help' });
  expect(inbound.status).toBe(201);
  const offer = await until('the offer of the inbound request', async () =>
    ((await ok(agentB, '{ myOffers { offerId queueId kind } }')) as { offerId: string; queueId: string; kind: string }[]).find((o) => o.queueId === queues.b),
  );
  const accepted = await ok(agentB, `mutation($q: ID!, $o: String!) { acceptOffer(queueId: $q, offerId: $o) { ${SESSION} } }`, { q: queues.b, o: offer.offerId });
  ids.inboundFromB = accepted.id;

  // An ordinary outbound session: no queue.
  const plain = await ok(await t.token('qf-csr', ['csr']), `mutation { startSession { ${SESSION} } }`);
  ids.noQueue = plain.id;
  after = plain.consistencyToken; // the last write: the read model has everything before it too
}, 60_000);
afterAll(async () => {
  await db?.end();
  if (restarted) {
    await restarted.app.close();
    await t?.db.drop();
  } else await t?.close();
});

const listed = async (queueId: string | null, status: string | null = null) => {
  const page = await ok(supervisor, LIST, { q: queueId, status, after });
  expect(page.total).toBe(page.items.length);
  return (page.items as { id: string }[]).map((s) => s.id).sort();
};

describe('RPT-2 supervisors filter sessions by queue', () => {
  it('Q-2 a session handed over to queue A is listed under A only; SES-2 / Q-5 an inbound one started from queue B under B only; one with no queue under neither', async () => {
    expect(await listed(queues.a)).toEqual([ids.handedToA]);
    expect(await listed(queues.b)).toEqual([ids.inboundFromB]);
    expect(await listed(null)).toEqual([ids.handedToA, ids.inboundFromB, ids.noQueue].sort());
    // Combined with the other filters.
    expect(await listed(queues.a, 'queued')).toEqual([ids.handedToA]);
    expect(await listed(queues.a, 'active')).toEqual([]);
    expect(await listed(queues.b, 'active')).toEqual([ids.inboundFromB]);
  });

  it('an unknown queue id lists no session', async () => {
    expect(await listed('no-such-queue')).toEqual([]);
  });

  it('the REST list takes the same filter', async () => {
    const rest = async (query: Record<string, string>) => {
      const res = await request(t.url)
        .get('/api/v1/sessions')
        .query({ ...query, after })
        .set('authorization', `Bearer ${supervisor}`);
      expect(res.status).toBe(200);
      return (res.body.items as { id: string }[]).map((s) => s.id).sort();
    };
    expect(await rest({ queueId: queues.a })).toEqual([ids.handedToA]);
    expect(await rest({ queueId: queues.b, status: 'active' })).toEqual([ids.inboundFromB]);
    expect(await rest({ queueId: 'no-such-queue' })).toEqual([]);
  });

  it('RPT-2 the CSR and customer filters (array columns, served by their GIN indexes) list the same sessions over GraphQL and REST', async () => {
    const BY = `query($c: String, $u: String, $after: String) { sessions(csrId: $c, customerId: $u, after: $after, limit: 100) { total items { id } } }`;
    const graphql = async (filter: { c?: string; u?: string }) => ((await ok(supervisor, BY, { ...filter, after })).items as { id: string }[]).map((s) => s.id).sort();
    const rest = async (query: Record<string, string>) =>
      (
        (
          await request(t.url)
            .get('/api/v1/sessions')
            .query({ ...query, after })
            .set('authorization', `Bearer ${supervisor}`)
            .expect(200)
        ).body.items as { id: string }[]
      )
        .map((s) => s.id)
        .sort();
    expect(await graphql({ c: 'qf-csr' })).toEqual([ids.noQueue]);
    expect(await graphql({ c: 'qf-agent-b' })).toEqual([ids.inboundFromB]);
    expect(await graphql({ u: 'qf-cust-1' })).toEqual([ids.handedToA]);
    expect(await graphql({ c: 'qf-cust-1' })).toEqual([]); // a customer is no CSR
    expect(await graphql({ u: 'qf-csr' })).toEqual([]); // nor a CSR a customer
    expect(await graphql({ c: 'qf-agent-b', u: 'qf-cust-1' })).toEqual([]);
    expect(await rest({ csrId: 'qf-agent-b' })).toEqual([ids.inboundFromB]);
    expect(await rest({ customerId: 'qf-cust-1' })).toEqual([ids.handedToA]);
  });

  it('a malformed queue id is a 400 naming queueId, over GraphQL and REST', async () => {
    for (const bad of ['', 'q'.repeat(101)]) {
      const res = await request(t.url)
        .post('/graphql')
        .set('authorization', `Bearer ${supervisor}`)
        .send({ query: LIST, variables: { q: bad } });
      // GraphQL: an execution error with the HTTP status it stands for (the request itself was well-formed).
      expect(res.body.data).toBeNull();
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
      expect(res.body.errors[0].message).toMatch(/^queueId /);
      const rest = await request(t.url).get('/api/v1/sessions').query({ queueId: bad }).set('authorization', `Bearer ${supervisor}`);
      expect([rest.status, rest.body.code]).toEqual([400, 'BAD_REQUEST']);
      expect(rest.body.detail).toMatch(/^queueId /);
    }
  });

  it('sessions recorded before the queue filter get their queues when the session projection is replayed from the log (npm run projections:rebuild)', async () => {
    // As a database from before session_queues: sessions without their queues.
    await db.query('TRUNCATE session_queues');
    expect(await listed(queues.a)).toEqual([]);
    const store = new PostgresEventStore({ pool: db, listen: false });
    try {
      await rebuildProjection(t.db.url, store, 'session_view');
    } finally {
      await store.close();
    }
    expect(await listed(queues.a)).toEqual([ids.handedToA]);
    expect(await listed(queues.b)).toEqual([ids.inboundFromB]);
  });

  it("a database from before the queue filter gets its old sessions' queues at the first start after the migration (the migration resets the session projection)", async () => {
    await t.app.close();
    // The database as it was before: no session_queues, the migration not applied.
    await db.query('DROP TABLE session_queues');
    await db.query(`DELETE FROM migrations WHERE name = 'SessionQueues1764500000040'`);
    expect(await runMigrations(t.db.url)).toEqual(['SessionQueues1764500000040']);
    expect((await db.query(`SELECT count(*)::int AS n FROM session_queues`)).rows[0].n).toBe(0);
    restarted = await listenApp(t.config, t.db.url);
    // `after`: the restarted projection has replayed the log up to the last write.
    expect(await listed(queues.a)).toEqual([ids.handedToA]);
    expect(await listed(queues.b)).toEqual([ids.inboundFromB]);
    expect(await listed(null)).toEqual([ids.handedToA, ids.inboundFromB, ids.noQueue].sort());
  });
});
