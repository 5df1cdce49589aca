import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import WebSocket from 'ws';
import type { Role } from '../../src/application/identity/principal.js';
import { EVENT_STORE, type EventStore } from '../../src/application/event-store/event-store.port.js';
import { InvitationsService } from '../../src/application/invitations/invitations.service.js';
import { MailCatcher } from '../../src/infrastructure/mail/mail-catcher.js';
import { type Gql, sleep, until } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// ---------------------------------------------------------------- helpers

let seq = 0;
// Single-session mode (SES-3) lets a CSR run one session at a time: every test uses CSRs of its own.
const user = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++seq}`;
const address = (name: string) => `${name}.${Date.now().toString(36)}${++seq}@example.com`;

function api(app: () => TestApp) {
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const tokenOf = (id: string, roles: Role[]) => app().token(id, roles);
  async function gql(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
    const res = await request(app().url).post('/graphql').set(auth(token)).send({ query, variables });
    return res.body as Gql;
  }
  async function ok(token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const body = await gql(token, query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return Object.values(body.data!)[0];
  }
  const SESSION = 'id number joinLink';
  return {
    auth,
    tokenOf,
    gql,
    ok,
    /** SES-4: start with invitees at once. */
    start: (token: string, invitations: Record<string, unknown>[] = []) =>
      ok(token, `mutation($i: [InvitationInput!]) { startSession(invitations: $i) { ${SESSION} } }`, { i: invitations }),
    invite: (token: string, id: string, invitations: Record<string, unknown>[]) =>
      ok(token, `mutation($id: ID!, $i: [InvitationInput!]!) { inviteParticipants(id: $id, invitations: $i) { ${SESSION} } }`, { id, i: invitations }),
    message: (token: string, sessionId: string, invitationId: string) =>
      request(app().url).get(`/api/v1/sessions/${sessionId}/invitations/${invitationId}/message`).set(auth(token)),
    inbox: async (adminToken: string): Promise<{ id: string; to: string[]; subject: string; date: string }[]> =>
      (await request(app().url).get('/dev/mail').set(auth(adminToken)).expect(200)).body,
    mail: async (adminToken: string, id: string) => (await request(app().url).get(`/dev/mail/${id}`).set(auth(adminToken)).expect(200)).body,
  };
}

/** `mailto:` back to its parts (RFC 6068). */
function parseMailto(link: string) {
  expect(link.startsWith('mailto:')).toBe(true);
  const [to, query = ''] = link.slice('mailto:'.length).split('?');
  const fields = Object.fromEntries(query.split('&').map((pair) => pair.split('=').map((part) => decodeURIComponent(part!)) as [string, string]));
  return { to: decodeURIComponent(to!), subject: fields.subject, body: fields.body };
}

const formatted = (number: string) => `${number.slice(0, 3)} ${number.slice(3, 6)} ${number.slice(6)}`;

// ---------------------------------------------------------------- the app with its embedded mail catcher

describe('invitations (embedded mail catcher)', () => {
  let t: TestApp;
  let smtpUrlBefore: string | undefined;
  const a = api(() => t);
  let admin: string;

  beforeAll(async () => {
    smtpUrlBefore = process.env.SMTP_URL;
    delete process.env.SMTP_URL;
    t = await startTestApp();
    admin = await a.tokenOf('admin-1', ['admin']);
  });
  afterAll(async () => {
    await t.close();
    if (smtpUrlBefore !== undefined) process.env.SMTP_URL = smtpUrlBefore;
  });

  const mailTo = (to: string) => until(`mail to ${to}`, async () => (await a.inbox(admin)).find((m) => m.to.includes(to)), 15_000, 50);

  it('SES-4 / INV-1 a session started with an email invitee sends the mail, with the join link, number and site', async () => {
    const csr = await a.tokenOf(user('csr'), ['csr']);
    const to = address('ann');
    const invitationId = randomUUID();
    const s = await a.start(csr, [{ invitationId, invitee: 'customer', channel: 'email', address: to, delivery: 'system' }]);

    const listed = await mailTo(to);
    expect(listed.subject).toContain(formatted(s.number));
    const mail = await a.mail(admin, listed.id);
    expect(mail.to).toEqual([to]);
    expect(mail.text).toContain(s.joinLink); // INV-3
    expect(mail.text).toContain(formatted(s.number));
    expect(mail.text).toContain(t.config.publicBaseUrl);
    // The mailed link carries the single-use invitation token in its fragment (never sent to the server).
    expect(mail.html).toContain(`href="${s.joinLink}#invitation=`);
    expect(mail.raw).toMatch(/^Subject: /m);

    // The message query tells the console what went out; nothing to compose by hand.
    const message = (await a.message(csr, s.id, invitationId).expect(200)).body;
    expect(message).toMatchObject({ channel: 'email', delivery: 'system', subject: listed.subject, joinLink: s.joinLink, mailto: null });
  });

  it('INV-1 another CSR is invited by email (inviteParticipants) and the mail arrives', async () => {
    const csr = await a.tokenOf(user('csr'), ['csr']);
    const s = await a.start(csr);
    const to = address('helper');
    await a.invite(csr, s.id, [{ invitee: 'csr', channel: 'email', address: to }]);
    const mail = await a.mail(admin, (await mailTo(to)).id);
    expect(mail.text).toContain(s.joinLink);
    expect(mail.text).toContain(formatted(s.number));
  });

  it('INV-1 the mail is sent once, even when its reaction and its job run again', async () => {
    const csr = await a.tokenOf(user('csr'), ['csr']);
    const to = address('once');
    const s = await a.start(csr, [{ invitee: 'customer', channel: 'email', address: to }]);
    await mailTo(to);

    const store = t.app.get<EventStore>(EVENT_STORE);
    const invitations = t.app.get(InvitationsService);
    const event = (await store.readStream(`session-${s.id}`)).find((e) => e.type === 'InvitationSent')!;
    await invitations.react(event); // the reaction replayed: same job id, no second job
    const data = { eventId: event.id, invitation: { ...(event.data as object), sessionId: s.id, composed: null } };
    await invitations.sendEmail(data, { attempt: 1, attempts: 5 }); // the job run again: the sent marker stops it
    await sleep(1000);
    expect((await a.inbox(admin)).filter((m) => m.to.includes(to))).toHaveLength(1);
  });

  it('INV-2 composed in the own mail program: subject, body, link and a mailto: that decodes back to them; nothing is sent', async () => {
    const csr = await a.tokenOf(user('csr'), ['csr']);
    const own = address('own');
    const sent = address('sent');
    const invitationId = randomUUID();
    const s = await a.start(csr, [
      { invitationId, invitee: 'customer', channel: 'email', address: own, delivery: 'own_mail_program' },
      { invitee: 'customer', channel: 'email', address: sent, delivery: 'system' },
    ]);

    const message = (await a.message(csr, s.id, invitationId).expect(200)).body;
    expect(message).toMatchObject({ channel: 'email', delivery: 'own_mail_program', address: own, joinLink: s.joinLink });
    expect(message.subject).toContain(formatted(s.number));
    expect(message.body).toContain(s.joinLink);
    const parts = parseMailto(message.mailto);
    expect(parts.to).toBe(own);
    expect(parts.subject).toBe(message.subject);
    expect(parts.body.replace(/\r\n/g, '\n')).toBe(message.body);
    expect(message.mailto).not.toMatch(/[ \n]/); // percent-encoded
    expect(message.mailto).toContain('%0D%0A'); // RFC 6068: line breaks as CRLF

    // The same through GraphQL.
    const viaGraphql = await a.ok(csr, 'query($s: ID!, $i: ID!) { invitationMessage(sessionId: $s, invitationId: $i) { channel delivery subject body joinLink mailto } }', {
      s: s.id,
      i: invitationId,
    });
    expect(viaGraphql).toEqual({ channel: 'email', delivery: 'own_mail_program', subject: message.subject, body: message.body, joinLink: s.joinLink, mailto: message.mailto });

    // The system-sent one of the same start arrives; the composed one never does.
    await mailTo(sent);
    await sleep(500);
    expect((await a.inbox(admin)).filter((m) => m.to.includes(own))).toEqual([]);
  });

  it('INV-1 / INV-3 instant message: the join link', async () => {
    const csr = await a.tokenOf(user('csr'), ['csr']);
    const invitationId = randomUUID();
    const s = await a.start(csr);
    await a.invite(csr, s.id, [{ invitationId, invitee: 'customer', channel: 'instant_message', address: 'ann@chat' }]);
    const message = (await a.message(csr, s.id, invitationId).expect(200)).body;
    expect(message).toMatchObject({ channel: 'instant_message', joinLink: s.joinLink, address: 'ann@chat' });
    expect(message.text).toContain(s.joinLink);
  });

  it('INV-1 / INV-3 phone: the number to read aloud and the site address', async () => {
    const csr = await a.tokenOf(user('csr'), ['csr']);
    const invitationId = randomUUID();
    const s = await a.start(csr);
    await a.invite(csr, s.id, [{ invitationId, invitee: 'customer', channel: 'phone', address: '+1 555 0100' }]);
    const message = (await a.message(csr, s.id, invitationId).expect(200)).body;
    expect(message).toMatchObject({ channel: 'phone', sessionNumber: formatted(s.number), siteUrl: t.config.publicBaseUrl, joinLink: s.joinLink });
    expect(message.sessionNumberSpoken).toBe(
      formatted(s.number)
        .split(' ')
        .map((g) => g.split('').join(' '))
        .join(', '),
    );
    expect(message.script).toContain(t.config.publicBaseUrl);
    expect(message.script).toContain(formatted(s.number));
  });

  it("INV-2 only the session's CSRs read an invitation's message: a customer (of this or another session) and another CSR get 404", async () => {
    const csr = await a.tokenOf(user('csr'), ['csr']);
    const invitationId = randomUUID();
    const s = await a.start(csr, [{ invitationId, invitee: 'customer', channel: 'email', address: address('x'), delivery: 'own_mail_program' }]);
    await a.message(csr, s.id, invitationId).expect(200);

    const otherCsr = await a.tokenOf(user('csr'), ['csr']);
    const other = await a.start(otherCsr);
    const customerElsewhere = await a.tokenOf(user('cust'), ['customer']);
    await request(t.url).post('/api/v1/sessions/join').set(a.auth(customerElsewhere)).send({ number: other.number, as: 'customer' }).expect(200);
    const customerHere = await a.tokenOf(user('cust'), ['customer']);
    await request(t.url).post('/api/v1/sessions/join').set(a.auth(customerHere)).send({ number: s.number, as: 'customer' }).expect(200);

    for (const token of [customerElsewhere, customerHere, otherCsr]) {
      const res = await a.message(token, s.id, invitationId).expect(404);
      expect(JSON.stringify(res.body)).not.toContain('mailto');
    }
    const viaGraphql = await a.gql(customerElsewhere, 'query($s: ID!, $i: ID!) { invitationMessage(sessionId: $s, invitationId: $i) { mailto } }', { s: s.id, i: invitationId });
    expect(viaGraphql.errors?.[0]?.extensions.status).toBe(404);
    expect(viaGraphql.data?.invitationMessage ?? null).toBeNull();
    // An unknown invitation of one's own session is a 404 too.
    await a.message(csr, s.id, randomUUID()).expect(404);
  });

  it("INV-1..3 a session's invitations, in the API: oldest first, when the mail left and when its link was redeemed; the session's CSRs and supervisors see them, its customers and other CSRs do not", async () => {
    const csr = await a.tokenOf(user('csr'), ['csr']);
    const to = address('listed');
    const mailed = randomUUID();
    const phoned = randomUUID();
    const s = await a.start(csr, [{ invitationId: mailed, invitee: 'customer', channel: 'email', address: to, delivery: 'system' }]);
    await a.invite(csr, s.id, [{ invitationId: phoned, invitee: 'customer', channel: 'phone', address: '+45 12 34 56 78' }]);
    const FIELDS = 'invitationId invitee channel delivery address joinLink sentBy sentAt mailedAt redeemedAt';
    const listed = () => a.ok(csr, `query($id: ID!) { session(id: $id) { invitations { ${FIELDS} } } }`, { id: s.id }).then((x) => x.invitations as Record<string, unknown>[]);

    // The mail leaves, then its link is exchanged once for a customer credential (INV-3).
    const link = /#invitation=([\w.-]+)/.exec((await a.mail(admin, (await mailTo(to)).id)).text)![1]!;
    await until('the mail marked as sent', async () => (await listed()).find((i) => i.invitationId === mailed)?.mailedAt, 15_000, 50);
    await request(t.url).post('/api/v1/join/invitation').send({ invitationToken: link, displayName: 'Listed' }).expect(200);

    // The read model has the redemption once it has projected the join (the join answered from its command).
    const [email, phone] = await until(
      'the redemption in the read model',
      async () => {
        const l = await listed();
        return l.find((i) => i.invitationId === mailed)?.redeemedAt ? l : undefined;
      },
      15_000,
      50,
    );
    expect(email).toMatchObject({ invitationId: mailed, invitee: 'customer', channel: 'email', delivery: 'system', address: to, joinLink: s.joinLink, sentBy: expect.any(String) });
    expect(Date.parse(email!.mailedAt as string)).toBeGreaterThanOrEqual(Date.parse(email!.sentAt as string));
    expect(Date.parse(email!.redeemedAt as string)).toBeGreaterThanOrEqual(Date.parse(email!.mailedAt as string));
    expect(phone).toMatchObject({ invitationId: phoned, channel: 'phone', delivery: null, address: '+45 12 34 56 78', mailedAt: null, redeemedAt: null });
    expect(Date.parse(phone!.sentAt as string)).toBeGreaterThanOrEqual(Date.parse(email!.sentAt as string));

    // REST says the same; a supervisor sees them too.
    const rest = (await request(t.url).get(`/api/v1/sessions/${s.id}/invitations`).set(a.auth(csr)).expect(200)).body;
    expect(rest.map((i: { invitationId: string }) => i.invitationId)).toEqual([mailed, phoned]);
    const supervisor = await a.tokenOf(user('sup'), ['supervisor']);
    expect((await request(t.url).get(`/api/v1/sessions/${s.id}/invitations`).set(a.auth(supervisor)).expect(200)).body).toHaveLength(2);

    // A customer of the session: 403 over REST, null in GraphQL (the rest of the session still answers).
    const customer = await a.tokenOf(user('cust'), ['customer']);
    await request(t.url).post('/api/v1/sessions/join').set(a.auth(customer)).send({ number: s.number, as: 'customer' }).expect(200);
    const refused = await request(t.url).get(`/api/v1/sessions/${s.id}/invitations`).set(a.auth(customer)).expect(403);
    expect(refused.body.code).toBe('INVITATIONS_CSR_ONLY');
    expect(await a.ok(customer, `query($id: ID!) { session(id: $id) { number invitations { address } } }`, { id: s.id })).toEqual({ number: s.number, invitations: null });
    // A CSR outside the session cannot tell it exists.
    await request(t.url)
      .get(`/api/v1/sessions/${s.id}/invitations`)
      .set(a.auth(await a.tokenOf(user('csr'), ['csr'])))
      .expect(404);
  });

  it('INV-1 the caught mail is for admins only', async () => {
    await request(t.url).get('/dev/mail').expect(401);
    await request(t.url)
      .get('/dev/mail')
      .set(a.auth(await a.tokenOf(user('csr'), ['csr'])))
      .expect(403);
    await request(t.url).get('/dev/mail/no-such-mail').set(a.auth(admin)).expect(404);
  });
});

