import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { QueueChangeFeed } from '../../src/application/projections/change-feed.js';
import { graphqlClient, until } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Read-your-writes for queue watchers: `createQueue` answers from its decision, so a console may
 * subscribe to `queueChanged` before the read model shows the queue. Here the read model is held
 * back for real (a transaction keeps `queue_view` locked against writes, reads still allowed),
 * so the subscription is opened while the queue exists only in its stream.
 */
let t: TestApp;
let pool: pg.Pool;
beforeAll(async () => {
  t = await startTestApp();
  pool = new pg.Pool({ connectionString: t.db.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await t.close();
});

const { ok, gql } = graphqlClient(() => t.url);

it('queueChanged accepts a watcher of a queue the read model does not show yet, then delivers its changes; an unknown queue is still QUEUE_NOT_FOUND', async () => {
  const admin = await t.token('live-admin', ['admin']);
  const agent = await t.token('live-agent', ['csr']);
  const feed = t.app.get(QueueChangeFeed);
  await ok(admin, 'mutation { changeSiteSettings(webacdEnabled: true) { webacdEnabled } }');
  await ok(admin, 'mutation($u: String!) { changeUserSettings(userId: $u, webacdAgent: true) }', { u: 'live-agent' });
  const held = await pool.connect();
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${admin}` },
    retryAttempts: 0,
  });
  try {
    await held.query('BEGIN');
    await held.query('LOCK TABLE queue_view IN EXCLUSIVE MODE');
    const queueId = (await ok(admin, 'mutation($a: [String!]!) { createQueue(name: "held back", agentIds: $a, offerTimeoutMs: 5000) { id } }', { a: ['live-agent'] })).id as string;
    // The read model has not got it: the plain query does not find it yet.
    const before = await gql(admin, 'query($q: ID!) { queue(queueId: $q) { id } }', { q: queueId });
    expect(before.errors?.[0]?.extensions?.code).toBe('QUEUE_NOT_FOUND');

    const base = feed.listenerCount;
    const updates = client.iterate<{ queueChanged: { id: string; agents: { agentId: string; available: boolean }[] } }>({
      query: 'subscription($q: ID!) { queueChanged(queueId: $q) { id agents { agentId available } } }',
      variables: { q: queueId },
    });
    const first = updates.next();
    await until('the watcher is listening', async () => feed.listenerCount === base + 1);
    await held.query('COMMIT');

    // Changes after the read model caught up reach the watcher, in order: away, then available.
    let next = first;
    for (const available of [false, true]) {
      await ok(agent, 'mutation($q: ID!, $v: Boolean!) { setAgentAvailability(queueId: $q, available: $v) { id } }', { q: queueId, v: available });
      let seen = (await next).value?.data?.queueChanged;
      while (seen && !seen.agents.some((a: { agentId: string; available: boolean }) => a.agentId === 'live-agent' && a.available === available))
        seen = (await updates.next()).value?.data?.queueChanged;
      expect(seen?.id).toBe(queueId);
      next = updates.next();
    }
    await updates.return?.();

    const missing = client.iterate({ query: 'subscription($q: ID!) { queueChanged(queueId: $q) { id } }', variables: { q: '00000000-0000-4000-8000-000000000000' } });
    expect((await missing.next()).value).toEqual({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUEUE_NOT_FOUND' }) })] });
  } finally {
    await held.query('ROLLBACK').catch(() => undefined);
    held.release();
    await client.dispose();
  }
});
