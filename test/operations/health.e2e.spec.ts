import pg from 'pg';
import request from 'supertest';
import { graphqlClient, until } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Readiness fails once a projection's oldest unprocessed event is older than 1 s.
let t: TestApp;
let db: pg.Client;
beforeAll(async () => {
  t = await startTestApp({ READY_MAX_PROJECTION_LAG_SECONDS: '1' });
  db = new pg.Client({ connectionString: t.db.url });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await t.close();
});

const { gql } = graphqlClient(() => t.url);

describe('health: liveness and readiness', () => {
  it('/health/live answers 200 while the process serves', async () => {
    const res = await request(t.url).get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/health/ready answers 200 with the database up, migrations applied and projections current', async () => {
    const res = await request(t.url).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
    expect(res.body.info.readModels.pendingMigrations).toEqual([]);
    expect(res.body.info.readModels.projections.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['session_view', 'report_sessions']));
  });

  it('/health/ready fails with 503 naming the projection while it lags past its threshold, and recovers when it catches up', async () => {
    // Stall session_view: hold its checkpoint row, which its runner must lock to commit a batch.
    await db.query('BEGIN');
    await db.query(`SELECT checkpoint FROM projection_checkpoints WHERE name = 'session_view' FOR UPDATE`);
    const token = await t.token('ready-csr', ['csr']);
    const started = gql(token, 'mutation { startSession { id } }');
    const failing = await until('readiness to fail', async () => {
      const res = await request(t.url).get('/health/ready');
      return res.status === 503 ? res.body : undefined;
    });
    expect(failing.status).toBe('error');
    expect(failing.info.database.status).toBe('up');
    const lag = failing.error.readModels.projections.find((p: { name: string }) => p.name === 'session_view');
    expect(lag.events).toBeGreaterThanOrEqual(1);
    expect(lag.seconds).toBeGreaterThan(1);
    expect(failing.error.readModels.maxLagSeconds).toBe(1);
    // The legacy path answers the same.
    await request(t.url).get('/health').expect(503);

    await db.query('ROLLBACK');
    await started;
    await until('readiness to recover', async () => (await request(t.url).get('/health/ready')).status === 200);
  });
});
