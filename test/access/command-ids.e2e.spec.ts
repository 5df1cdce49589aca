import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import type { Role } from '../../src/application/identity/principal.js';
import { eventIdFor } from '../../src/application/command-handling/command-handler.js';
import { ALL_TYPES, bodyFor, restName } from '../support/session-commands.js';
import { graphqlClient, until } from '../support/graphql.js';
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
const { ok } = graphqlClient(() => t.url);

const post = (token: string, path: string, body: Record<string, unknown>) => request(t.url).post(path).set('authorization', `Bearer ${token}`).send(body);
const command = (token: string, sessionId: string, type: (typeof ALL_TYPES)[number], body: Record<string, unknown>) =>
  post(token, `/api/v1/sessions/${sessionId}/commands/${restName(type)}`, body);

async function streamOf(sessionId: string) {
  const rows = await db.query('SELECT count(*)::int AS n, max(stream_version) AS v FROM es_events WHERE stream_id = $1', [`session-${sessionId}`]);
  return rows.rows[0] as { n: number; v: number };
}

async function storedCommandIds(sessionId: string): Promise<string[]> {
  const rows = await db.query(`SELECT DISTINCT metadata->>'commandId' AS id FROM es_events WHERE stream_id = $1 AND metadata->>'commandId' IS NOT NULL`, [`session-${sessionId}`]);
  return rows.rows.map((r: { id: string }) => r.id);
}

