import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import type { Role } from '../../src/application/identity/principal.js';
import { graphqlClient } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const run = promisify(execFile);

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

// The fields the live read model and the replay both show.
const SESSION = `id number status mode controllerId activeCustomerId joinLink version startedAt endedAt endReason
  participants { userId place displayName }
  activities { chatOpen shares { shareId kind mode customerId status applicationName } fileTransfers { transferId customerId status }
    video { videoId } voiceCall { callId hostId withUserId } recording { recordingId automatic } }`;

const { gql, ok } = graphqlClient(() => t.url);
const tokenOf = (id: string, roles: Role[]) => t.token(id, roles);

/** jsonb keeps no key order, so the read model lists CSRs in another order than a fresh fold: compare as sets. */
const normalized = (s: any) => ({ ...s, participants: [...s.participants].sort((a: any, b: any) => (a.userId < b.userId ? -1 : 1)) });

const HISTORY = `query($id: ID!, $offset: Int, $limit: Int) { sessionHistory(id: $id, offset: $offset, limit: $limit) {
  total chain { intact events brokenAt { version id reason } }
  items { version id type at by dataJson stateJson session { ${SESSION} } } } }`;
const STATE_AT = `query($id: ID!, $version: Int, $at: DateTime) { sessionStateAt(id: $id, version: $version, at: $at) {
  version at stateJson chain { intact } session { ${SESSION} } } }`;

