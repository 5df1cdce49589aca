import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { createDatabase, dropDatabase } from '../../src/infrastructure/postgres/embedded-postgres.js';
import { graphqlClient, until } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testServerUrl } from '../support/test-database.js';

/**
 * Issue 12, item 1: `BEGIN; SELECT pg_current_xact_id();` left open and idle in ANOTHER database
 * of the cluster used to freeze every projection and subscription (readers read below the
 * cluster-wide xmin): each mutation waited 5 s for its read model, startSession answered
 * SESSION_NOT_FOUND. Here it stays open for IDLE_MS (30 s) while clients keep working.
 *
 * Timing on a shared 2-core machine is noisy, so the assertions are about the stall, not a
 * tight figure. Before, EVERY mutation waited the full 5 s for its read model and sessionChanged
 * delivered nothing until the transaction ended; here fewer than 5% of mutations may reach 5 s,
 * and sessionChanged must deliver again and again while the transaction is open. The p50/p99
 * are printed next to a baseline measured in the same run without the idle transaction
 * (target p99 < 100 ms, reported by the issue-12 note).
 */
const IDLE_MS = Number(process.env.LIVENESS_IDLE_MS ?? 30_000);
const BASELINE_MS = 8000;
let t: TestApp;
const { gql } = graphqlClient(() => t.url);

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it(
  `a transaction idle in another database for ${IDLE_MS / 1000} s: mutations stay fast, every start succeeds, sessionChanged keeps delivering`,
  async () => {
    const neighbourName = `neighbour_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const neighbour = new pg.Client({ connectionString: await createDatabase(testServerUrl(), neighbourName) });
    await neighbour.connect();
    try {
      // One watched session with a live subscription; its updates must come while the transaction is open.
      const watcherToken = await t.token(`idle-watch-${randomUUID()}`, ['csr']);
      const watched = (await gql(watcherToken, 'mutation { startSession { id } }')).data!.startSession.id as string;
      const versions: number[] = [];
      const ws = createClient({
        url: `${t.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${watcherToken}` },
        retryAttempts: 0,
      });
      const unsubscribe = ws.subscribe<{ sessionChanged: { version: number } }>(
        { query: 'subscription($id: ID!) { sessionChanged(id: $id) { version } }', variables: { id: watched } },
        { next: (m) => m.data && versions.push(m.data.sessionChanged.version), error: () => undefined, complete: () => undefined },
      );
      const ping = async () => {
        const seen = versions.length;
        await gql(watcherToken, 'mutation($id: ID!, $text: String!) { sendChatMessage(id: $id, text: $text) { id } }', { id: watched, text: 'ping' });
        return until('a sessionChanged update', async () => versions.length > seen, 10_000);
      };
      // Live before the clock starts: ping until the first update arrives.
      await until(
        'the subscription to deliver',
        () =>
          ping().then(
            () => true,
            () => false,
          ),
        30_000,
      );

      const failures: unknown[] = [];
      let starts = 0;
      const work = (latencies: number[], done: () => boolean) =>
        Promise.all(
          Array.from({ length: 4 }, async (_, c) => {
            const timed = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
              const started = performance.now();
              const body = await gql(token, query, variables);
              latencies.push(performance.now() - started);
              if (body.errors) failures.push(body.errors);
              return body.data;
            };
            while (!done()) {
              // A new session (answered with it, never SESSION_NOT_FOUND), chat in it, end it.
              const token = await t.token(`idle-${c}-${randomUUID()}`, ['csr']);
              const started = await timed(token, 'mutation { startSession { id status } }');
              if (started?.startSession?.id) starts++;
              for (let i = 0; i < 5 && !done(); i++) {
                await timed(token, 'mutation($id: ID!, $text: String!) { sendChatMessage(id: $id, text: $text) { id } }', { id: started?.startSession?.id, text: `m${i}` });
              }
              await timed(token, 'mutation($id: ID!) { endSession(id: $id) { id } }', { id: started?.startSession?.id });
            }
          }),
        );

      // Baseline, same run, no idle transaction.
      const baseline: number[] = [];
      const baselineFrom = Date.now();
      await work(baseline, () => Date.now() - baselineFrom >= BASELINE_MS);

      await neighbour.query('BEGIN');
      const xid = async () => (await neighbour.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]!.xid;
      const idleXid = await xid();
      const openedAt = Date.now();
      starts = 0;
      const latencies: number[] = [];
      let delivered = 0;
      const watcher = (async () => {
        while (Date.now() - openedAt < IDLE_MS - 2000) {
          await ping();
          delivered++;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      })();
      await Promise.all([work(latencies, () => Date.now() - openedAt >= IDLE_MS), watcher]);
      // The idle transaction was open the whole time.
      expect(await xid()).toBe(idleXid);
      expect(Date.now() - openedAt).toBeGreaterThanOrEqual(IDLE_MS);
      unsubscribe();
      await ws.dispose();

      const stats = (values: number[]) => {
        const sorted = [...values].sort((a, b) => a - b);
        const p = (q: number) => +sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
        return { mutations: sorted.length, p50ms: p(0.5), p99ms: p(0.99), maxms: p(1) };
      };
      console.log(
        JSON.stringify({
          test: 'idle-transaction',
          idleMs: IDLE_MS,
          idle: stats(latencies),
          baseline: stats(baseline),
          starts,
          sessionChangedDelivered: delivered,
          targetP99ms: 100,
        }),
      );
      expect(failures).toEqual([]);
      expect(starts).toBeGreaterThan(4);
      expect(delivered).toBeGreaterThan(3);
      // The stall made every mutation wait 5 s; contention alone leaves nearly all well below it.
      expect(latencies.filter((ms) => ms >= 5000).length).toBeLessThan(Math.max(1, latencies.length * 0.05));
    } finally {
      await neighbour.end();
      await dropDatabase(testServerUrl(), neighbourName);
    }
  },
  IDLE_MS + BASELINE_MS + 180_000,
);