/** Nothing of the session in an answer: no number, no participant, no name, no page. */
function expectNothingOf(body: unknown, secrets: string[]) {
  const text = JSON.stringify(body);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('command ids belong to their sender', () => {
  it("SES-7 replaying another principal's command id, for every command type, answers as for an absent session and writes nothing", async () => {
    const [csr, helper, customer] = [user('victim-csr'), user('victim-helper'), user('victim-cust')];
    const [csrToken, helperToken, customerToken] = await Promise.all([tokenOf(csr, ['csr']), tokenOf(helper, ['csr']), tokenOf(customer, ['customer'])]);
    const started = await post(csrToken, '/api/v1/sessions', { commandId: 'victim-start' }).expect(201);
    const s = started.body;
    await post(customerToken, '/api/v1/sessions/join', { number: s.number, as: 'customer', displayName: 'Victoria Secret', commandId: 'victim-join' }).expect(200);
    await post(helperToken, '/api/v1/sessions/join', { number: s.number, as: 'helper', commandId: 'helper-join' }).expect(200);
    await command(csrToken, s.id, 'SendChatMessage', { text: 'hi', commandId: 'victim-chat' }).expect(200);
    await command(csrToken, s.id, 'SaveNote', { text: 'private', commandId: 'victim-note' }).expect(200);
    const shared = await command(csrToken, s.id, 'RequestShare', { kind: 'desktop', mode: 'view', commandId: 'victim-share' }).expect(200);
    const shareId = shared.body.activities.shares[0].shareId as string;
    const transfer = await command(csrToken, s.id, 'RequestFileTransfer', { commandId: 'victim-transfer' }).expect(200);
    const transferId = transfer.body.activities.fileTransfers[0].transferId as string;
    const victimIds = await storedCommandIds(s.id);
    expect(victimIds.length).toBeGreaterThanOrEqual(7);
    const before = await streamOf(s.id);

    const strangers = await Promise.all([
      tokenOf(user('stranger-csr'), ['csr']),
      tokenOf(user('stranger-cust'), ['customer']),
      tokenOf(user('stranger-both'), ['csr', 'customer']),
    ]);
    const secrets = [s.number, csr, helper, customer, 'Victoria Secret', shareId, transferId];
    for (const stranger of strangers) {
      for (const [i, type] of ALL_TYPES.entries()) {
        for (const commandId of [victimIds[i % victimIds.length]!, 'victim-note']) {
          const res = await command(stranger, s.id, type, { ...bodyFor(type, { customer, helper, shareId, transferId }), commandId });
          expect({ type, status: res.status, code: res.body.code }).toEqual({ type, status: 404, code: 'SESSION_NOT_FOUND' });
          expectNothingOf(res.body, secrets);
        }
      }
      // Reading it is the same: not found, nothing of it.
      const read = await request(t.url).get(`/api/v1/sessions/${s.id}`).set('authorization', `Bearer ${stranger}`);
      expect(read.status).toBe(404);
      expectNothingOf(read.body, secrets);
    }
    // JoinSession: the victim's join id with a number that is not live answers as for any absent number.
    const absent = s.number === '000000001' ? '000000002' : '000000001';
    const joined = await post(strangers[1]!, '/api/v1/sessions/join', { number: absent, as: 'customer', commandId: 'victim-join' });
    expect({ status: joined.status, code: joined.body.code }).toEqual({ status: 404, code: 'SESSION_NOT_FOUND' });
    expectNothingOf(joined.body, secrets);
    // The victim's own start id, replayed by a stranger, starts the stranger's own session.
    const own = await post(strangers[0]!, '/api/v1/sessions', { commandId: 'victim-start' }).expect(201);
    expect(own.body.id).not.toBe(s.id);
    expectNothingOf(own.body, secrets);
    expect(await streamOf(s.id)).toEqual(before);
  });

  it('SES-7 the inbound session: a CSR in no queue derives its id and start command id, replays it, and learns and writes nothing', async () => {
    const admin = await tokenOf(user('admin'), ['admin']);
    await ok(admin, 'mutation { changeSiteSettings(webacdEnabled: true) { webacdEnabled } }');
    const agent = user('agent');
    const agentToken = await tokenOf(agent, ['csr'], { webacdAgent: true });
    const queue = await ok(admin, 'mutation($a: [String!]!) { createQueue(name: "help", agentIds: $a, offerTimeoutMs: 60000) { id } }', { a: [agent] });
    await ok(agentToken, 'mutation($q: ID!) { setAgentAvailability(queueId: $q, available: true) { id } }', { q: queue.id });
    const asked = await request(t.url)
      .post('/api/v1/inbound')
      .send({ queueId: queue.id, name: 'Ingrid Inbound', email: 'ingrid@example.com', problem: 'It broke', originUrl: 'https://shop.example.com/secret-page' })
      .expect(201);
    const offer = await until('the offer', async () =>
      ((await ok(agentToken, '{ myOffers { offerId itemId } }')) as { offerId: string; itemId: string }[]).find((o) => o.itemId === asked.body.itemId),
    );
    const session = await ok(agentToken, 'mutation($q: ID!, $o: String!) { acceptOffer(queueId: $q, offerId: $o) { id number } }', { q: queue.id, o: offer.offerId });
    // What the attacker derives from the queue's offer and item ids.
    const derivedId = eventIdFor('inbound-session', offer.itemId, 0);
    expect(derivedId).toBe(session.id);
    const startCommandId = `offer:${offer.offerId}`;
    const before = await streamOf(session.id);
    const secrets = [session.number, 'Ingrid', 'secret-page', asked.body.customerId, agent];
    for (const stranger of [await tokenOf(user('outsider'), ['csr']), asked.body.token as string]) {
      for (const type of ALL_TYPES) {
        const res = await command(stranger, derivedId, type, {
          ...bodyFor(type, { customer: asked.body.customerId, helper: agent, shareId: randomUUID(), transferId: randomUUID() }),
          commandId: startCommandId,
        });
        if (stranger === asked.body.token) continue; // the customer is in this session: their commands are their own
        expect({ type, status: res.status, code: res.body.code }).toEqual({ type, status: 404, code: 'SESSION_NOT_FOUND' });
        expectNothingOf(res.body, secrets);
      }
    }
    const outsider = await tokenOf(user('outsider'), ['csr']);
    const note = await command(outsider, derivedId, 'SaveNote', { text: 'gotcha', commandId: startCommandId });
    expect(note.status).toBe(404);
    expectNothingOf(note.body, secrets);
    // The customer's replays ran as their own commands; the outsider's wrote nothing.
    const writers = await db.query(`SELECT DISTINCT metadata->>'userId' AS u FROM es_events WHERE stream_id = $1 AND stream_version > $2`, [`session-${session.id}`, before.v]);
    expect(writers.rows.map((r: { u: string }) => r.u).filter((u: string) => u.startsWith('outsider'))).toEqual([]);
  });

  it("a customer reusing the CSR's chat or note command id stores their own command (no silent no-op)", async () => {
    const [csr, customer] = [user('csr'), user('cust')];
    const [csrToken, customerToken] = await Promise.all([tokenOf(csr, ['csr']), tokenOf(customer, ['customer'])]);
    const s = (await post(csrToken, '/api/v1/sessions', {}).expect(201)).body;
    await post(customerToken, '/api/v1/sessions/join', { number: s.number, as: 'customer' }).expect(200);
    await command(csrToken, s.id, 'SendChatMessage', { text: 'from the csr', commandId: 'shared-id' }).expect(200);
    const before = await streamOf(s.id);
    await command(customerToken, s.id, 'SendChatMessage', { text: 'from the customer', commandId: 'shared-id' }).expect(200);
    const after = await streamOf(s.id);
    expect(after.n).toBe(before.n + 1);
    const texts = await db.query(
      `SELECT data->>'text' AS text, metadata->>'userId' AS u FROM es_events WHERE stream_id = $1 AND type = 'ChatMessageSent' ORDER BY stream_version`,
      [`session-${s.id}`],
    );
    expect(texts.rows).toEqual([
      { text: 'from the csr', u: csr },
      { text: 'from the customer', u: customer },
    ]);
    // The customer's own repeat is a duplicate: nothing new, the same answer.
    await command(customerToken, s.id, 'SendChatMessage', { text: 'from the customer', commandId: 'shared-id' }).expect(200);
    expect(await streamOf(s.id)).toEqual(after);
  });

  it('a repeat is answered only after the same authorisation: a sender whose token lost the role is refused', async () => {
    const csr = user('csr');
    const s = (await post(await tokenOf(csr, ['csr']), '/api/v1/sessions', { commandId: 'start-1' }).expect(201)).body;
    const asCustomer = await post(await tokenOf(csr, ['customer']), '/api/v1/sessions', { commandId: 'start-1' });
    expect(asCustomer.status).toBe(403);
    expectNothingOf(asCustomer.body, [s.number]);
  });
});