describe('RPT-2 supervisor replay', () => {
  const csr = 'rpt-csr';
  const helper = 'rpt-helper';
  const [c1, c2] = ['rpt-cust-1', 'rpt-cust-2'];
  const supervisor = 'rpt-supervisor';
  let tokens: Record<string, string>;
  let sessionId = '';
  /** The live read model right after each mutation of the script. */
  const snapshots: any[] = [];

  beforeAll(async () => {
    tokens = {
      csr: await tokenOf(csr, ['csr']),
      helper: await tokenOf(helper, ['csr']),
      c1: await tokenOf(c1, ['customer']),
      c2: await tokenOf(c2, ['customer']),
      supervisor: await tokenOf(supervisor, ['supervisor']),
    };
    // Read-your-writes through the mutation's consistency token; the token itself is per answer.
    const live = (after: string) => ok(tokens.supervisor, `query($id: ID!, $after: String) { session(id: $id, after: $after) { ${SESSION} } }`, { id: sessionId, after });
    const step = async (who: string, mutation: string, args = '', vars: Record<string, unknown> = {}) => {
      const decl = Object.keys(vars)
        .map((k) => `, $${k}: ${typeof vars[k] === 'boolean' ? 'Boolean!' : 'String!'}`)
        .join('');
      const result = await ok(tokens[who]!, `mutation($id: ID!${decl}) { ${mutation}(id: $id${args}) { ${SESSION} consistencyToken } }`, { id: sessionId, ...vars });
      snapshots.push(await live(result.consistencyToken));
      return result;
    };

    // ---- the script: 30+ events through the real GraphQL API
    const started = await ok(tokens.csr, `mutation { startSession { ${SESSION} consistencyToken } }`);
    sessionId = started.id;
    snapshots.push(await live(started.consistencyToken));
    const join = async (who: string, as: 'customer' | 'helper', name?: string) => {
      const joined = await ok(tokens[who]!, `mutation($n: String!, $as: JoinPlace!, $d: String) { joinSession(number: $n, as: $as, displayName: $d) { id consistencyToken } }`, {
        n: started.number,
        as,
        d: name,
      });
      snapshots.push(await live(joined.consistencyToken));
    };
    await join('c1', 'customer', 'Cleo');
    await join('c2', 'customer', 'Dan');
    await join('helper', 'helper');
    const chat = (who: string, text: string) => step(who, 'sendChatMessage', ', text: $text', { text });
    await chat('csr', 'Hello, I can see you both');
    await chat('c1', 'Hi! My printer is offline');
    await chat('helper', 'I am here to help as well');
    await chat('c2', 'Same problem here');
    const requested = await step('csr', 'requestShare', ', kind: desktop, mode: view');
    const shareId = requested.activities.shares[0].shareId;
    await step('c1', 'approveShare', ', shareId: $share, applicationName: $app', { share: shareId, app: 'Printer settings' });
    await chat('csr', 'Thanks, I see your screen');
    await step('csr', 'endShare', ', shareId: $share', { share: shareId });
    await step('csr', 'startRecording');
    await step('csr', 'saveNote', ', text: $text', { text: 'Printer driver outdated' });
    await step('helper', 'saveNote', ', text: $text', { text: 'Suggest reinstall' });
    await step('csr', 'transferControl', ', toUserId: $to', { to: helper }); // ends chat (CTL-4), keeps nothing else running
    await chat('helper', 'I have control now');
    await step('helper', 'publishFile', ', fileName: $f', { f: 'driver.exe' });
    await step('helper', 'changeDisplayMode', ', mode: screen_sampling');
    const second = await step('helper', 'requestShare', ', kind: application, mode: control');
    await step('c1', 'declineShare', ', shareId: $share', { share: second.activities.shares[0].shareId });
    await step('helper', 'transferControl', ', toUserId: $to', { to: csr });
    await chat('csr', 'Back with me');
    await chat('c2', 'Works now, thanks');
    await step('csr', 'startRecording');
    await step('csr', 'stopRecording');
    await step('csr', 'startRecording');
    await step('csr', 'saveNote', ', text: $text', { text: 'Resolved by reinstalling the driver' });
    await chat('c1', 'Bye');
    await step('csr', 'endSession');
  });

  it('RPT-2 the history holds every event, and after each mutation the replayed state is what the live read model showed', async () => {
    const history = await ok(tokens.supervisor, HISTORY, { id: sessionId, limit: 1000 });
    const last = snapshots.at(-1);
    expect(last.status).toBe('ended');
    expect(history.total).toBe(last.version + 1);
    expect(history.total).toBeGreaterThanOrEqual(30);
    expect(history.items.map((i: any) => i.version)).toEqual([...Array(history.total).keys()]);
    const stored = await db.query('SELECT event_id, type FROM es_events WHERE stream_id = $1 ORDER BY stream_version', [`session-${sessionId}`]);
    expect(history.items.map((i: any) => [i.id, i.type])).toEqual(stored.rows.map((r) => [r.event_id, r.type]));
    expect(history.chain).toEqual({ intact: true, events: history.total, brokenAt: null });
    // Every mutation's snapshot against the replayed state at the same version.
    expect(snapshots.length).toBeGreaterThanOrEqual(30);
    for (const snapshot of snapshots) {
      const item = history.items[snapshot.version];
      expect({ version: snapshot.version, session: normalized(item.session) }).toEqual({ version: snapshot.version, session: normalized(snapshot) });
      expect(JSON.parse(item.stateJson).status).toBe(snapshot.status);
    }
    // Who did what, and the event's own data.
    const approve = history.items.find((i: any) => i.type === 'ShareApproved');
    expect(approve.by).toBe(c1);
    const requestedShare = history.items.find((i: any) => i.type === 'ShareRequested');
    expect(JSON.parse(approve.dataJson)).toMatchObject({ shareId: JSON.parse(requestedShare.dataJson).shareId, by: c1 });
    const moved = history.items.filter((i: any) => i.type === 'ControlTransferred').map((i: any) => [i.by, i.session.controllerId]);
    expect(moved).toEqual([
      [csr, helper],
      [helper, csr],
    ]);
  });

  it('RPT-2 pages fold from the start: a page shows the same states as the whole history', async () => {
    const whole = await ok(tokens.supervisor, HISTORY, { id: sessionId, limit: 1000 });
    const page = await ok(tokens.supervisor, HISTORY, { id: sessionId, offset: 10, limit: 5 });
    expect(page.total).toBe(whole.total);
    expect(page.items).toEqual(whole.items.slice(10, 15));
  });

  it('RPT-2 the state at a version and at a time', async () => {
    const history = await ok(tokens.supervisor, HISTORY, { id: sessionId, limit: 1000 });
    const snapshot = snapshots.find((s) => s.activities?.shares.some((sh: any) => sh.status === 'approved'));
    const byVersion = await ok(tokens.supervisor, STATE_AT, { id: sessionId, version: snapshot.version });
    expect(byVersion.version).toBe(snapshot.version);
    expect(normalized(byVersion.session)).toEqual(normalized(snapshot));
    expect(byVersion.chain).toEqual({ intact: true });
    // Events of one append share their time: the state at that time is the one after the append's last event.
    const transferred = snapshots.find((s) => s.controllerId === helper);
    const at = history.items[transferred.version].at;
    const byTime = await ok(tokens.supervisor, STATE_AT, { id: sessionId, at });
    expect(byTime.version).toBe(transferred.version);
    expect(normalized(byTime.session)).toEqual(normalized(transferred));
    const before = await gql(tokens.supervisor, STATE_AT, { id: sessionId, at: new Date(Date.parse(history.items[0].at) - 60_000).toISOString() });
    expect(before.errors?.[0]?.extensions.code).toBe('BEFORE_FIRST_EVENT');
    const beyond = await gql(tokens.supervisor, STATE_AT, { id: sessionId, version: history.total });
    expect(beyond.errors?.[0]?.extensions.code).toBe('VERSION_OUT_OF_RANGE');
    const both = await gql(tokens.supervisor, STATE_AT, { id: sessionId, version: 1, at });
    expect(both.errors?.[0]?.extensions.code).toBe('POINT_IN_TIME_REQUIRED');
    // REST: the same answer.
    const rest = await request(t.url).get(`/api/v1/sessions/${sessionId}/state?version=${snapshot.version}`).set('authorization', `Bearer ${tokens.supervisor}`);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ version: snapshot.version, state: { status: 'active', controllerId: csr }, chain: { intact: true } });
  });

  it('RPT-2 a supervisor and the CSRs of the session replay it; a CSR who was not in it, a customer and the reporting role get 404', async () => {
    const stranger = await tokenOf('rpt-stranger', ['csr']);
    const reporting = await tokenOf('rpt-reporting', ['reporting']);
    for (const token of [stranger, tokens.c1, reporting]) {
      const answer = await gql(token, HISTORY, { id: sessionId });
      expect(answer.errors?.[0]?.extensions.code).toBe('SESSION_NOT_FOUND');
      const at = await gql(token, STATE_AT, { id: sessionId, version: 0 });
      expect(at.errors?.[0]?.extensions.code).toBe('SESSION_NOT_FOUND');
      const rest = await request(t.url).get(`/api/v1/sessions/${sessionId}/history`).set('authorization', `Bearer ${token}`);
      expect(rest.status).toBe(404);
      expect(rest.body.code).toBe('SESSION_NOT_FOUND');
    }
    const admin = await tokenOf('rpt-admin', ['admin']);
    for (const token of [tokens.supervisor, tokens.helper, tokens.csr, admin]) {
      expect((await ok(token, HISTORY, { id: sessionId, limit: 1 })).items).toHaveLength(1);
    }
    const rest = await request(t.url).get(`/api/v1/sessions/${sessionId}/history?offset=0&limit=3`).set('authorization', `Bearer ${tokens.supervisor}`);
    expect(rest.status).toBe(200);
    expect(rest.body.items.map((i: any) => i.type)).toEqual(['SessionStarted', 'CustomerJoined', 'CustomerJoined']);
    expect(rest.body.items[1].state.customers).toEqual([{ customerId: c1, displayName: 'Cleo' }]);
    const unknown = await gql(tokens.supervisor, HISTORY, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.errors?.[0]?.extensions.code).toBe('SESSION_NOT_FOUND');
  });

  it('RPT-2 npm run replay prints the timeline and the chain verdict', async () => {
    const { stdout } = await run(process.execPath, ['dist/scripts/replay.js', sessionId], { env: { ...process.env, DATABASE_URL: t.db.url }, cwd: process.cwd() });
    const lines = stdout.split('\n');
    expect(lines[0]).toContain(`session ${sessionId}`);
    expect(lines.filter((l) => /^v\s*\d+ /.test(l))).toHaveLength(snapshots.at(-1).version + 1);
    expect(stdout).toMatch(/v\s*0 .* rpt-csr {2}SessionStarted/);
    expect(stdout).toContain('controller=rpt-helper');
    expect(stdout).toContain('share desktop/view approved');
    expect(stdout).toContain('recording=on');
    expect(stdout).toContain('ended (ended_by_csr) by rpt-csr');
    expect(stdout.trim().split('\n').at(-1)).toBe(`chain: intact (${snapshots.at(-1).version + 1} events)`);
  });

  it('RPT-2 a stored event edited by SQL breaks the chain at that event, named by version and id', async () => {
    const history = await ok(tokens.supervisor, HISTORY, { id: sessionId, limit: 1000 });
    const target = history.items.find((i: any) => i.type === 'ChatMessageSent' && JSON.parse(i.dataJson).text === 'Hi! My printer is offline');
    const n = target.version;
    const updated = await db.query(`UPDATE es_events SET data = jsonb_set(data, '{text}', '"Everything is fine"') WHERE stream_id = $1 AND stream_version = $2`, [
      `session-${sessionId}`,
      n,
    ]);
    expect(updated.rowCount).toBe(1);
    const after = await ok(tokens.supervisor, HISTORY, { id: sessionId, offset: 0, limit: 1 });
    expect(after.chain).toEqual({ intact: false, events: history.total, brokenAt: { version: n, id: target.id, reason: expect.stringContaining('changed after it was stored') } });
    const at = await ok(tokens.supervisor, STATE_AT, { id: sessionId, version: 0 });
    expect(at.chain).toEqual({ intact: false });
    // An event the fold cannot read (an unknown type) does not stop the replay; the chain still names the first edit.
    await db.query(`UPDATE es_events SET type = 'SomethingElse' WHERE stream_id = $1 AND stream_version = $2`, [`session-${sessionId}`, n + 1]);
    const still = await ok(tokens.supervisor, HISTORY, { id: sessionId, limit: 1000 });
    expect(still.items).toHaveLength(history.total);
    expect(still.items[n + 1].session).toEqual({ ...still.items[n].session, version: n + 1 });
    expect(still.chain.brokenAt).toMatchObject({ version: n, id: target.id });
    const cli = await run(process.execPath, ['dist/scripts/replay.js', snapshots[0].number], { env: { ...process.env, DATABASE_URL: t.db.url }, cwd: process.cwd() }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain(`chain: BROKEN at version ${n} (event ${target.id})`);
  });
});

