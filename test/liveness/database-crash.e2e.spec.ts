import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken } from '../../src/infrastructure/identity/jwt.js';
import { until } from '../support/graphql.js';
import { TEST_JWT_SECRET } from '../support/test-app.js';
import { isAlive, postmasterOf, spawnTandem, tandemDatabase, type TandemProcess } from '../support/tandem-process.js';

/**
 * Issue 12, "survive the database": kill -9 of the embedded postmaster under load. Tandem
 * restarts it after EMBEDDED_PG_RESTART_DELAY_MS (5 s, the default); meanwhile the Node process
 * stays up and answers 503 with Retry-After; afterwards every acknowledged write is there and
 * subscriptions deliver again.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'tandem-crash-'));
let tandem: TandemProcess;

afterAll(async () => {
  await tandem?.stop('SIGTERM');
  const left = postmasterOf(dataDir);
  if (left && isAlive(left.pid)) process.kill(left.pid, 'SIGINT');
  await until('the cluster to stop', async () => !left || !isAlive(left.pid), 30_000);
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  via?: 'rest' | 'graphql';
  status: number;
  retryAfter: string | null;
  code?: string;
}

it('kill -9 of the postmaster under load: Node stays up, 503 + Retry-After in the gap, every acknowledged write kept, subscriptions resume', async () => {
  tandem = spawnTandem(dataDir, { EMBEDDED_PG_RESTART_DELAY_MS: '5000' });
  const url = await tandem.listening;

  const graphql = async (token: string, query: string, variables: Record<string, unknown>) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as { data?: Record<string, any>; errors?: { extensions?: { code?: string; retryAfter?: number } }[] } };
  };
  const clients = await Promise.all(
    Array.from({ length: 4 }, async (_, i) => {
      const token = await signToken(TEST_JWT_SECRET, { sub: `crash-csr-${i}-${randomUUID()}`, roles: ['csr'] });
      const res = await fetch(`${url}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
      expect(res.status).toBe(201);
      return { token, sessionId: ((await res.json()) as { id: string }).id };
    }),
  );

  // sessionChanged for the first session, over a WebSocket that lives through the outage.
  const updates: number[] = [];
  const ws = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${clients[0]!.token}` },
    retryAttempts: 0,
  });
  const unsubscribe = ws.subscribe<{ sessionChanged: { version: number } }>(
    { query: 'subscription($id: ID!) { sessionChanged(id: $id) { version } }', variables: { id: clients[0]!.sessionId } },
    { next: (m) => m.data && updates.push(m.data.sessionChanged.version), error: () => undefined, complete: () => undefined },
  );

  // Load: each client sends chat messages and REST reads; what was acknowledged must survive.
  const acknowledged: string[] = [];
  const failures: Answer[] = [];
  let loading = true;
  const send = async (client: (typeof clients)[number]) => {
    const text = `crash-${randomUUID()}`;
    const { status, body } = await graphql(client.token, 'mutation($id: ID!, $text: String!) { sendChatMessage(id: $id, text: $text) { version } }', {
      id: client.sessionId,
      text,
    });
    if (status === 200 && !body.errors) acknowledged.push(text);
    else
      failures.push({
        via: 'graphql',
        status: body.errors?.[0]?.extensions?.code === 'DATABASE_UNAVAILABLE' ? 503 : status,
        retryAfter: String(body.errors?.[0]?.extensions?.retryAfter ?? ''),
        code: body.errors?.[0]?.extensions?.code,
      });
    return body.data?.sendChatMessage?.version as number | undefined;
  };
  const rest = async (client: (typeof clients)[number]) => {
    const res = await fetch(`${url}/api/v1/sessions/${client.sessionId}`, { headers: { authorization: `Bearer ${client.token}` } });
    const body = (await res.json()) as { code?: string };
    if (res.status !== 200) failures.push({ via: 'rest', status: res.status, retryAfter: res.headers.get('retry-after'), code: body.code });
  };
  const load = Promise.all(
    clients.map(async (client) => {
      while (loading) {
        await send(client).catch(() => failures.push({ status: 0, retryAfter: null }));
        await rest(client).catch(() => failures.push({ status: 0, retryAfter: null }));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );

  await until('writes before the crash', async () => acknowledged.length >= 20, 60_000);
  await until('a sessionChanged before the crash', async () => updates.length > 0, 30_000);
  const before = postmasterOf(dataDir)!;
  process.kill(before.pid, 'SIGKILL');

  // The gap: 503 with Retry-After, from REST and GraphQL alike; /health says so.
  await until('a 503 from REST', async () => failures.some((f) => f.via === 'rest' && f.status === 503 && f.retryAfter === '5' && f.code === 'DATABASE_UNAVAILABLE'), 20_000);
  await until('a DATABASE_UNAVAILABLE from GraphQL', async () => failures.some((f) => f.via === 'graphql' && f.retryAfter === '5' && f.code === 'DATABASE_UNAVAILABLE'), 20_000);
  expect((await fetch(`${url}/health`)).status).toBe(503);

  // Back: Tandem restarted its postmaster after 5 s.
  await until('the database back', async () => (await fetch(`${url}/health`)).status === 200, 90_000, 200);
  const after = postmasterOf(dataDir)!;
  expect(after.pid).not.toBe(before.pid);
  expect(after.port).toBe(before.port);
  const ackedBeforeReturn = acknowledged.length;
  await until('writes after the return', async () => acknowledged.length >= ackedBeforeReturn + 20, 60_000);
  loading = false;
  await load;

  // The subscription delivers again, for a change made now.
  const version = await send(clients[0]!);
  expect(version).toBeDefined();
  await until('sessionChanged after the return', async () => updates.some((v) => v >= version!), 30_000);
  unsubscribe();
  await ws.dispose();

  // Node never went down, never answered 500, and every acknowledged write is stored.
  expect(tandem.child.exitCode).toBeNull();
  expect(failures.filter((f) => f.status !== 503)).toEqual([]);
  expect(tandem.lines.filter((l) => l.raw !== undefined || l.level === 60)).toEqual([]);
  const db = await tandemDatabase(dataDir);
  try {
    const { rows } = await db.query<{ text: string }>(`SELECT data->>'text' AS text FROM es_events WHERE type = 'ChatMessageSent' AND data->>'text' = ANY($1)`, [acknowledged]);
    expect(new Set(rows.map((r) => r.text)).size).toBe(acknowledged.length);
  } finally {
    await db.end();
  }
  expect((await tandem.stop('SIGTERM')).code).toBe(0);
}, 300_000);
