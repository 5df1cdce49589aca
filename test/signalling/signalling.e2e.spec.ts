import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import WebSocket from 'ws';
import type { Role } from '../../src/application/identity/principal.js';
import { graphqlClient, sleep, until } from '../support/graphql.js';
import { listenApp, startTestApp, testConfig, type TestApp } from '../support/test-app.js';
import { SIGNALLING_LIMITS } from '../../src/api/signalling/signalling.gateway.js';

let t: TestApp;
let db: pg.Pool;
const sockets: Peer[] = [];
beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Pool({ connectionString: t.db.url, max: 2 });
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await db.end();
  await t.close();
});

let seq = 0;
const user = (prefix: string) => `${prefix}-sig-${++seq}`;
const { ok } = graphqlClient(() => t.url);

type Frame = Record<string, any>;

/** A signalling socket that records every frame it gets. */
class Peer {
  readonly frames: Frame[] = [];
  closed?: { code: number; reason: string };
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString())));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async open(baseUrl: string, token: string | undefined): Promise<Peer> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/signalling${token === undefined ? '' : `?access_token=${encodeURIComponent(token)}`}`);
    const peer = new Peer(ws);
    sockets.push(peer);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return peer;
  }

  send(frame: Frame | string) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (received so far or later) matching `match`; it is consumed. */
  async next(match: (f: Frame) => boolean, what = 'a frame', ms = 5000): Promise<Frame> {
    return until(
      `${what} (got ${JSON.stringify(this.frames).slice(0, 400)})`,
      async () => {
        const i = this.frames.findIndex(match);
        return i === -1 ? undefined : this.frames.splice(i, 1)[0];
      },
      ms,
      10,
    );
  }

  error(code: string, ms?: number) {
    return this.next((f) => f.type === 'error' && f.code === code, `error ${code}`, ms);
  }

  signal(filter: Partial<Frame> = {}) {
    return this.next((f) => f.type === 'signal' && Object.entries(filter).every(([k, v]) => f[k] === v), `signal ${JSON.stringify(filter)}`);
  }

  async join(sessionId: string): Promise<Frame> {
    this.send({ type: 'join', sessionId });
    return this.next((f) => (f.type === 'joined' && f.sessionId === sessionId) || f.type === 'error', 'joined');
  }

  async waitClosed(ms = 5000) {
    return until('socket closed', async () => this.closed, ms, 10);
  }

  /** No frame matching `match` arrives within `ms`. */
  async none(match: (f: Frame) => boolean, ms = 300) {
    await sleep(ms);
    expect(this.frames.filter(match)).toEqual([]);
  }
}

interface Party {
  id: string;
  token: string;
}
const party = async (prefix: string, roles: Role[]): Promise<Party> => {
  const id = user(prefix);
  return { id, token: await t.token(id, roles) };
};

/** A session with a controlling CSR, one customer and, when asked, a helper. */
async function session(withHelper = false) {
  const csr = await party('csr', ['csr']);
  const customer = await party('cust', ['customer']);
  const s = await ok(csr.token, `mutation { startSession { id number } }`);
  await ok(customer.token, `mutation($n: String!) { joinSession(number: $n, as: customer) { id } }`, { n: s.number });
  const helper = withHelper ? await party('helper', ['csr']) : undefined;
  if (helper) await ok(helper.token, `mutation($n: String!) { joinSession(number: $n, as: helper) { id } }`, { n: s.number });
  return { id: s.id as string, number: s.number as string, csr, customer, helper: helper! };
}

const mutate = (p: Party, call: string, vars: Record<string, unknown>) => {
  const decl = Object.keys(vars)
    .map((k) => `$${k}: ${k === 'id' ? 'ID!' : 'String!'}`)
    .join(', ');
  return ok(p.token, `mutation(${decl}) { ${call} { id activities { shares { shareId status } } } }`, vars);
};
const requestShare = async (csr: Party, id: string, kind = 'desktop', mode = 'view'): Promise<string> =>
  (await ok(csr.token, `mutation($id: ID!) { requestShare(id: $id, kind: ${kind}, mode: ${mode}) { activities { shares { shareId } } } }`, { id })).activities.shares.at(-1)
    .shareId;
const approve = (customer: Party, id: string, sh: string) => mutate(customer, 'approveShare(id: $id, shareId: $sh)', { id, sh });

const offer = (sessionId: string, to: string, shareId: string | undefined, media = 'desktop', kind = 'offer', payload: unknown = { sdp: 'v=0 fake' }) => ({
  type: 'signal',
  sessionId,
  to,
  media,
  ...(shareId ? { shareId } : {}),
  kind,
  payload,
});

/** Two joined sockets of one session with an approved desktop view share, proven to relay. */
async function relayingPair(baseUrlCsr = t.url, baseUrlCustomer = t.url) {
  const s = await session();
  const csrWs = await Peer.open(baseUrlCsr, s.csr.token);
  const custWs = await Peer.open(baseUrlCustomer, s.customer.token);
  expect((await csrWs.join(s.id)).type).toBe('joined');
  expect((await custWs.join(s.id)).type).toBe('joined');
  const shareId = await requestShare(s.csr, s.id);
  await approve(s.customer, s.id, shareId);
  return { s, csrWs, custWs, shareId };
}

describe('signalling gateway (WebSocket /signalling)', () => {
  it('SHR-4 a desktop offer is refused before approval, relayed both ways after it, refused after the share ends; both ends get close-media share_ended', async () => {
    const s = await session();
    const csrWs = await Peer.open(t.url, s.csr.token);
    const custWs = await Peer.open(t.url, s.customer.token);
    const joined = await csrWs.join(s.id);
    expect(joined).toMatchObject({ type: 'joined', sessionId: s.id, you: s.csr.id });
    expect(joined.participants).toEqual(
      expect.arrayContaining([
        { userId: s.csr.id, place: 'controller' },
        { userId: s.customer.id, place: 'customer' },
      ]),
    );
    await custWs.join(s.id);

    const shareId = await requestShare(s.csr, s.id);
    csrWs.send(offer(s.id, s.customer.id, shareId));
    await csrWs.error('SHARE_NOT_APPROVED');
    await custWs.none((f) => f.type === 'signal');

    await approve(s.customer, s.id, shareId);
    csrWs.send(offer(s.id, s.customer.id, shareId, 'desktop', 'offer', { sdp: 'offer-sdp' }));
    expect(await custWs.signal({ kind: 'offer' })).toEqual({
      type: 'signal',
      sessionId: s.id,
      from: s.csr.id,
      media: 'desktop',
      shareId,
      kind: 'offer',
      payload: { sdp: 'offer-sdp' },
    });
    custWs.send(offer(s.id, s.csr.id, shareId, 'desktop', 'answer', { sdp: 'answer-sdp' }));
    expect(await csrWs.signal({ kind: 'answer' })).toMatchObject({ from: s.customer.id, payload: { sdp: 'answer-sdp' } });
    // A share of another kind is not consent for this one.
    csrWs.send(offer(s.id, s.customer.id, shareId, 'application'));
    await csrWs.error('SHARE_NOT_APPROVED');

    await mutate(s.csr, 'endShare(id: $id, shareId: $sh)', { id: s.id, sh: shareId });
    for (const ws of [csrWs, custWs]) {
      expect(await ws.next((f) => f.type === 'close-media', 'close-media')).toEqual({ type: 'close-media', sessionId: s.id, media: 'desktop', shareId, reason: 'share_ended' });
    }
    csrWs.send(offer(s.id, s.customer.id, shareId, 'desktop', 'candidate', { candidate: 'c' }));
    await csrWs.error('SHARE_NOT_APPROVED');
    await custWs.none((f) => f.type === 'signal');
  });

  it('MC-2 / TL-2 a video offer to "*" reaches every other participant once video is started', async () => {
    const s = await session(true);
    const [csrWs, custWs, helperWs] = await Promise.all([Peer.open(t.url, s.csr.token), Peer.open(t.url, s.customer.token), Peer.open(t.url, s.helper.token)]);
    for (const ws of [csrWs, custWs, helperWs]) expect((await ws.join(s.id)).type).toBe('joined');
    csrWs.send(offer(s.id, '*', undefined, 'video'));
    await csrWs.error('VIDEO_NOT_RUNNING');
    await ok(s.csr.token, `mutation($id: ID!) { startVideo(id: $id, cameraAvailable: true) { id } }`, { id: s.id });
    csrWs.send(offer(s.id, '*', undefined, 'video', 'offer', { sdp: 'video' }));
    for (const ws of [custWs, helperWs]) expect(await ws.signal({ media: 'video' })).toMatchObject({ from: s.csr.id, kind: 'offer', payload: { sdp: 'video' } });
    await csrWs.none((f) => f.type === 'signal');
    await sleep(100);
    expect([custWs, helperWs].map((ws) => ws.frames.filter((f) => f.type === 'signal').length)).toEqual([0, 0]); // once each
    await ok(s.csr.token, `mutation($id: ID!) { endVideo(id: $id) { id } }`, { id: s.id });
    for (const ws of [csrWs, custWs, helperWs]) expect(await ws.next((f) => f.type === 'close-media')).toMatchObject({ media: 'video', reason: 'video_ended' });
  });

  it('TL-5 voice goes only between the call host and the other party', async () => {
    const s = await session(true);
    const [csrWs, custWs, helperWs] = await Promise.all([Peer.open(t.url, s.csr.token), Peer.open(t.url, s.customer.token), Peer.open(t.url, s.helper.token)]);
    for (const ws of [csrWs, custWs, helperWs]) await ws.join(s.id);
    await ok(s.csr.token, `mutation($id: ID!, $c: String!) { startVoiceCall(id: $id, withUserId: $c) { id } }`, { id: s.id, c: s.customer.id });
    helperWs.send(offer(s.id, s.customer.id, undefined, 'voice'));
    await helperWs.error('VOICE_NOT_RUNNING');
    csrWs.send(offer(s.id, '*', undefined, 'voice'));
    expect(await custWs.signal({ media: 'voice' })).toMatchObject({ from: s.csr.id });
    await helperWs.none((f) => f.type === 'signal');
  });

  it('CTL-4 when control moves, both ends of an approved share get close-media control_moved', async () => {
    const s = await session(true);
    const csrWs = await Peer.open(t.url, s.csr.token);
    const custWs = await Peer.open(t.url, s.customer.token);
    await csrWs.join(s.id);
    await custWs.join(s.id);
    const shareId = await requestShare(s.csr, s.id);
    await approve(s.customer, s.id, shareId);
    csrWs.send(offer(s.id, s.customer.id, shareId));
    await custWs.signal({ shareId });
    await ok(s.csr.token, `mutation($id: ID!, $to: String!) { transferControl(id: $id, toUserId: $to) { id } }`, { id: s.id, to: s.helper.id });
    for (const ws of [csrWs, custWs])
      expect(await ws.next((f) => f.type === 'close-media')).toEqual({ type: 'close-media', sessionId: s.id, media: 'desktop', shareId, reason: 'control_moved' });
    csrWs.send(offer(s.id, s.customer.id, shareId, 'desktop', 'candidate'));
    await csrWs.error('SHARE_NOT_APPROVED');
  });

  it('SES-6 / INV-6 ending the session closes media (session_ended) and later joins are refused with SESSION_ENDED', async () => {
    const { s, csrWs, custWs, shareId } = await relayingPair();
    await ok(s.csr.token, `mutation($id: ID!) { endSession(id: $id) { id } }`, { id: s.id });
    for (const ws of [csrWs, custWs]) expect(await ws.next((f) => f.type === 'close-media')).toMatchObject({ media: 'desktop', shareId, reason: 'session_ended' });
    const late = await Peer.open(t.url, s.customer.token);
    expect(await late.join(s.id)).toMatchObject({ type: 'error', code: 'SESSION_ENDED' });
  });

  it('a non-participant cannot join (SESSION_NOT_FOUND); a missing or invalid token closes 4401', async () => {
    const s = await session();
    const stranger = await party('csr', ['csr']);
    const ws = await Peer.open(t.url, stranger.token);
    expect(await ws.join(s.id)).toMatchObject({ type: 'error', code: 'SESSION_NOT_FOUND' });
    ws.send(offer(s.id, s.customer.id, 'x'));
    await ws.error('NOT_JOINED');
    const supervisor = await Peer.open(t.url, await t.token(user('sup'), ['supervisor']));
    expect(await supervisor.join(s.id)).toMatchObject({ type: 'error', code: 'SESSION_NOT_FOUND' });

    for (const token of [undefined, 'not-a-jwt', await t.token(user('x'), ['csr']).then((tk) => `${tk.slice(0, -4)}AAAA`)]) {
      const refused = await Peer.open(t.url, token);
      expect(await refused.waitClosed()).toMatchObject({ code: 4401 });
      expect(refused.frames).toEqual([expect.objectContaining({ type: 'error', code: 'UNAUTHENTICATED' })]);
    }
  });

  it('a sixth socket of one user gets TOO_MANY_SOCKETS and closes 4408', async () => {
    const p = await party('cust', ['customer']);
    const five: Peer[] = [];
    for (let i = 0; i < 5; i++) {
      const ws = await Peer.open(t.url, p.token);
      ws.send('{}'); // answered only once the socket is authenticated and counted
      await ws.error('BAD_FRAME');
      five.push(ws);
    }
    const sixth = await Peer.open(t.url, p.token);
    expect(await sixth.waitClosed()).toMatchObject({ code: 4408 });
    expect(sixth.frames).toEqual([expect.objectContaining({ type: 'error', code: 'TOO_MANY_SOCKETS' })]);
    five[0]!.ws.close();
    await five[0]!.waitClosed();
    await sleep(50);
    const again = await Peer.open(t.url, p.token);
    await sleep(200);
    expect(again.closed).toBeUndefined();
  });

  it('oversized, flooding and malformed frames each get their error while another session keeps relaying', async () => {
    const good = await relayingPair();
    const s = await session();
    const abuser = await Peer.open(t.url, s.csr.token);
    await abuser.join(s.id);
    const relayOnce = async (n: number) => {
      good.csrWs.send(offer(good.s.id, good.s.customer.id, good.shareId, 'desktop', 'candidate', { n }));
      expect(await good.custWs.signal({ kind: 'candidate' })).toMatchObject({ payload: { n } });
    };

    // malformed: socket kept
    for (const bad of [
      '{not json',
      '[1,2]',
      JSON.stringify({ type: 'dance', sessionId: s.id }),
      JSON.stringify({ type: 'signal', sessionId: s.id, to: 'x' }),
      JSON.stringify({ type: 'join' }),
    ]) {
      abuser.send(bad);
      await abuser.error('BAD_FRAME');
    }
    await relayOnce(1);
    expect(abuser.closed).toBeUndefined();

    // flood: frames beyond 50/s dropped with RATE_LIMITED, the socket stays for a short burst
    for (let i = 0; i < 200; i++) abuser.send({ type: 'heartbeat', sessionId: s.id });
    await abuser.error('RATE_LIMITED');
    await relayOnce(2);
    await sleep(1100);
    expect(abuser.closed).toBeUndefined();
    abuser.send({ type: 'join', sessionId: s.id });
    expect(await abuser.next((f) => f.type === 'joined')).toMatchObject({ sessionId: s.id });

    // sustained flood (3 s): closed 4429, while the other session relays throughout
    const flooding = setInterval(() => {
      if (abuser.ws.readyState === WebSocket.OPEN) for (let i = 0; i < 30; i++) abuser.send({ type: 'heartbeat', sessionId: s.id });
    }, 50);
    try {
      await relayOnce(3);
      expect((await abuser.waitClosed(6000)).code).toBe(4429);
    } finally {
      clearInterval(flooding);
    }
    await relayOnce(4);

    // oversized: FRAME_TOO_LARGE, then closed 1009
    const big = await Peer.open(t.url, s.csr.token);
    await big.join(s.id);
    big.send(offer(s.id, s.customer.id, 'x', 'desktop', 'offer', { sdp: 'x'.repeat(70 * 1024) }));
    await big.error('FRAME_TOO_LARGE');
    expect((await big.waitClosed()).code).toBe(1009);
    await relayOnce(5);
  }, 30_000);

  it('SES-5 a CSR socket heartbeat keeps console presence; a customer heartbeat is ignored', async () => {
    const s = await session();
    const csrWs = await Peer.open(t.url, s.csr.token);
    const custWs = await Peer.open(t.url, s.customer.token);
    await csrWs.join(s.id);
    await custWs.join(s.id);
    const seen = async () => (await db.query('SELECT user_id, last_seen FROM console_presence WHERE session_id = $1', [s.id])).rows as { user_id: string; last_seen: Date }[];
    csrWs.send({ type: 'heartbeat', sessionId: s.id });
    const [first] = await until('a presence row', async () => ((await seen()).length ? seen() : undefined));
    expect(first!.user_id).toBe(s.csr.id);
    await sleep(50);
    csrWs.send({ type: 'heartbeat', sessionId: s.id });
    await until('presence refreshed', async () => (await seen())[0]!.last_seen.getTime() > first!.last_seen.getTime());
    custWs.send({ type: 'heartbeat', sessionId: s.id });
    await sleep(200);
    expect((await seen()).map((r) => r.user_id)).toEqual([s.csr.id]);
    expect(custWs.frames.filter((f) => f.type === 'error')).toEqual([]);
  });

  describe('two nodes on one database', () => {
    let second: { app: INestApplication; url: string };
    beforeAll(async () => {
      second = await listenApp(t.config, t.db.url);
    });
    afterAll(async () => {
      await second?.app.close();
    });

    it('SHR-4 a CSR on node A and a customer on node B relay an approved share offer/answer through LISTEN/NOTIFY, big frames too', async () => {
      const { s, csrWs, custWs, shareId } = await relayingPair(t.url, second.url);
      csrWs.send(offer(s.id, s.customer.id, shareId, 'desktop', 'offer', { sdp: 'cross-node' }));
      expect(await custWs.signal({ kind: 'offer' })).toMatchObject({ from: s.csr.id, shareId, payload: { sdp: 'cross-node' } });
      // bigger than one NOTIFY payload (8000 bytes): goes through the relay table
      const sdp = 'a=candidate:'.padEnd(20_000, 'x');
      custWs.send(offer(s.id, s.csr.id, shareId, 'desktop', 'answer', { sdp }));
      expect((await csrWs.signal({ kind: 'answer' })).payload.sdp).toBe(sdp);
      // consent is still checked: after the share ends on node A, node B refuses and says close-media
      await mutate(s.csr, 'endShare(id: $id, shareId: $sh)', { id: s.id, sh: shareId });
      for (const ws of [csrWs, custWs]) expect(await ws.next((f) => f.type === 'close-media')).toMatchObject({ reason: 'share_ended', shareId });
      custWs.send(offer(s.id, s.csr.id, shareId, 'desktop', 'candidate'));
      await custWs.error('SHARE_NOT_APPROVED');
    });

    it("SHR-4 a node publishes a session's frames only while another node watches it: sockets that joined long apart, on two nodes, still relay both ways once each node is past its learning period", async () => {
      const s = await session();
      const csrWs = await Peer.open(t.url, s.csr.token);
      expect((await csrWs.join(s.id)).type).toBe('joined');
      const shareId = await requestShare(s.csr, s.id);
      await approve(s.customer, s.id, shareId);
      // Node A has watched the session alone past its learning period: it has stopped publishing.
      await sleep(SIGNALLING_LIMITS.watchLearningMs + 500);
      const custWs = await Peer.open(second.url, s.customer.token);
      expect((await custWs.join(s.id)).type).toBe('joined');
      // A hears node B's announcement before the customer's peer-joined (one bus, in order).
      await csrWs.next((f) => f.type === 'peer-joined' && f.from === s.customer.id, 'peer-joined from node B');
      // Both nodes past their learning periods: only what each heard of the other lets frames through.
      await sleep(SIGNALLING_LIMITS.watchLearningMs + 500);
      csrWs.send(offer(s.id, s.customer.id, shareId, 'desktop', 'offer', { sdp: 'a to b, later' }));
      expect(await custWs.signal({ kind: 'offer' })).toMatchObject({ from: s.csr.id, payload: { sdp: 'a to b, later' } });
      custWs.send(offer(s.id, s.csr.id, shareId, 'desktop', 'answer', { sdp: 'b to a, later' }));
      expect(await csrWs.signal({ kind: 'answer' })).toMatchObject({ from: s.customer.id, payload: { sdp: 'b to a, later' } });
      // The customer's socket leaves node B and a new one joins there: relayed again after its learning period.
      custWs.ws.close();
      await custWs.waitClosed();
      const again = await Peer.open(second.url, s.customer.token);
      expect((await again.join(s.id)).type).toBe('joined');
      await csrWs.next((f) => f.type === 'peer-joined' && f.from === s.customer.id, 'peer-joined of the new socket');
      await sleep(SIGNALLING_LIMITS.watchLearningMs + 500);
      csrWs.send(offer(s.id, s.customer.id, shareId, 'desktop', 'offer', { sdp: 'a to the new b' }));
      expect(await again.signal({ kind: 'offer' })).toMatchObject({ payload: { sdp: 'a to the new b' } });
    }, 60_000);
  });

  // The same across nodes through Redis pub/sub, when there is a Redis (.ci/run starts one).
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) console.warn('Signalling across nodes on Redis: skipped, REDIS_URL is not set; the PostgreSQL relay is tested above');
  const onRedis = redisUrl ? describe : describe.skip;
  onRedis('two nodes relaying through Redis pub/sub', () => {
    let nodes: { app: INestApplication; url: string }[] = [];
    beforeAll(async () => {
      nodes = [await listenApp(testConfig({ REDIS_URL: redisUrl! }), t.db.url), await listenApp(testConfig({ REDIS_URL: redisUrl! }), t.db.url)];
    });
    afterAll(async () => {
      await Promise.all(nodes.map((n) => n.app.close()));
    });

    it('SHR-4 a CSR on one node and a customer on another relay offer and answer through Redis, big frames too', async () => {
      const { s, csrWs, custWs, shareId } = await relayingPair(nodes[0]!.url, nodes[1]!.url);
      csrWs.send(offer(s.id, s.customer.id, shareId, 'desktop', 'offer', { sdp: 'over redis' }));
      expect(await custWs.signal({ kind: 'offer' })).toMatchObject({ from: s.csr.id, shareId, payload: { sdp: 'over redis' } });
      const sdp = 'a=candidate:'.padEnd(20_000, 'x');
      custWs.send(offer(s.id, s.csr.id, shareId, 'desktop', 'answer', { sdp }));
      expect((await csrWs.signal({ kind: 'answer' })).payload.sdp).toBe(sdp);
    });
  });
});
