import request from 'supertest';
import { graphqlClient, until } from '../support/graphql.js';
import { listenApp, startTestApp, testConfig, type TestApp } from '../support/test-app.js';

/**
 * Customers without an account (INV-3, INV-4): a display name and the number, or an emailed
 * invitation's single-use token, buy a credential scoped to that one session and customer.
 */
let t: TestApp;
const { gql, ok } = graphqlClient(() => t.url);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(async () => t?.close(), 60_000);

let n = 0;
async function session(invitations: Record<string, unknown>[] = []) {
  const csr = await t.token(`csr-join-${++n}`, ['csr'], {}, `Rep ${n}`);
  const s = await ok(csr, `mutation($inv: [InvitationInput!]) { startSession(invitations: $inv) { id number } }`, { inv: invitations });
  return { csr, id: s.id as string, number: s.number as string };
}

const join = (body: Record<string, unknown>) => request(t.url).post('/api/v1/join').send(body);
const redeem = (body: Record<string, unknown>) => request(t.url).post('/api/v1/join/invitation').send(body);

describe('customer join credential', () => {
  it('INV-4 a customer with no account joins by number and a display name; the credential acts in that session only', async () => {
    const s = await session();
    const other = await session();
    const res = await join({ number: s.number.replace(/(\d{3})(?=\d)/g, '$1 '), displayName: '  Dana  ' }).expect(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      sessionId: s.id,
      customerId: expect.stringMatching(/^customer-/),
      consistencyToken: expect.any(String),
    });
    const ttl = new Date(res.body.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(600_000 + 1000);

    const seen = await ok(res.body.token, `query($id: ID!, $after: String) { session(id: $id, after: $after) { id participants { userId place displayName } } }`, {
      id: s.id,
      after: res.body.consistencyToken,
    });
    expect(seen.participants).toContainEqual({ userId: res.body.customerId, place: 'customer', displayName: 'Dana' });
    // Scoped: another live session is invisible, and cannot be joined with this credential.
    expect((await gql(res.body.token, `query($id: ID!) { session(id: $id) { id } }`, { id: other.id })).errors?.[0]?.extensions.code).toBe('SESSION_NOT_FOUND');
    expect((await gql(res.body.token, `mutation($n: String!) { joinSession(number: $n, as: customer) { id } }`, { n: other.number })).errors?.[0]?.extensions.code).toBe(
      'SESSION_NOT_FOUND',
    );
  });

  it('INV-6 an unknown, malformed or ended number all get the same 404, naming no session', async () => {
    const s = await session();
    await ok(s.csr, `mutation($id: ID!) { endSession(id: $id) { id } }`, { id: s.id });
    const answers = await Promise.all([join({ number: '000000001', displayName: 'X' }), join({ number: '12', displayName: 'X' }), join({ number: s.number, displayName: 'X' })]);
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    }
    expect(new Set(answers.map((r) => r.body.detail ?? r.body.message)).size).toBe(1);
  });

  it('INV-4 a display name is required: 4xx naming the field', async () => {
    const s = await session();
    const res = await join({ number: s.number, displayName: '   ' });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('displayName');
  });

  it('INV-3 the emailed link carries a single-use invitation token in its fragment; it is exchanged once and is no bearer token', async () => {
    const address = `join-${Date.now()}@example.org`;
    const s = await session([{ invitee: 'customer', channel: 'email', address }]);
    const admin = await t.token('admin-join', ['admin']);
    const listed = await until(
      'the invitation mail',
      async () => ((await request(t.url).get('/dev/mail').set(bearer(admin)).expect(200)).body as { id: string; to: string[] }[]).find((m) => m.to.includes(address)),
      30_000,
      100,
    );
    const mail = (await request(t.url).get(`/dev/mail/${listed.id}`).set(bearer(admin)).expect(200)).body as { text: string; html: string };
    const link = /(http\S+\/join\/\d+#invitation=[\w.-]+)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    const url = new URL(link!);
    expect(url.pathname).toBe(`/join/${s.number}`);
    expect(url.search).toBe(''); // nothing a server or its logs would see
    const invitationToken = new URLSearchParams(url.hash.slice(1)).get('invitation')!;

    // The invitation token grants nothing as a bearer token.
    await request(t.url).get('/api/v1/me').set(bearer(invitationToken)).expect(401);

    const first = await redeem({ invitationToken, displayName: 'Eve' }).expect(200);
    expect(first.body).toMatchObject({ sessionId: s.id, customerId: expect.stringMatching(/^customer-/) });
    // The answer's consistency token makes the read show the join (read-your-writes).
    const seen = await ok(first.body.token, `query($id: ID!, $after: String) { session(id: $id, after: $after) { participants { userId displayName } } }`, {
      id: s.id,
      after: first.body.consistencyToken,
    });
    expect(seen.participants).toContainEqual({ userId: first.body.customerId, displayName: 'Eve' });

    const again = await redeem({ invitationToken, displayName: 'Mallory' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'INVITATION_USED' });
    const forged = await redeem({ invitationToken: `${invitationToken.slice(0, -4)}AAAA`, displayName: 'Mallory' });
    expect(forged.status).toBe(422);
    expect(forged.body).toMatchObject({ code: 'INVITATION_INVALID' });
  }, 60_000);

  it('INV-3 two customers racing to exchange the same invitation: exactly one joins', async () => {
    const address = `race-${Date.now()}@example.org`;
    const s = await session([{ invitee: 'customer', channel: 'email', address }]);
    const admin = await t.token('admin-join', ['admin']);
    const listed = await until(
      'the invitation mail',
      async () => ((await request(t.url).get('/dev/mail').set(bearer(admin)).expect(200)).body as { id: string; to: string[] }[]).find((m) => m.to.includes(address)),
      30_000,
      100,
    );
    const mail = (await request(t.url).get(`/dev/mail/${listed.id}`).set(bearer(admin)).expect(200)).body as { text: string };
    const invitationToken = /#invitation=([\w.-]+)/.exec(mail.text)![1]!;
    const answers = await Promise.all(['A', 'B', 'C'].map((name) => redeem({ invitationToken, displayName: name })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const after = answers.find((r) => r.status === 200)!.body.consistencyToken;
    const view = await ok(s.csr, `query($id: ID!, $after: String) { session(id: $id, after: $after) { participants { place } } }`, { id: s.id, after });
    expect(view.participants.filter((p: { place: string }) => p.place === 'customer')).toHaveLength(1);
  }, 60_000);

  it('INV-4 the credential is refreshed while the customer takes part, and not after they leave', async () => {
    const s = await session();
    const joined = (await join({ number: s.number, displayName: 'Finn' }).expect(200)).body;
    const refreshed = (await request(t.url).post('/api/v1/join/refresh').set(bearer(joined.token)).expect(200)).body;
    expect(refreshed).toMatchObject({ sessionId: s.id, customerId: joined.customerId });
    await ok(refreshed.token, `mutation($id: ID!) { leaveSession(id: $id) { id } }`, { id: s.id });
    const refused = await request(t.url).post('/api/v1/join/refresh').set(bearer(refreshed.token));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'CREDENTIAL_NOT_REFRESHABLE' });
    // A CSR's token is no customer credential.
    await request(t.url).post('/api/v1/join/refresh').set(bearer(s.csr)).expect(403);
  });

  it("INV-4 joins spend the address's number-lookup budget: 429 with Retry-After", async () => {
    const limited = await listenApp(testConfig({ NUMBER_LOOKUP_RATE_PER_MINUTE: '3' }), t.db.url);
    try {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await request(limited.url).post('/api/v1/join').send({ number: '000000002', displayName: 'Walker' });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers['retry-after'];
      }
      // The budget is kept in the database across nodes: earlier tests spent some of it already.
      expect(statuses.slice(3)).toEqual([429, 429]);
      expect(statuses.every((s) => s === 404 || s === 429)).toBe(true);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.app.close();
    }
  }, 60_000);
});
