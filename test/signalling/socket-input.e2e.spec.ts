import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Odd socket and transport input (issue 11 items 1, 4 and 9, the socket side): every refusal is
 * a clear 4xx-class code, never INTERNAL or 4500.
 */
let t: TestApp;
const opened: WebSocket[] = [];
beforeAll(async () => {
  t = await startTestApp({ GRAPHQL_WS_SOCKETS_PER_USER: '3', GRAPHQL_WS_SUBSCRIPTIONS_PER_SOCKET: '2' });
});
afterAll(async () => {
  for (const ws of opened) ws.terminate();
  await t.close();
});

type Msg = Record<string, any>;

/** A raw socket: every message it gets, its close code, and a way to wait for either. */
function open(path: string, protocol?: string) {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}${path}`, protocol);
  opened.push(ws);
  const got: Msg[] = [];
  let closed: { code: number; reason: string } | undefined;
  let wake = () => undefined as void;
  ws.on('message', (data) => {
    got.push(JSON.parse(data.toString()));
    wake();
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    wake();
  });
  const waitFor = async <T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(got).slice(0, 400)}, closed ${JSON.stringify(closed)}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  return {
    ws,
    got,
    ready: new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    send: (m: Msg | string) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
    message: (match: (m: Msg) => boolean, what: string) => waitFor(what, () => got.find(match)),
    closed: () => waitFor('the socket to close', () => closed),
    isOpen: () => ws.readyState === WebSocket.OPEN,
  };
}

async function sessionWithCsr() {
  const csr = `csr-input-${Math.random().toString(36).slice(2)}`;
  const token = await t.token(csr, ['csr']);
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'mutation { startSession { id } }' }),
  });
  const body = (await res.json()) as { data: { startSession: { id: string } } };
  return { csr, token, id: body.data.startSession.id };
}

describe('signalling frames that cannot be relayed', () => {
  it('U+0000 or a lone surrogate in any string of a frame: INVALID_TEXT naming the field; the socket stays', async () => {
    const s = await sessionWithCsr();
    const sock = open(`/signalling?access_token=${encodeURIComponent(s.token)}`);
    await sock.ready;
    const base = { type: 'signal', sessionId: s.id, media: 'desktop', shareId: 'sh', kind: 'offer' };
    // JSON escapes as a client would send them (\u0000, \ud800), inside otherwise valid frames
    sock.send(JSON.stringify({ ...base, to: 'x', payload: { sdp: 'v=0\u0000' }, ref: 'nul' }));
    expect(await sock.message((m) => m.ref === 'nul', 'the NUL refusal')).toMatchObject({ type: 'error', code: 'INVALID_TEXT', field: 'payload.sdp' });
    sock.send(JSON.stringify({ ...base, to: 'cust\ud800', payload: {}, ref: 'surrogate' }));
    expect(await sock.message((m) => m.ref === 'surrogate', 'the surrogate refusal')).toMatchObject({ type: 'error', code: 'INVALID_TEXT', field: 'to' });
    sock.send(JSON.stringify({ type: 'join', sessionId: s.id, ref: 'join' }));
    expect(await sock.message((m) => m.ref === 'join', 'joined')).toMatchObject({ type: 'joined', sessionId: s.id });
  });

  it('a payload of 30,000 nested arrays: FRAME_TOO_DEEP (4xx class), not INTERNAL; the socket stays', async () => {
    const s = await sessionWithCsr();
    const sock = open(`/signalling?access_token=${encodeURIComponent(s.token)}`);
    await sock.ready;
    const deep = `{"type":"signal","sessionId":"${s.id}","to":"x","media":"video","kind":"offer","payload":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    sock.send(deep);
    expect(await sock.message((m) => m.type === 'error', 'the refusal')).toMatchObject({ code: 'FRAME_TOO_DEEP' });
    expect(sock.got.filter((m) => m.code === 'INTERNAL')).toEqual([]);
    sock.send({ type: 'join', sessionId: s.id, ref: 'after' });
    expect(await sock.message((m) => m.ref === 'after', 'joined')).toMatchObject({ type: 'joined' });
  });
});