// ---------------------------------------------------------------- a configured SMTP server (SMTP_URL)

describe('invitations (SMTP_URL)', () => {
  it('INV-1 with SMTP_URL the mail goes to that server; a refused delivery is retried until the server is up', async () => {
    const port = await freePort();
    const before = process.env.SMTP_URL;
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
    let t: TestApp | undefined;
    // The "real" mail server, on a port where nothing listens yet.
    const server = new MailCatcher(mkdtempSync(join(tmpdir(), 'tandem-smtp-')), port);
    try {
      t = await startTestApp();
      const a = api(() => t!);
      const admin = await a.tokenOf('admin-1', ['admin']);
      // No catcher in the app: its inbox is off.
      await request(t.url).get('/dev/mail').set(a.auth(admin)).expect(404);

      const csr = await a.tokenOf(user('csr'), ['csr']);
      const to = address('retry');
      const s = await a.start(csr, [{ invitee: 'customer', channel: 'email', address: to }]);
      await sleep(1500); // the first attempt(s) meet a closed port
      expect(await server.list()).toEqual([]);
      await server.start();

      const listed = await until('the retried mail', async () => (await server.list()).find((m) => m.to.includes(to)), 30_000, 100);
      const mail = (await server.get(listed.id))!;
      expect(mail.text).toContain(s.joinLink);
      expect(mail.text).toContain(formatted(s.number));
      await sleep(500);
      expect((await server.list()).filter((m) => m.to.includes(to))).toHaveLength(1);
    } finally {
      await t?.close();
      await server.close();
      if (before === undefined) delete process.env.SMTP_URL;
      else process.env.SMTP_URL = before;
    }
  });
});

