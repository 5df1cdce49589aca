import pg from 'pg';
import request from 'supertest';
import type { Role } from '../../src/application/identity/principal.js';
import { graphqlClient } from '../support/graphql.js';
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

const SESSION = `id number status mode controllerId activeCustomerId joinLink version consistencyToken
  participants { userId place displayName }
  activities { chatOpen shares { shareId kind mode customerId status } recording { recordingId automatic } }`;

// Single-session mode (SES-3) lets a CSR run one session at a time: every test uses CSRs of its own.
let seq = 0;
const user = (prefix: string) => `${prefix}-${++seq}`;
const tokenOf = (id: string, roles: Role[]) => t.token(id, roles);

const { gql, ok } = graphqlClient(() => t.url);

const start = (token: string) => ok(token, `mutation { startSession { ${SESSION} } }`);
const join = (token: string, number: string, as: 'customer' | 'helper', displayName?: string) =>
  ok(token, `mutation($n: String!, $as: JoinPlace!, $d: String) { joinSession(number: $n, as: $as, displayName: $d) { ${SESSION} } }`, { n: number, as, d: displayName });
const transfer = (token: string, id: string, toUserId: string) =>
  gql(token, `mutation($id: ID!, $to: String!) { transferControl(id: $id, toUserId: $to) { ${SESSION} } }`, { id, to: toUserId });

/** Read-your-writes: returns once the read model shows the mutation whose consistency token this is. */
const readModelAt = (token: string, id: string, after: string) => ok(token, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { id } }', { id, after });

/** A session with its controller and, when asked, one helper in it. */
async function sessionWithHelper() {
  const csr = user('csr');
  const helper = user('helper');
  const csrToken = await tokenOf(csr, ['csr']);
  const helperToken = await tokenOf(helper, ['csr']);
  const s = await start(csrToken);
  const joined = await join(helperToken, s.number, 'helper');
  return { csr, csrToken, helper, helperToken, s, joined };
}