describe('the GraphQL socket (graphql-ws on /graphql)', () => {
  const init = (authorization: unknown) => ({ type: 'connection_init', payload: { authorization } });
  const subscribe = (id: string) => ({ id, type: 'subscribe', payload: { query: 'subscription { mySessionsChanged { id } }' } });

  async function connected(token: string) {
    const sock = open('/graphql', 'graphql-transport-ws');
    await sock.ready;
    sock.send(init(`Bearer ${token}`));
    await sock.message((m) => m.type === 'connection_ack', 'connection_ack');
    return sock;
  }

  it('a connection_init whose authorization is an object closes 4400, not 4500; no token closes 4401', async () => {
    const objectAuth = open('/graphql', 'graphql-transport-ws');
    await objectAuth.ready;
    objectAuth.send(init({ toString: 'not a function' }));
    expect(await objectAuth.closed()).toMatchObject({ code: 4400, reason: 'authorization must be a string' });

    const noToken = open('/graphql', 'graphql-transport-ws');
    await noToken.ready;
    noToken.send({ type: 'connection_init', payload: {} });
    expect((await noToken.closed()).code).toBe(4401);

    const badToken = open('/graphql', 'graphql-transport-ws');
    await badToken.ready;
    badToken.send(init('Bearer not-a-jwt'));
    expect((await badToken.closed()).code).toBe(4401);
  });

  it('the fourth GraphQL socket of a user (limit 3) closes 4430; one closes, the next is accepted', async () => {
    const token = await t.token('gqlws-sockets', ['csr']);
    const three = [await connected(token), await connected(token), await connected(token)];
    const fourth = open('/graphql', 'graphql-transport-ws');
    await fourth.ready;
    fourth.send(init(`Bearer ${token}`));
    expect(await fourth.closed()).toMatchObject({ code: 4430 });
    expect(three.every((s) => s.isOpen())).toBe(true);
    three[0]!.ws.close();
    await three[0]!.closed();
    // the count is released once the server has seen the close: wait for that, never sleep
    const deadline = Date.now() + 10_000;
    for (;;) {
      const again = open('/graphql', 'graphql-transport-ws');
      await again.ready;
      again.send(init(`Bearer ${token}`));
      const outcome = await again.message((m) => m.type === 'connection_ack', 'ack').catch(async () => (await again.closed()).code);
      if (typeof outcome === 'object') break;
      expect(outcome).toBe(4430);
      if (Date.now() > deadline) throw new Error('the closed socket was never released');
    }
  });

  it('a third subscription on one socket (limit 2) gets TOO_MANY_SUBSCRIPTIONS; the socket and the others stay', async () => {
    const token = await t.token('gqlws-subs', ['csr']);
    const sock = await connected(token);
    sock.send(subscribe('a'));
    sock.send(subscribe('b'));
    sock.send(subscribe('c'));
    expect(await sock.message((m) => m.id === 'c', 'the refusal of c')).toMatchObject({
      type: 'error',
      payload: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS' }) })],
    });
    expect(sock.got.filter((m) => m.id === 'a' || m.id === 'b')).toEqual([]);
    expect(sock.isOpen()).toBe(true);
    // completing one makes room for another: 'd' is accepted and hears the user's next session
    sock.send({ id: 'a', type: 'complete' });
    sock.send(subscribe('d'));
    await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { startSession { id } }' }),
    });
    expect(await sock.message((m) => m.id === 'd', 'an answer on d')).toMatchObject({ type: 'next' });
    expect(await sock.message((m) => m.id === 'b', 'an answer on b')).toMatchObject({ type: 'next' });
  });

  it('a subscription sent over HTTP POST: 400 SUBSCRIPTION_OVER_HTTP, not INTERNAL', async () => {
    const token = await t.token('gql-http-sub', ['csr']);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'subscription { mySessionsChanged { id } }' }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(res.status).toBe(400);
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['SUBSCRIPTION_OVER_HTTP']);
  });
});
