import pg from 'pg';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/application/identity/principal.js';
import { graphqlClient } from '../support/graphql.js';
import { ALL_TYPES, bodyFor, restName } from '../support/session-commands.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let db: pg.Pool;
beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Pool({ connectionString: t.db.url, max: 2 });
});
afterAll(async () => {
  await db.end();
  await t.close();
});

let seq = 0;
const user = (prefix: string) => `${prefix}-${++seq}`;
const tokenOf = (id: string, roles: Role[], flags: Record<string, boolean> = {}) => t.token(id, roles, flags);
const { gql, ok } = graphqlClient(() => t.url);
const post = (token: string, path: string, body: Record<string, unknown>) => request(t.url).post(path).set('authorization', `Bearer ${token}`).send(body);

async function eventsOf(sessionId: string): Promise<number> {
  const rows = await db.query('SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1', [`session-${sessionId}`]);
  return (rows.rows[0] as { n: number }).n;
}

/** Ids an identity provider may let people choose, which name Object.prototype's members. */
const TRICKY = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

describe.each(TRICKY)('the authorisation suite with the user id %s', (id) => {
  it("SES-7 / AST-2 a user with this id takes no part in a stranger's session: every command and read is not found, nothing is written", async () => {
    const [csr, customer] = [user('csr'), user('cust')];
    const csrToken = await tokenOf(csr, ['csr']);
    const s = (await post(csrToken, '/api/v1/sessions', {}).expect(201)).body;
    await post(await tokenOf(customer, ['customer']), '/api/v1/sessions/join', { number: s.number, as: 'customer' }).expect(200);
    const before = await eventsOf(s.id);
    const intruder = await tokenOf(id, ['csr', 'customer', 'reporting']);
    for (const type of ALL_TYPES) {
      const res = await post(
        intruder,
        `/api/v1/sessions/${s.id}/commands/${restName(type)}`,
        bodyFor(type, { customer, helper: csr, shareId: randomUUID(), transferId: randomUUID() }),
      );
      expect({ type, status: res.status, code: res.body.code }).toEqual({ type, status: 404, code: 'SESSION_NOT_FOUND' });
    }
    await request(t.url).get(`/api/v1/sessions/${s.id}`).set('authorization', `Bearer ${intruder}`).expect(404);
    const listed = await ok(intruder, '{ mySessions { id } }');
    expect(listed).toEqual([]);
    expect(await eventsOf(s.id)).toBe(before);
  });

  it('SES-1 / MC-1 a user with this id is an ordinary participant of their own sessions', async () => {
    const csrToken = await tokenOf(id, ['csr']);
    const s = (await post(csrToken, '/api/v1/sessions', {}).expect(201)).body;
    try {
      expect(s.controllerId).toBe(id);
      const other = user('cust');
      await post(await tokenOf(other, ['customer']), '/api/v1/sessions/join', { number: s.number, as: 'customer' }).expect(200);
      const chat = await post(csrToken, `/api/v1/sessions/${s.id}/commands/send-chat-message`, { text: 'hello', to: other }).expect(200);
      expect(chat.body.participants).toEqual(
        expect.arrayContaining([expect.objectContaining({ userId: id, place: 'controller' }), expect.objectContaining({ userId: other, place: 'customer' })]),
      );
    } finally {
      await post(csrToken, `/api/v1/sessions/${s.id}/commands/end`, {}).expect(200);
    }
  });

  it("ADM-1 settings for a user with this id are that user's alone; other users keep the defaults", async () => {
    const admin = await tokenOf(user('admin'), ['admin']);
    await ok(admin, 'mutation { changeSiteSettings(multiSessionAllowed: true, maxCustomers: 2) { maxCustomers } }');
    try {
      // Before any setting for this id, a CSR with it is in single-session mode (the default).
      const csrToken = await tokenOf(id, ['csr']);
      const first = (await post(csrToken, '/api/v1/sessions', {}).expect(201)).body;
      const second = await post(csrToken, '/api/v1/sessions', {});
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('CSR_ALREADY_IN_SESSION');
      await post(csrToken, `/api/v1/sessions/${first.id}/commands/end`, {}).expect(200);
      const changed = await gql(admin, 'mutation($u: String!) { changeUserSettings(userId: $u, multiSession: true) }', { u: id });
      expect(changed.errors).toBeUndefined();
      const [a, b] = [(await post(csrToken, '/api/v1/sessions', {})).body, (await post(csrToken, '/api/v1/sessions', {})).body];
      expect([a.mode, b.mode]).toEqual(['multi', 'multi']);
      for (const s of [a, b]) await post(csrToken, `/api/v1/sessions/${s.id}/commands/end`, {}).expect(200);
      await ok(admin, 'mutation($u: String!) { changeUserSettings(userId: $u, multiSession: false) }', { u: id });
    } finally {
      await ok(admin, 'mutation { changeSiteSettings(multiSessionAllowed: false, maxCustomers: 5) { maxCustomers } }');
    }
  });

  it('Q-1 a CSR with this id is no agent of a queue they are not in', async () => {
    const admin = await tokenOf(user('admin'), ['admin']);
    await ok(admin, 'mutation { changeSiteSettings(webacdEnabled: true) { webacdEnabled } }');
    const queue = await ok(admin, 'mutation($a: [String!]!) { createQueue(name: "q", agentIds: $a, offerTimeoutMs: 60000) { id } }', { a: [user('agent')] });
    const res = await gql(await tokenOf(id, ['csr']), 'mutation($q: ID!) { setAgentAvailability(queueId: $q, available: true) { id } }', { q: queue.id });
    expect(['NOT_WEBACD_AGENT', 'AGENT_NOT_IN_QUEUE']).toContain(res.errors?.[0]?.extensions.code);
  });
});
