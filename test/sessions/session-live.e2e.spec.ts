import { createClient, type Client } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ PRESENCE_GRACE_MS: '1000' });
});
afterAll(() => t.close());

const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) =>
  (await request(t.url).post('/graphql').set('authorization', `Bearer ${token}`).send({ query, variables }).expect(200)).body as {
    data?: Record<string, any>;
    errors?: { message: string; extensions: { code: string } }[];
  };

async function startSession(csr: string): Promise<{ token: string; id: string; number: string; consistencyToken: string }> {
  const token = await t.token(csr, ['csr']);
  const res = await gql(token, 'mutation { startSession { id number consistencyToken } }');
  return { token, ...res.data!.startSession };
}

const heartbeat = (token: string, sessionId: string) => gql(token, 'mutation($s: ID!) { consoleHeartbeat(sessionId: $s) }', { s: sessionId });
const status = async (token: string, id: string, after?: string) =>
  (await gql(token, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { status endReason } }', { id, after })).data!.session;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('presence (grace period 1 s)', () => {
  it('SES-5 a controlling console that goes silent past the grace period ends the session; one that reloads within it keeps it', async () => {
    const lost = await startSession('presence-lost');
    const kept = await startSession('presence-kept');
    expect((await heartbeat(lost.token, lost.id)).data!.consoleHeartbeat).toBe(true);
    await heartbeat(kept.token, kept.id);
    // `kept` reloads: 600 ms of silence, then it reports again, for 3 s in all.
    const deadline = Date.now() + 3000;
    await sleep(600);
    while (Date.now() < deadline) {
      await heartbeat(kept.token, kept.id);
      await sleep(200);
    }
    expect(await status(lost.token, lost.id)).toEqual({ status: 'ended', endReason: 'console_lost' });
    expect(await status(kept.token, kept.id, kept.consistencyToken)).toEqual({ status: 'active', endReason: null });
  });

  it('SES-5 a session whose console never reported is not ended by presence', async () => {
    const quiet = await startSession('presence-never');
    await sleep(1800);
    expect(await status(quiet.token, quiet.id, quiet.consistencyToken)).toEqual({ status: 'active', endReason: null });
  });

  it('only a CSR of the session may report presence', async () => {
    const s = await startSession('presence-owner');
    const customer = await t.token('presence-customer', ['customer']);
    expect((await heartbeat(customer, s.id)).errors![0]!.extensions.code).toBe('NOT_A_CSR');
    const stranger = await t.token('presence-stranger', ['csr']);
    expect((await heartbeat(stranger, s.id)).errors![0]!.extensions.code).toBe('SESSION_NOT_FOUND');
    await request(t.url).post(`/api/v1/sessions/${s.id}/heartbeat`).set('authorization', `Bearer ${s.token}`).expect(204);
  });
});

describe('subscriptions over graphql-ws', () => {
  const clients: Client[] = [];
  const connect = (token: string) => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  });

  async function next<T>(iterator: AsyncIterableIterator<T>, ms = 5000): Promise<T> {
    const result = await Promise.race([iterator.next(), sleep(ms).then(() => ({ done: true, value: undefined }))]);
    if (result.done) throw new Error('no message in time');
    return result.value as T;
  }

  it('sessionChanged delivers the projected session after each change', async () => {
    const s = await startSession('sub-csr');
    const updates = connect(s.token).iterate<{ sessionChanged: { id: string; version: number; activities: { recording: { recordingId: string } | null } } }>({
      query: 'subscription($id: ID!) { sessionChanged(id: $id) { id version activities { recording { recordingId } } } }',
      variables: { id: s.id },
    });
    await sleep(200); // the subscription is registered
    await gql(s.token, 'mutation($id: ID!) { startRecording(id: $id) { id } }', { id: s.id });
    // Mutations do not wait for the read model, so the start itself may still be announced first:
    // updates come in order, and one of the next few shows the recording.
    let update = await next(updates);
    for (let i = 0; i < 3 && !update.data?.sessionChanged.activities.recording; i++) update = await next(updates);
    expect(update.errors).toBeUndefined();
    expect(update.data!.sessionChanged).toMatchObject({ id: s.id, activities: { recording: { recordingId: expect.any(String) } } });
    await updates.return?.();
  });

  it('a non-participant cannot subscribe to a session', async () => {
    const s = await startSession('sub-owner');
    const stranger = await t.token('sub-stranger', ['csr']);
    const updates = connect(stranger).iterate({ query: 'subscription($id: ID!) { sessionChanged(id: $id) { id } }', variables: { id: s.id } });
    const first = await next(updates);
    expect(first.errors?.[0]?.extensions?.code).toBe('SESSION_NOT_FOUND');
  });

  it('mySessionsChanged tells a helper of the session it joins, and not of others', async () => {
    const helperToken = await t.token('sub-helper', ['csr']);
    const updates = connect(helperToken).iterate<{ mySessionsChanged: { id: string; participants: { userId: string; place: string }[] } }>({
      query: 'subscription { mySessionsChanged { id participants { userId place } } }',
    });
    await sleep(200);
    await startSession('sub-other'); // not the helper's
    const s = await startSession('sub-host');
    await gql(helperToken, 'mutation($n: String!) { joinSession(number: $n, as: helper) { id } }', { n: s.number });
    const update = await next(updates);
    expect(update.data!.mySessionsChanged.id).toBe(s.id);
    expect(update.data!.mySessionsChanged.participants).toContainEqual({ userId: 'sub-helper', place: 'helper' });
    await updates.return?.();
  });

  it('a socket without a valid token is refused', async () => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer nonsense' },
      retryAttempts: 0,
    });
    clients.push(client);
    const updates = client.iterate({ query: 'subscription { mySessionsChanged { id } }' });
    await expect(updates.next()).rejects.toBeDefined();
  });
});
