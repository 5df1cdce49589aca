import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres-event-store.js';
import { rebuildProjection, type RebuildProgress } from '../../src/infrastructure/persistence/rebuild-projection.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let pool: pg.Pool;
beforeAll(async () => {
  t = await startTestApp();
  pool = new pg.Pool({ connectionString: t.db.url, max: 4 });
  pool.on('error', () => undefined);
});
afterAll(async () => {
  await pool.end();
  await t.close();
});

const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
  const res = await request(t.url).post('/graphql').set('authorization', `Bearer ${token}`).send({ query, variables });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return Object.values(res.body.data as Record<string, any>)[0];
};
const rows = async () => (await pool.query('SELECT id, status, controller_id, version, state FROM session_view ORDER BY id')).rows;

describe('rebuilding a projection without downtime', () => {
  it('session_view is rebuilt beside the live one while sessions keep changing, swapped in, and stays live', async () => {
    // Some history, then traffic during the rebuild.
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => t.token(`rebuild-csr-${i}`, ['csr'])));
    const sessions = await Promise.all(tokens.map((token) => gql(token, 'mutation { startSession { id } }')));
    let writing = true;
    const traffic = (async () => {
      for (let i = 0; writing; i++) {
        const c = i % tokens.length;
        const sent = await gql(tokens[c]!, 'mutation($id: ID!, $t: String!) { sendChatMessage(id: $id, text: $t) { id consistencyToken } }', {
          id: sessions[c].id,
          t: `during rebuild ${i}`,
        });
        // Reads keep answering throughout (no downtime), with the writes they were told of.
        await gql(tokens[c]!, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { id version } }', { id: sessions[c].id, after: sent.consistencyToken });
      }
    })();
    const store = new PostgresEventStore({ pool, listen: false });
    const progress: RebuildProgress[] = [];
    const result = await rebuildProjection(t.db.url, store, 'session_view', (p) => progress.push(p));
    writing = false;
    await traffic;
    expect(result.events).toBeGreaterThan(0);
    expect(progress.at(-1)!.phase).toBe('done');

    // After the swap, a new change reaches the new table through the live runner.
    const after = await gql(tokens[0]!, 'mutation($id: ID!) { startRecording(id: $id) { id version activities { recording { recordingId } } consistencyToken } }', {
      id: sessions[0].id,
    });
    expect(after.activities.recording).not.toBeNull();
    const seen = await gql(tokens[0]!, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { version activities { recording { recordingId } } } }', {
      id: sessions[0].id,
      after: after.consistencyToken,
    });
    expect(seen).toEqual({ version: after.version, activities: after.activities });

    // The rebuilt table equals a fresh rebuild of the same history (nothing missed, nothing doubled).
    const live = await rows();
    await rebuildProjection(t.db.url, store, 'session_view');
    expect(await rows()).toEqual(live);
    // Views over the table were re-pointed at the new one.
    const participants = await pool.query('SELECT count(*)::int AS n FROM session_participants');
    expect(participants.rows[0].n).toBeGreaterThanOrEqual(6);
    await store.close();
  });

  it('npm run projections:rebuild prints a progress bar and the swap', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['dist/scripts/rebuild-projection.js', 'report_sessions'], {
      env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'warn' },
    });
    expect(stderr).toMatch(/report_sessions \[#+\.*\] +\d+% /);
    expect(stdout).toMatch(/report_sessions rebuilt from [\d,]+ events and swapped in at /);
  });
});