describe('sessions over GraphQL', () => {
  it('MC-1 / SES-3 the participants and per-CSR live load read models follow the session', async () => {
    const { csr, csrToken, helper, s } = await sessionWithHelper();
    const customer = user('cust');
    const joined = await join(await tokenOf(customer, ['customer']), s.number, 'customer', 'Cleo');
    await readModelAt(csrToken, s.id, joined.consistencyToken);
    const participants = await db.query('SELECT user_id, place, display_name FROM session_participants WHERE session_id = $1 ORDER BY place, user_id', [s.id]);
    expect(participants.rows).toEqual([
      { user_id: csr, place: 'controller', display_name: null },
      { user_id: customer, place: 'customer', display_name: 'Cleo' },
      { user_id: helper, place: 'helper', display_name: null },
    ]);
    const load = await db.query('SELECT csr_id, live_sessions, live_customers FROM csr_live_load WHERE csr_id = $1', [csr]);
    expect(load.rows).toEqual([{ csr_id: csr, live_sessions: 1, live_customers: 1 }]);
    const ended = await ok(csrToken, 'mutation($id: ID!) { endSession(id: $id) { status consistencyToken } }', { id: s.id });
    await readModelAt(csrToken, s.id, ended.consistencyToken);
    expect((await db.query('SELECT 1 FROM csr_live_load WHERE csr_id = $1', [csr])).rowCount).toBe(0);
    expect((await db.query('SELECT 1 FROM session_participants WHERE session_id = $1', [s.id])).rowCount).toBe(0);
  });

  it('TL-4 an advanced file transfer waits for the customer, who approves it; moving control ends it (CTL-4)', async () => {
    const { csrToken, helper, s } = await sessionWithHelper();
    const customer = user('cust');
    const customerToken = await tokenOf(customer, ['customer']);
    await join(customerToken, s.number, 'customer');
    const FT = 'activities { fileTransfers { transferId customerId status } }';
    const requested = await ok(csrToken, `mutation($id: ID!) { requestFileTransfer(id: $id) { ${FT} } }`, { id: s.id });
    const [pending] = requested.activities.fileTransfers;
    expect(pending).toMatchObject({ customerId: customer, status: 'requested' });
    const refused = await gql(csrToken, `mutation($id: ID!, $t: String!) { approveFileTransfer(id: $id, transferId: $t) { id } }`, { id: s.id, t: pending.transferId });
    expect(refused.errors?.[0]?.extensions.code).toBe('NOT_REQUEST_TARGET');
    const approved = await ok(customerToken, `mutation($id: ID!, $t: String!) { approveFileTransfer(id: $id, transferId: $t) { ${FT} } }`, { id: s.id, t: pending.transferId });
    expect(approved.activities.fileTransfers).toEqual([{ ...pending, status: 'approved' }]);
    const moved = await ok(csrToken, `mutation($id: ID!, $to: String!) { transferControl(id: $id, toUserId: $to) { controllerId ${FT} } }`, { id: s.id, to: helper });
    expect(moved).toEqual({ controllerId: helper, activities: { fileTransfers: [] } });
  });

  it('SES-1 a CSR starts a session and holds control; it gets a 9-digit number', async () => {
    const csr = user('csr');
    const s = await start(await tokenOf(csr, ['csr']));
    expect(s).toMatchObject({ status: 'active', controllerId: csr, participants: [{ userId: csr, place: 'controller' }] });
    expect(s.number).toMatch(/^\d{9}$/);
    expect(s.joinLink).toContain(s.number);
    // Read-your-writes: a query given the start's consistency token sees it.
    const again = await ok(await tokenOf(csr, ['csr']), `query($id: ID!, $after: String) { session(id: $id, after: $after) { id controllerId } }`, {
      id: s.id,
      after: s.consistencyToken,
    });
    expect(again).toEqual({ id: s.id, controllerId: csr });
  });

  it('MC-1 / INV-4 two customers join by number in single-session mode', async () => {
    const csrToken = await tokenOf(user('csr'), ['csr']);
    const s = await start(csrToken);
    expect(s.mode).toBe('single');
    const [c1, c2] = [user('cust'), user('cust')];
    await join(await tokenOf(c1, ['customer']), s.number, 'customer', 'Ann');
    // INV-4: the number may be typed with spaces
    const after = await join(await tokenOf(c2, ['customer']), `${s.number.slice(0, 3)} ${s.number.slice(3, 6)} ${s.number.slice(6)}`, 'customer', 'Ben');
    expect(after.participants.filter((p: { place: string }) => p.place === 'customer')).toEqual([
      { userId: c1, place: 'customer', displayName: 'Ann' },
      { userId: c2, place: 'customer', displayName: 'Ben' },
    ]);
    expect(after.activeCustomerId).toBe(c1);
    const selected = await ok(csrToken, `mutation($id: ID!, $c: String!) { selectActiveCustomer(id: $id, customerId: $c) { activeCustomerId } }`, { id: s.id, c: c2 });
    expect(selected.activeCustomerId).toBe(c2);
  });

  it('AST-1 a helper joins by number', async () => {
    const { s, helper, helperToken, joined } = await sessionWithHelper();
    const seen = await ok(helperToken, `query($n: String!, $after: String) { sessionByNumber(number: $n, after: $after) { ${SESSION} } }`, {
      n: s.number,
      after: joined.consistencyToken,
    });
    expect(seen.participants).toContainEqual({ userId: helper, place: 'helper', displayName: null });
    expect(seen.controllerId).not.toBe(helper);
  });

  it('CTL-3 control goes to the helper and comes back', async () => {
    const { s, csr, csrToken, helper, helperToken } = await sessionWithHelper();
    const there = await transfer(csrToken, s.id, helper);
    expect(there.data!.transferControl.controllerId).toBe(helper);
    expect(there.data!.transferControl.participants).toContainEqual({ userId: csr, place: 'observer', displayName: null });
    const back = await transfer(helperToken, s.id, csr);
    expect(back.data!.transferControl.controllerId).toBe(csr);
    expect(back.data!.transferControl.participants).toContainEqual({ userId: helper, place: 'observer', displayName: null });
  });

  it('CTL-6 the giver cannot end the session while the helper holds control', async () => {
    const { s, csrToken, helper } = await sessionWithHelper();
    await transfer(csrToken, s.id, helper);
    const res = await gql(csrToken, `mutation($id: ID!) { endSession(id: $id) { status } }`, { id: s.id });
    expect(res.errors?.[0].extensions.code).toBe('NOT_CONTROLLER');
    const left = await gql(csrToken, `mutation($id: ID!) { leaveSession(id: $id) { status } }`, { id: s.id });
    expect(left.errors).toBeUndefined(); // an observer may leave
  });

  it('CTL-4 recording stops when control moves', async () => {
    const { s, csrToken, helper } = await sessionWithHelper();
    const recording = await ok(csrToken, `mutation($id: ID!) { startRecording(id: $id) { activities { recording { recordingId automatic } } } }`, { id: s.id });
    expect(recording.activities.recording).toMatchObject({ automatic: false });
    const moved = await transfer(csrToken, s.id, helper);
    expect(moved.data!.transferControl.activities.recording).toBeNull();
  });

  it('SHR-1 the customer approves a view share; another is declined', async () => {
    const csrToken = await tokenOf(user('csr'), ['csr']);
    const customer = user('cust');
    const customerToken = await tokenOf(customer, ['customer']);
    const s = await start(csrToken);
    await join(customerToken, s.number, 'customer');
    const request1 = await ok(csrToken, `mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { ${SESSION} } }`, { id: s.id });
    const desktop = request1.activities.shares[0];
    expect(desktop).toMatchObject({ kind: 'desktop', mode: 'view', customerId: customer, status: 'requested' });
    // only the customer asked answers (SHR-1)
    const byCsr = await gql(csrToken, `mutation($id: ID!, $sh: String!) { approveShare(id: $id, shareId: $sh) { id } }`, { id: s.id, sh: desktop.shareId });
    expect(byCsr.errors?.[0].extensions.code).toBe('NOT_REQUEST_TARGET');
    const approved = await ok(customerToken, `mutation($id: ID!, $sh: String!) { approveShare(id: $id, shareId: $sh) { ${SESSION} } }`, { id: s.id, sh: desktop.shareId });
    expect(approved.activities.shares).toEqual([{ ...desktop, status: 'approved' }]);

    const request2 = await ok(csrToken, `mutation($id: ID!) { requestShare(id: $id, kind: application, mode: control) { ${SESSION} } }`, { id: s.id });
    const app = request2.activities.shares.find((sh: { kind: string }) => sh.kind === 'application');
    const declined = await ok(customerToken, `mutation($id: ID!, $sh: String!) { declineShare(id: $id, shareId: $sh) { ${SESSION} } }`, { id: s.id, sh: app.shareId });
    expect(declined.activities.shares).toEqual([{ ...desktop, status: 'approved' }]);
  });

  it('TL / REC / OPT the console tools run through their mutations', async () => {
    const csrToken = await tokenOf(user('csr'), ['csr']);
    const customer = user('cust');
    const s = await start(csrToken);
    await join(await tokenOf(customer, ['customer']), s.number, 'customer');
    const v = { id: s.id };
    /** Runs `call` (which may use $id, $c = the customer, $sh = a share id) and returns the fields `q`. */
    const run = (call: string, vars: Record<string, unknown> = v, q = 'version') =>
      ok(csrToken, `mutation($id: ID!${'c' in vars ? ', $c: String!' : ''}${'sh' in vars ? ', $sh: String!' : ''}) { ${call} { ${q} } }`, vars);
    expect((await run('sendChatMessage(id: $id, text: "hello")', v, 'activities { chatOpen }')).activities.chatOpen).toBe(true);
    await run('inviteParticipants(id: $id, invitations: [{ invitee: customer, channel: email, address: "c@example.com" }])');
    await run('startVideo(id: $id, cameraAvailable: true)');
    await run('endVideo(id: $id)');
    await run('startVoiceCall(id: $id, withUserId: $c)', { ...v, c: customer });
    await run('endVoiceCall(id: $id)');
    await run('publishFile(id: $id, fileName: "guide.pdf", sizeBytes: 1024)');
    await run('changeDisplayMode(id: $id, mode: screen_sampling)');
    await run('startRecording(id: $id)');
    expect((await run('stopRecording(id: $id)', v, 'activities { recording { recordingId } }')).activities.recording).toBeNull();
    const share = (await run('requestShare(id: $id, kind: desktop, mode: control)', v, 'activities { shares { shareId } }')).activities.shares[0];
    expect((await run('endShare(id: $id, shareId: $sh)', { ...v, sh: share.shareId }, 'activities { shares { shareId } }')).activities.shares).toEqual([]);
    const queued = await gql(csrToken, `mutation($id: ID!) { handToQueue(id: $id, queueId: "billing") { status } }`, v);
    expect(queued.errors?.[0].extensions.code).toBe('WEBACD_DISABLED'); // WebACD is off by default
    const noCamera = await gql(csrToken, `mutation($id: ID!) { startVideo(id: $id, cameraAvailable: false) { status } }`, v);
    expect(noCamera.errors?.[0].extensions.code).toBe('NO_CAMERA');
  });

  it('a retried mutation with the same commandId does nothing new', async () => {
    const csrToken = await tokenOf(user('csr'), ['csr']);
    const s = await start(csrToken);
    const send = () => ok(csrToken, `mutation($id: ID!) { saveNote(id: $id, text: "call back at 5", commandId: "note-1") { version } }`, { id: s.id });
    const first = await send();
    expect(await send()).toEqual(first);
  });

  it('a bad id is refused before anything runs', async () => {
    const res = await gql(await tokenOf(user('csr'), ['csr']), `{ session(id: "not-a-uuid") { id } }`);
    expect(res.errors?.[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('sessions over REST', () => {
  const api = '/api/v1/sessions';
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it('start, transfer-control and end answer with the session; errors are RFC 7807 problems', async () => {
    const csr = user('csr');
    const helper = user('helper');
    const csrToken = await tokenOf(csr, ['csr']);
    const helperToken = await tokenOf(helper, ['csr']);
    const started = await request(t.url).post(api).set(auth(csrToken)).send({}).expect(201);
    expect(started.body).toMatchObject({ status: 'active', kind: 'outbound', controllerId: csr });
    const { id, number } = started.body;
    await request(t.url).post(`${api}/join`).set(auth(helperToken)).send({ number, as: 'helper' }).expect(200);

    const moved = await request(t.url).post(`${api}/${id}/commands/transfer-control`).set(auth(csrToken)).send({ toUserId: helper }).expect(200);
    expect(moved.body.controllerId).toBe(helper);

    const refused = await request(t.url).post(`${api}/${id}/commands/end`).set(auth(csrToken)).send({}).expect(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 403, code: 'NOT_CONTROLLER', type: expect.stringContaining('not-controller'), instance: `${api}/${id}/commands/end` });

    const ended = await request(t.url).post(`${api}/${id}/commands/end-session`).set(auth(helperToken)).send({}).expect(200);
    expect(ended.body).toMatchObject({ status: 'ended', controllerId: null, participants: [], activities: null });
    expect(ended.body.endedAt).toEqual(expect.any(String));

    // Read-your-writes over REST: the list waits for the end's consistency token.
    const listed = await request(t.url)
      .get(`${api}?status=ended&after=${encodeURIComponent(ended.body.consistencyToken)}`)
      .set(auth(csrToken))
      .expect(200);
    expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(id);
  });

  it('SES-7 an ended session refuses further commands', async () => {
    const csrToken = await tokenOf(user('csr'), ['csr']);
    const { body: s } = await request(t.url).post(api).set(auth(csrToken)).send({}).expect(201);
    await request(t.url).post(`${api}/${s.id}/commands/end`).set(auth(csrToken)).send({}).expect(200);
    const res = await request(t.url).post(`${api}/${s.id}/commands/send-chat-message`).set(auth(csrToken)).send({ text: 'hello?' }).expect(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 409, code: 'SESSION_ENDED', title: 'illegal state' });
  });

  it('a customer trying transfer-control is forbidden (403 NOT_CONTROLLER)', async () => {
    const csrToken = await tokenOf(user('csr'), ['csr']);
    const customerToken = await tokenOf(user('cust'), ['customer']);
    const helper = user('helper');
    const { body: s } = await request(t.url).post(api).set(auth(csrToken)).send({}).expect(201);
    await request(t.url).post(`${api}/join`).set(auth(customerToken)).send({ number: s.number, as: 'customer' }).expect(200);
    await request(t.url)
      .post(`${api}/join`)
      .set(auth(await tokenOf(helper, ['csr'])))
      .send({ number: s.number, as: 'helper' })
      .expect(200);
    const res = await request(t.url).post(`${api}/${s.id}/commands/transfer-control`).set(auth(customerToken)).send({ toUserId: helper }).expect(403);
    expect(res.body.code).toBe('NOT_CONTROLLER');
  });

  it('a CSR who takes no part in a session does not see it (404)', async () => {
    const { body: s } = await request(t.url)
      .post(api)
      .set(auth(await tokenOf(user('csr'), ['csr'])))
      .send({})
      .expect(201);
    const res = await request(t.url)
      .get(`${api}/${s.id}`)
      .set(auth(await tokenOf(user('csr'), ['csr'])))
      .expect(404);
    expect(res.body.code).toBe('SESSION_NOT_FOUND');
    await request(t.url)
      .get(`${api}/by-number/${s.number}`)
      .set(auth(await tokenOf(user('csr'), ['csr'])))
      .expect(404);
    await request(t.url)
      .get(`${api}/${s.id}`)
      .set(auth(await tokenOf(user('sup'), ['supervisor'])))
      .expect(200);
  });

  it('bad input is a 400: an unknown field, a bad uuid, a bad value; an unknown command is a 404', async () => {
    const csrToken = await tokenOf(user('csr'), ['csr']);
    const { body: s } = await request(t.url).post(api).set(auth(csrToken)).send({}).expect(201);
    const unknown = await request(t.url).post(`${api}/${s.id}/commands/transfer-control`).set(auth(csrToken)).send({ toUserId: 'x', colour: 'red' }).expect(400);
    expect(unknown.body.detail).toContain('colour');
    await request(t.url).post(api).set(auth(csrToken)).send({ colour: 'red' }).expect(400);
    await request(t.url).get(`${api}/not-a-uuid`).set(auth(csrToken)).expect(400);
    await request(t.url).post(`${api}/not-a-uuid/commands/end`).set(auth(csrToken)).send({}).expect(400);
    await request(t.url).post(`${api}/${s.id}/commands/request-share`).set(auth(csrToken)).send({ kind: 'desktop', mode: 'telepathy' }).expect(400);
    const missing = await request(t.url).post(`${api}/${s.id}/commands/fly-away`).set(auth(csrToken)).send({}).expect(404);
    expect(missing.body.code).toBe('UNKNOWN_COMMAND');
  });
});

describe('concurrency', () => {
  const ROUNDS = 100;

  it('two helpers handed control at once, 100 times: exactly the valid outcomes', async () => {
    const [a, b] = [user('helper-a'), user('helper-b')];
    const [aToken, bToken] = [await tokenOf(a, ['csr']), await tokenOf(b, ['csr'])];
    for (let i = 1; i <= ROUNDS; i++) {
      const csrToken = await tokenOf(user('csr'), ['csr']);
      const s = await start(csrToken);
      await join(aToken, s.number, 'helper');
      await join(bToken, s.number, 'helper');

      const results = await Promise.all([transfer(csrToken, s.id, a), transfer(csrToken, s.id, b)]);
      const won = results.filter((r) => r.data?.transferControl);
      const lost = results.filter((r) => r.errors);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].errors![0].extensions.code).toBe('NOT_CONTROLLER');

      const winner = won[0].data!.transferControl;
      const now = await ok(csrToken, `query($id: ID!, $after: String) { session(id: $id, after: $after) { controllerId } }`, { id: s.id, after: winner.consistencyToken });
      expect([a, b]).toContain(now.controllerId);
      expect(now.controllerId).toBe(won[0].data!.transferControl.controllerId);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1 AND type = 'ControlTransferred'`, [`session-${s.id}`]);
      expect(rows[0].n).toBe(1);
    }
  }, 300_000); // 100 rounds: well under 120 s on a quiet machine; the bound leaves room for a contended one
});