describe('RPT-2 queue replay', () => {
  it('RPT-2 supervisors replay a queue; a CSR may not', async () => {
    const admin = await tokenOf('rpt-q-admin', ['admin']);
    const queue = await ok(admin, `mutation { createQueue(queueId: "rpt-queue", name: "Printers", agentIds: ["rpt-agent-1", "rpt-agent-2"], offerTimeoutMs: 30000) { id } }`);
    expect(queue.id).toBe('rpt-queue');
    const supervisor = await tokenOf('rpt-q-supervisor', ['supervisor']);
    const history = await ok(supervisor, `query { queueHistory(id: "rpt-queue") { total chain { intact events } items { version type by stateJson } } }`);
    expect(history.total).toBeGreaterThanOrEqual(1);
    expect(history.chain).toEqual({ intact: true, events: history.total });
    expect(history.items[0]).toMatchObject({ version: 0, type: 'QueueCreated', by: 'rpt-q-admin' });
    expect(JSON.parse(history.items[0].stateJson)).toMatchObject({ status: 'open', name: 'Printers', agentIds: ['rpt-agent-1', 'rpt-agent-2'] });
    const at = await ok(supervisor, `query { queueStateAt(id: "rpt-queue", version: 0) { version stateJson } }`);
    expect(JSON.parse(at.stateJson)).toMatchObject({ status: 'open', queueId: 'rpt-queue' });
    const rest = await request(t.url).get('/api/v1/queues/rpt-queue/history').set('authorization', `Bearer ${supervisor}`);
    expect(rest.status).toBe(200);
    expect(rest.body.items[0].state).toMatchObject({ status: 'open' });
    const csr = await tokenOf('rpt-q-csr', ['csr']);
    expect((await gql(csr, `query { queueHistory(id: "rpt-queue") { total } }`)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await request(t.url).get('/api/v1/queues/rpt-queue/state?version=0').set('authorization', `Bearer ${csr}`)).status).toBe(403);
    expect((await gql(supervisor, `query { queueHistory(id: "no-such-queue") { total } }`)).errors?.[0]?.extensions.code).toBe('QUEUE_NOT_FOUND');
  });
});
