import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import type { Role } from '../../src/application/identity/principal.js';
import { graphqlClient, until } from '../support/graphql.js';
import { listenApp, startTestApp, testConfig, type TestApp } from '../support/test-app.js';

let t: TestApp;
let second: { app: INestApplication; url: string };
let db: pg.Pool;
beforeAll(async () => {
  t = await startTestApp();
  second = await listenApp(testConfig(), t.db.url); // a second node on the same database
  db = new pg.Pool({ connectionString: t.db.url, max: 2 });
});
afterAll(async () => {
  await db.end();
  await second.app.close();
  await t.close();
});

let seq = 0;
const user = (prefix: string) => `${prefix}-${++seq}`;
const tokenOf = (id: string, roles: Role[]) => t.token(id, roles);
const nodes = () => [t.url, second.url];
const { ok } = graphqlClient(() => t.url);

const startOn = (url: string, token: string, commandId?: string) =>
  request(url)
    .post('/api/v1/sessions')
    .set('authorization', `Bearer ${token}`)
    .send(commandId ? { commandId } : {});

async function startedBy(userId: string): Promise<string[]> {
  const rows = await db.query(`SELECT data->>'sessionId' AS id FROM es_events WHERE type = 'SessionStarted' AND metadata->>'userId' = $1`, [userId]);
  return rows.rows.map((r: { id: string }) => r.id);
}

async function liveSessionsOf(userId: string): Promise<number> {
  const ids = await startedBy(userId);
  const ended = await db.query(`SELECT count(*)::int AS n FROM es_events WHERE type = 'SessionEnded' AND stream_id = ANY($1::text[])`, [ids.map((id) => `session-${id}`)]);
  return ids.length - (ended.rows[0] as { n: number }).n;
}

describe('idempotent starts (SES-1)', () => {
  it('SES-3 100 pairs of concurrent identical startSession, each pair on two nodes: one session each', async () => {
    const csrs = Array.from({ length: 100 }, () => user('pair-csr'));
    const tokens = await Promise.all(csrs.map((csr) => tokenOf(csr, ['csr'])));
    // The two of a pair race each other; ten pairs at a time keep the machine's load (and the
    // read model's lag, which these answers still wait for) within the answer's wait.
    const pairs: [request.Response, request.Response][] = [];
    for (let batch = 0; batch < tokens.length; batch += 10) {
      pairs.push(
        ...(await Promise.all(
          tokens.slice(batch, batch + 10).map(async (token, j) => {
            const [a, b] = await Promise.all(nodes().map((url) => startOn(url, token, `start-${batch + j}`)));
            return [a!, b!] as [request.Response, request.Response];
          }),
        )),
      );
    }
    for (const [i, pair] of pairs.entries()) {
      // The answer still waits for the read model (issue 13 changes that): on a loaded machine the
      // other node's projection can miss the wait, and the answer is 404. The start itself is
      // idempotent, so the same request is sent again until the read model shows it.
      const [a, b] = await Promise.all(
        pair.map((answer, n) =>
          answer.status === 404
            ? until(
                'the session in the read model',
                async () => {
                  const r = await startOn(nodes()[n]!, tokens[i]!, `start-${i}`);
                  return r.status === 201 && r;
                },
                30_000,
                200,
              )
            : answer,
        ),
      );
      expect([a!.status, b!.status, a!.body.code, b!.body.code]).toEqual([201, 201, undefined, undefined]);
      expect(b!.body.id).toBe(a!.body.id);
      expect(b!.body.number).toBe(a!.body.number);
    }
    for (const csr of csrs) expect(await startedBy(csr)).toHaveLength(1);
  }, 600_000); // 200 starts with read-your-writes on a shared 2-core machine; the outcome, not the time, is checked

  it('SES-1 a retry after a restart returns the first answer, and a retry after the session ended does not reopen it', async () => {
    const csr = user('restart-csr');
    const token = await tokenOf(csr, ['csr']);
    const node = await listenApp(testConfig(), t.db.url);
    const first = await startOn(node.url, token, 'start-before-restart').expect(201);
    await node.app.close();
    const restarted = await listenApp(testConfig(), t.db.url);
    try {
      const retry = await startOn(restarted.url, token, 'start-before-restart').expect(201);
      expect({ id: retry.body.id, number: retry.body.number, controllerId: retry.body.controllerId }).toEqual({ id: first.body.id, number: first.body.number, controllerId: csr });
      expect(await startedBy(csr)).toEqual([first.body.id]);
    } finally {
      await restarted.app.close();
    }
  });
});

describe('SES-3 limits hold under concurrency', () => {
  it('SES-3 50 concurrent starts by one CSR in single-session mode, on two nodes: exactly one live session', async () => {
    const csr = user('single-csr');
    const token = await tokenOf(csr, ['csr']);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => startOn(nodes()[i % 2]!, token, `single-${i}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(Array(49).fill('CSR_ALREADY_IN_SESSION'));
    expect(await liveSessionsOf(csr)).toBe(1);
    // Ending frees the place at once (the event store says so; the read model may lag).
    const [won] = answers.filter((a) => a.status === 201);
    await request(t.url).post(`/api/v1/sessions/${won!.body.id}/commands/end`).set('authorization', `Bearer ${token}`).send({}).expect(200);
    await startOn(second.url, token, 'after-end').expect(201);
    expect(await liveSessionsOf(csr)).toBe(1);
  });

  it('SES-3 multi-session mode: 20 concurrent starts with a maximum of 3 give exactly 3 live sessions', async () => {
    const admin = await tokenOf(user('admin'), ['admin']);
    const csr = user('multi-csr');
    await ok(admin, 'mutation { changeSiteSettings(multiSessionAllowed: true, maxCustomers: 3) { maxCustomers } }');
    await ok(admin, 'mutation($u: String!) { changeUserSettings(userId: $u, multiSession: true) }', { u: csr });
    try {
      const token = await tokenOf(csr, ['csr']);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => startOn(nodes()[i % 2]!, token, `multi-${i}`)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
      expect(new Set(answers.filter((a) => a.status === 409).map((a) => a.body.code))).toEqual(new Set(['CSR_SESSION_LIMIT_REACHED']));
      expect(await liveSessionsOf(csr)).toBe(3);
    } finally {
      await ok(admin, 'mutation { changeSiteSettings(multiSessionAllowed: false, maxCustomers: 5) { maxCustomers } }');
    }
  });

  it('SES-3 at most maxCustomers customers per session in single-session mode, with 20 joining at once on two nodes', async () => {
    const admin = await tokenOf(user('admin'), ['admin']);
    await ok(admin, 'mutation { changeSiteSettings(maxCustomers: 2) { maxCustomers } }');
    try {
      const token = await tokenOf(user('cap-csr'), ['csr']);
      const s = (await startOn(t.url, token).expect(201)).body;
      const customers = await Promise.all(Array.from({ length: 20 }, () => tokenOf(user('cap-cust'), ['customer'])));
      const answers = await Promise.all(
        customers.map((c, i) =>
          request(nodes()[i % 2]!)
            .post('/api/v1/sessions/join')
            .set('authorization', `Bearer ${c}`)
            .send({ number: s.number, as: 'customer' }),
        ),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
      expect(new Set(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.body.code}`))).toEqual(new Set(['409 CUSTOMER_LIMIT_REACHED']));
      const joined = await db.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1 AND type = 'CustomerJoined'`, [`session-${s.id}`]);
      expect(joined.rows[0]).toEqual({ n: 2 });
    } finally {
      await ok(admin, 'mutation { changeSiteSettings(maxCustomers: 5) { maxCustomers } }');
    }
  });
});
