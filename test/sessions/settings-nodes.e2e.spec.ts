import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { graphqlClient, until } from '../support/graphql.js';
import { listenApp, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Settings are folded from their stream and kept per node (issue 13: not read per command). A
 * change binds the node that made it at once, and every other node as soon as its log reader has
 * read it (and when the reader lags, SETTINGS_MAX_AGE_MS later: the node reads the stream). The
 * nodes here keep settings for an hour, so only the log reader can tell them of a change.
 */
describe('settings across nodes (kept per node, changed from the log)', () => {
  let t: TestApp;
  let second: { app: INestApplication; url: string };
  let admin: string;

  beforeAll(async () => {
    // One test address polls the public form; an hour's max age: only the log reader can tell a node of the change.
    t = await startTestApp({ INBOUND_RATE_PER_MINUTE: '100000', SETTINGS_MAX_AGE_MS: '3600000' });
    second = await listenApp(t.config, t.db.url);
    admin = await t.token('admin-settings', ['admin']);
  });
  afterAll(async () => {
    await second?.app.close();
    await t?.close();
  });

  const webacd = (url: string, on: boolean) => graphqlClient(() => url).ok(admin, 'mutation($on: Boolean) { changeSiteSettings(webacdEnabled: $on) { webacdEnabled } }', { on });
  const inbound = (url: string, queueId: string) =>
    request(url).post('/api/v1/inbound').send({ queueId, name: 'Cleo', email: 'cleo@example.com', problem: 'The printer is on fire', originUrl: 'https://shop.example.com/help' });

  it('SES-2 / Q-1 WebACD switched off on one node refuses help requests there at once and on the other node once its reader has the change; switched on again, both serve', async () => {
    await webacd(t.url, true);
    const queue = await graphqlClient(() => t.url).ok(admin, 'mutation($n: String!, $a: [String!]!) { createQueue(name: $n, agentIds: $a, offerTimeoutMs: 60000) { id } }', {
      n: 'settings-nodes',
      a: ['agent-settings'],
    });
    // Both nodes have read (and keep) the settings with WebACD on.
    expect((await inbound(t.url, queue.id)).status).toBe(201);
    await until('the second node to serve the queue', async () => (await inbound(second.url, queue.id)).status === 201);

    await webacd(second.url, false);
    // The node that made the change: at once, without waiting for anything.
    expect((await inbound(second.url, queue.id)).body).toMatchObject({ status: 409, code: 'WEBACD_DISABLED' });
    // The other node: once its log reader has read the change (every request is refused from then on).
    await until('the first node to refuse', async () => (await inbound(t.url, queue.id)).status === 409, 10_000, 20);
    for (let i = 0; i < 5; i++) expect((await inbound(t.url, queue.id)).body).toMatchObject({ status: 409, code: 'WEBACD_DISABLED' });

    await webacd(t.url, true);
    expect((await inbound(t.url, queue.id)).status).toBe(201);
    await until('the second node to serve again', async () => (await inbound(second.url, queue.id)).status === 201, 10_000, 20);
  }, 60_000);
});