// ---------------------------------------------------------------- a delivery that finally fails

describe('invitations (a mail server that refuses the address)', () => {
  it('INV-1 a refused invitation (550) is recorded as InvitationUndelivered: the CSR sees it in the session, its subscription and the history; the customer does not', async () => {
    const port = await freePort();
    const before = process.env.SMTP_URL;
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
    const delivered: string[] = [];
    // The real mail server of this test: it knows only addresses beginning with "known".
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('known')) return callback();
        callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          delivered.push(...session.envelope.rcptTo.map((r) => r.address));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    let t: TestApp | undefined;
    const clients: ReturnType<typeof createClient>[] = [];
    try {
      t = await startTestApp();
      const a = api(() => t!);
      const csr = await a.tokenOf(user('csr'), ['csr']);
      const known = address('known');
      const nobody = address('nobody');
      const s = await a.start(csr, [{ invitee: 'customer', channel: 'email', address: known }]);

      // The CSR's console listens to the session before the refused invitation goes out.
      const client = createClient({
        url: `${t.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${csr}` },
        retryAttempts: 0,
      });
      clients.push(client);
      const updates = client.iterate<{ sessionChanged: { undeliveredInvitations: { address: string; reason: string }[] } }>({
        query: 'subscription($id: ID!) { sessionChanged(id: $id) { undeliveredInvitations { invitationId address reason at } } }',
        variables: { id: s.id },
      });
      const seen = (async () => {
        for await (const update of updates) {
          const list = update.data?.sessionChanged.undeliveredInvitations ?? [];
          if (list.length > 0) return list;
        }
        return [];
      })();
      await until('the known address is mailed', async () => delivered.includes(known), 30_000, 100);
      const invited = await a.invite(csr, s.id, [{ invitee: 'customer', channel: 'email', address: nobody }]);
      expect(invited.id).toBe(s.id);

      const pushed = await seen;
      expect(pushed).toEqual([expect.objectContaining({ address: nobody, reason: expect.stringContaining('550') })]);

      const view = await a.ok(csr, 'query($id: ID!) { session(id: $id) { undeliveredInvitations { address reason } } }', { id: s.id });
      expect(view.undeliveredInvitations).toEqual([{ address: nobody, reason: expect.stringContaining('No such mailbox') }]);
      const history = await a.ok(csr, 'query($id: ID!) { sessionHistory(id: $id, limit: 100) { items { type dataJson } } }', { id: s.id });
      const undelivered = history.items.filter((e: { type: string }) => e.type === 'InvitationUndelivered');
      expect(undelivered).toHaveLength(1);
      expect(JSON.parse(undelivered[0].dataJson)).toMatchObject({ address: nobody, by: 'system' });
      expect(delivered).not.toContain(nobody);

      // A customer of the session sees no one's address.
      const customer = await a.tokenOf(user('cust'), ['customer']);
      const joined = await a.ok(customer, 'mutation($n: String!) { joinSession(number: $n, as: customer) { id consistencyToken } }', { n: s.number });
      const theirs = await a.ok(customer, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { undeliveredInvitations { address } } }', {
        id: s.id,
        after: joined.consistencyToken,
      });
      expect(theirs.undeliveredInvitations).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await t?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (before === undefined) delete process.env.SMTP_URL;
      else process.env.SMTP_URL = before;
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
