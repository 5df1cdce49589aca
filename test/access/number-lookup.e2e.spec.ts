import pg from 'pg';
import request from 'supertest';
import type { Role } from '../../src/application/identity/principal.js';
import { PgLookupLimiter } from '../../src/infrastructure/rate-limit/pg-lookup-limiter.js';
import { graphqlClient } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let db: pg.Pool;
beforeAll(async () => {
  t = await startTestApp({ NUMBER_LOOKUP_RATE_PER_MINUTE: '30' });
  db = new pg.Pool({ connectionString: t.db.url, max: 4 });
});
afterAll(async () => {
  await db.end();
  await t.close();
});

let seq = 0;
const user = (prefix: string) => `${prefix}-${++seq}`;
const tokenOf = (id: string, roles: Role[]) => t.token(id, roles);
const { gql } = graphqlClient(() => t.url);
const byNumber = (token: string, number: string) => request(t.url).get(`/api/v1/sessions/by-number/${number}`).set('authorization', `Bearer ${token}`);
const withoutInstance = ({ instance: _instance, ...rest }: Record<string, unknown>) => rest;

/** A nine-digit number no live session has. */
async function absentNumber(): Promise<string> {
  for (let n = 100_000_000; ; n++) {
    const taken = await db.query('SELECT 1 FROM session_numbers WHERE number = $1', [String(n)]);
    if (taken.rowCount === 0) return String(n);
  }
}

describe('nothing to enumerate (INV-6, SES-7)', () => {
  it('SES-7 a live number and an absent one look the same to a stranger; the 31st lookup in a minute gets 429 with Retry-After', async () => {
    const csrToken = await tokenOf(user('csr'), ['csr']);
    const live = (await request(t.url).post('/api/v1/sessions').set('authorization', `Bearer ${csrToken}`).send({}).expect(201)).body;
    const absent = await absentNumber();
    const stranger = await tokenOf(user('stranger'), ['csr', 'customer']);

    // 30 lookups in all (REST and GraphQL share the budget), alternating live and absent.
    const rest = await Promise.all([byNumber(stranger, live.number), byNumber(stranger, absent)]);
    expect(rest.map((r) => r.status)).toEqual([404, 404]);
    expect(withoutInstance(rest[0]!.body)).toEqual(withoutInstance(rest[1]!.body));
    for (const r of rest) expect(JSON.stringify(r.body)).not.toContain(live.id);
    const query = 'query($n: String!) { sessionByNumber(number: $n) { id number } }';
    const graph = [await gql(stranger, query, { n: live.number }), await gql(stranger, query, { n: absent })];
    expect(graph[0]).toEqual(graph[1]);
    expect(graph[0]!.errors?.[0]?.extensions.code).toBe('SESSION_NOT_FOUND');
    expect(JSON.stringify(graph[0])).not.toContain(live.id);
    // Joining with a role the place needs fails the same way for a live and an absent number.
    const joins = await Promise.all(
      [live.number, absent].map((n) => request(t.url).post('/api/v1/sessions/join').set('authorization', `Bearer ${csrToken}`).send({ number: n, as: 'customer' })),
    );
    expect(joins.map((j) => `${j.status} ${j.body.code}`)).toEqual(['403 NOT_A_CUSTOMER', '403 NOT_A_CUSTOMER']);
    for (let i = 0; i < 24; i++) await byNumber(stranger, i % 2 ? live.number : absent).expect(404);

    const over = await byNumber(stranger, live.number);
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const overGql = await gql(stranger, query, { n: absent });
    expect(overGql.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(overGql.errors?.[0]?.extensions.retryAfter).toBeGreaterThanOrEqual(1);
  });

  it('the budget is per principal and per client address, shared by every node (PostgreSQL)', async () => {
    const nodeA = new PgLookupLimiter(db, 30);
    const nodeB = new PgLookupLimiter(db, 30);
    for (let i = 0; i < 30; i++) expect(await (i % 2 ? nodeA : nodeB).take('mallory', '203.0.113.7')).toBe(0);
    expect(await nodeA.take('mallory', '198.51.100.1')).toBeGreaterThan(0); // the same principal elsewhere
    expect(await nodeB.take('trudy', '203.0.113.7')).toBeGreaterThan(0); // another principal, same address
    expect(await nodeA.take('trudy', '198.51.100.2')).toBe(0);
  });
});
