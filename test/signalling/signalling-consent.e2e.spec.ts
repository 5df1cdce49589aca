import type { INestApplication } from '@nestjs/common';
import WebSocket from 'ws';
import type { Role } from '../../src/application/identity/principal.js';
import { listenApp, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Consent ends before the answer (issue 10 item 1): once endShare (SHR-4), transferControl
 * (CTL-4), selectActiveCustomer (MC-3) or endSession (SES-7) has been answered, no frame of the
 * withdrawn media reaches the peer, whichever node answered and whichever node the sockets are on.
 *
 * Each round: consent is granted and a frame is proven to reach the peer's sockets on both nodes;
 * the command is sent to node B or node A in turn; the moment its answer arrives, the sender
 * fires frames of the withdrawn media from its sockets on both nodes. Each such frame must come
 * back to its sender as a refusal (a frame is either relayed or refused, never both), and none may
 * reach the peer's sockets, on the sender's node or the other one; a later round's frame on the
 * same paths proves they still deliver, in order. Ten other sessions stream video and chat
 * throughout, on both nodes. CONSENT_ROUNDS overrides the 200 rounds for a quick local run.
 */

const ROUNDS = Number(process.env.CONSENT_ROUNDS ?? 200);
/** Rounds run in this many lanes at once (each its own session and sockets). */
const LANES = 6;
/** Frames fired from each of the sender's two sockets right after each answer. */
const AFTER = 2;

let t: TestApp;
let nodeB: { app: INestApplication; url: string };
const sockets: Peer[] = [];
let stopBackground: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  t = await startTestApp({ LOG_LEVEL: 'error' }); // 4,800 refusals would each log a warning
  nodeB = await listenApp(t.config, t.db.url);
  stopBackground = await background();
}, 120_000);
afterAll(async () => {
  await stopBackground();
  for (const s of sockets) s.ws.terminate();
  await nodeB?.app.close();
  await t?.close();
});

type Frame = Record<string, any>;
let seq = 0;

/** GraphQL over HTTP (keep-alive) to one node; the first field of `data`, or a thrown error. */
async function gql(base: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const send = () =>
    fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  // A kept-alive connection the server closed as idle just as it was reused fails with ECONNRESET
  // before the request reached the server (seen on a loaded machine): send it once more, on a new connection.
  const res = await send().catch((error: unknown) => {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw error;
    return send();
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors ?? body)}`);
  return Object.values(body.data)[0];
}

interface Party {
  id: string;
  token: string;
}
const party = async (prefix: string, roles: Role[]): Promise<Party> => {
  const id = `${prefix}-consent-${++seq}`;
  return { id, token: await t.token(id, roles) };
};

/** A signalling socket that keeps what it gets and wakes whoever waits for a frame. */
class Peer {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const i = this.waiters.findIndex((w) => w.match(frame));
      if (i === -1) return void this.frames.push(frame);
      this.waiters.splice(i, 1)[0]!.resolve(frame);
    });
  }

  static async open(base: string, token: string): Promise<Peer> {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/signalling?access_token=${encodeURIComponent(token)}`);
    const peer = new Peer(ws);
    sockets.push(peer);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return peer;
  }

  send(frame: Frame) {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first frame matching `match`, received already or later (consumed); fails after `ms`. */
  next(match: (f: Frame) => boolean, what: string, ms = 20_000): Promise<Frame> {
    const i = this.frames.findIndex(match);
    if (i !== -1) return Promise.resolve(this.frames.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (f: Frame) => (clearTimeout(timer), resolve(f)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; last frames ${JSON.stringify(this.frames.slice(-5)).slice(0, 600)}`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  async join(sessionId: string) {
    this.send({ type: 'join', sessionId, ref: `join-${sessionId}` });
    const f = await this.next((x) => x.ref === `join-${sessionId}` || (x.type === 'joined' && x.sessionId === sessionId), 'joined');
    if (f.type !== 'joined') throw new Error(`join refused: ${JSON.stringify(f)}`);
  }
}

const signal = (sessionId: string, to: string, media: string, shareId: string | undefined, payload: Frame, ref?: string) => ({
  type: 'signal',
  sessionId,
  to,
  media,
  ...(shareId ? { shareId } : {}),
  kind: 'candidate',
  payload,
  ...(ref ? { ref } : {}),
});

// ---------------------------------------------------------------- background traffic

/** Ten other sessions (half with the customer on node B) stream video both ways and chat. */
async function background(): Promise<() => Promise<void>> {
  const streams = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const [csr, customer] = [await party('bg-csr', ['csr']), await party('bg-cust', ['customer'])];
      const s = await gql(t.url, csr.token, 'mutation { startSession { id number } }');
      await gql(t.url, customer.token, 'mutation($n: String!) { joinSession(number: $n, as: customer) { id } }', { n: s.number });
      await gql(t.url, csr.token, 'mutation($id: ID!) { startVideo(id: $id, cameraAvailable: true) { id } }', { id: s.id });
      const a = await Peer.open(t.url, csr.token);
      const b = await Peer.open(i % 2 ? nodeB.url : t.url, customer.token);
      await a.join(s.id);
      await b.join(s.id);
      return { id: s.id as string, csr, customer, a, b };
    }),
  );
  let n = 0;
  const video = setInterval(() => {
    for (const s of streams) {
      s.a.send(signal(s.id, '*', 'video', undefined, { bg: n }));
      s.b.send(signal(s.id, '*', 'video', undefined, { bg: n }));
      // what they receive is not looked at: drop it so memory stays flat
      s.a.frames.length = 0;
      s.b.frames.length = 0;
    }
    n++;
  }, 100);
  let chatting = true;
  const chat = (async () => {
    for (let i = 0; chatting; i++) {
      const s = streams[i % streams.length]!;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await gql(i % 2 ? nodeB.url : t.url, s.csr.token, 'mutation($id: ID!, $text: String!) { sendChatMessage(id: $id, text: $text) { id } }', { id: s.id, text: `bg ${i}` });
    }
  })();
  return async () => {
    clearInterval(video);
    chatting = false;
    await chat;
  };
}

// ---------------------------------------------------------------- the rounds

/** Every party holds one socket on node A and one on node B, so each round covers both: peers on one node and on two. */
interface Duo {
  p: Party;
  ws: [Peer, Peer];
}
async function duo(p: Party): Promise<Duo> {
  return { p, ws: [await Peer.open(t.url, p.token), await Peer.open(nodeB.url, p.token)] };
}
const joinAll = async (id: string, ...duos: Duo[]) => {
  for (const d of duos) for (const ws of d.ws) await ws.join(id);
};
/** Which node answers the command of round `r`: B and A in turn (so the senders' node A hears of it through the database half the time). */
const commandNode = (r: number) => (r % 2 ? t.url : nodeB.url);

/** Tallies over all rounds of one test. */
interface Tally {
  rounds: number;
  refused: number;
  /** Frames a peer got that were fired after an answer (must stay 0). */
  leaked: Frame[];
}

/**
 * One round's end: from each of its two sockets, `sender` fires AFTER frames of the withdrawn
 * media to `peerId` the moment the answer is in; each must come back refused with `code`.
 */
async function fireAfterAnswer(
  tally: Tally,
  lane: string,
  r: number,
  sender: Duo,
  sessionId: string,
  peerId: string,
  shareId: string | undefined,
  code: string,
  media = 'desktop',
) {
  const fired = sender.ws.flatMap((ws, node) =>
    Array.from({ length: AFTER }, (_, i) => {
      const ref = `${lane}-${r}-after-${node}-${i}`;
      ws.send(signal(sessionId, peerId, media, shareId, { lane, r, after: true, ref }, ref));
      return { ws, ref };
    }),
  );
  for (const { ws, ref } of fired) {
    const answer = await ws.next((f) => f.ref === ref, `the answer to ${ref}`);
    expect(answer).toMatchObject({ type: 'error', code });
    tally.refused++;
  }
}

/** A frame of the granted media from the sender's node-A socket reaches both of the peer's sockets (A and B). */
async function proveFlowing(sender: Duo, peer: Duo, sessionId: string, shareId: string | undefined, lane: string, r: number, media = 'desktop') {
  sender.ws[0].send(signal(sessionId, peer.p.id, media, shareId, { lane, r, before: true }));
  for (const ws of peer.ws)
    await ws.next((f) => f.type === 'signal' && f.payload.lane === lane && f.payload.r === r && f.payload.before === true, `round ${r}'s frame before the command`);
}

/** Everything a peer's sockets got that was fired after an answer. */
const leakedTo = (peer: Duo) => peer.ws.flatMap((ws) => ws.frames.filter((f) => f.type === 'signal' && f.payload?.after === true));

async function lanes(run: (lane: string, rounds: number[], tally: Tally) => Promise<void>): Promise<Tally> {
  const tally: Tally = { rounds: 0, refused: 0, leaked: [] };
  const all = Array.from({ length: ROUNDS }, (_, r) => r);
  await Promise.all(
    Array.from({ length: LANES }, (_, l) =>
      run(
        `L${l}-${++seq}`,
        all.filter((r) => r % LANES === l),
        tally,
      ),
    ),
  );
  return tally;
}

/**
 * The share just requested. Mutations answer from the read model, which a loaded machine may
 * project later than the answer's 5 s wait: then the share is read until it shows (consent is
 * what is tested here, not projection lag).
 */
async function requestShare(csr: Party, id: string): Promise<string> {
  const shares = async (answer: any) => (answer.activities.shares as { shareId: string; status: string }[]).find((sh) => sh.status === 'requested')?.shareId;
  const first = await shares(
    await gql(t.url, csr.token, 'mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { activities { shares { shareId status } } } }', { id }),
  );
  if (first) return first;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = await shares(await gql(t.url, csr.token, 'query($id: ID!) { session(id: $id) { activities { shares { shareId status } } } }', { id }));
    if (shown) return shown;
    if (Date.now() > deadline) throw new Error(`the requested share of ${id} never showed`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const approveShare = (customer: Party, id: string, sh: string) =>
  gql(t.url, customer.token, 'mutation($id: ID!, $sh: String!) { approveShare(id: $id, shareId: $sh) { id } }', { id, sh });

/** A new session; its start is retried with the same commandId (idempotent) while the read model has not shown it yet. */
async function newSession(csr: Party, customers: Party[], helper?: Party) {
  const commandId = `start-${++seq}`;
  const deadline = Date.now() + 60_000;
  let s: { id: string; number: string };
  for (;;) {
    try {
      s = await gql(t.url, csr.token, 'mutation($c: String!) { startSession(commandId: $c) { id number } }', { c: commandId });
      break;
    } catch (error) {
      if (!String(error).includes('SESSION_NOT_FOUND') || Date.now() > deadline) throw error;
    }
  }
  for (const c of customers) await gql(t.url, c.token, 'mutation($n: String!) { joinSession(number: $n, as: customer) { id } }', { n: s.number });
  if (helper) await gql(t.url, helper.token, 'mutation($n: String!) { joinSession(number: $n, as: helper) { id } }', { n: s.number });
  return s.id;
}

// SHR-4: the customer ends the share; the CSR's desktop frames stop.
const endShareRounds = () =>
  lanes(async (lane, rounds, tally) => {
    const [csr, customer] = [await duo(await party('csr', ['csr'])), await duo(await party('cust', ['customer']))];
    const id = await newSession(csr.p, [customer.p]);
    await joinAll(id, csr, customer);
    for (const r of rounds) {
      const shareId = await requestShare(csr.p, id);
      await approveShare(customer.p, id, shareId);
      await proveFlowing(csr, customer, id, shareId, lane, r);
      await gql(commandNode(r), customer.p.token, 'mutation($id: ID!, $sh: String!) { endShare(id: $id, shareId: $sh) { id } }', { id, sh: shareId });
      await fireAfterAnswer(tally, lane, r, csr, id, customer.p.id, shareId, 'SHARE_NOT_APPROVED');
      tally.rounds++;
    }
    tally.leaked.push(...leakedTo(customer));
  });

// CTL-4: control moves to the other CSR; the old controller's desktop frames stop.
const transferControlRounds = () =>
  lanes(async (lane, rounds, tally) => {
    const [csr, helper, customer] = [await duo(await party('csr', ['csr'])), await duo(await party('helper', ['csr'])), await duo(await party('cust', ['customer']))];
    const id = await newSession(csr.p, [customer.p], helper.p);
    await joinAll(id, csr, helper, customer);
    for (const [k, r] of rounds.entries()) {
      const [controller, next] = k % 2 ? [helper, csr] : [csr, helper];
      const shareId = await requestShare(controller.p, id);
      await approveShare(customer.p, id, shareId);
      await proveFlowing(controller, customer, id, shareId, lane, r);
      await gql(commandNode(r), controller.p.token, 'mutation($id: ID!, $to: String!) { transferControl(id: $id, toUserId: $to) { id } }', { id, to: next.p.id });
      await fireAfterAnswer(tally, lane, r, controller, id, customer.p.id, shareId, 'SHARE_NOT_APPROVED');
      tally.rounds++;
    }
    tally.leaked.push(...leakedTo(customer));
  });

// MC-3: the CSR switches to the other customer; desktop frames to the first one stop.
const selectCustomerRounds = () =>
  lanes(async (lane, rounds, tally) => {
    const [csr, c1, c2] = [await duo(await party('csr', ['csr'])), await duo(await party('cust', ['customer'])), await duo(await party('cust', ['customer']))];
    const id = await newSession(csr.p, [c1.p, c2.p]);
    await joinAll(id, csr, c1, c2);
    for (const [k, r] of rounds.entries()) {
      // c1 is active first (MC-1: the first to join); the CSR switches back and forth.
      const [active, other] = k % 2 ? [c2, c1] : [c1, c2];
      const shareId = await requestShare(csr.p, id);
      await approveShare(active.p, id, shareId);
      await proveFlowing(csr, active, id, shareId, lane, r);
      await gql(commandNode(r), csr.p.token, 'mutation($id: ID!, $c: String!) { selectActiveCustomer(id: $id, customerId: $c) { id } }', { id, c: other.p.id });
      await fireAfterAnswer(tally, lane, r, csr, id, active.p.id, shareId, 'SHARE_NOT_APPROVED');
      tally.rounds++;
    }
    tally.leaked.push(...leakedTo(c1), ...leakedTo(c2));
  });

// SES-7: the CSR ends the session; nothing is relayed any more (here: video, which needs no approval round).
const endSessionRounds = () =>
  lanes(async (lane, rounds, tally) => {
    const [csr, customer] = [await duo(await party('csr', ['csr'])), await duo(await party('cust', ['customer']))];
    for (const r of rounds) {
      const id = await newSession(csr.p, [customer.p]);
      await gql(t.url, csr.p.token, 'mutation($id: ID!) { startVideo(id: $id, cameraAvailable: true) { id } }', { id });
      await joinAll(id, csr, customer);
      await proveFlowing(csr, customer, id, undefined, lane, r, 'video');
      await gql(commandNode(r), csr.p.token, 'mutation($id: ID!) { endSession(id: $id) { id } }', { id });
      await fireAfterAnswer(tally, lane, r, csr, id, customer.p.id, undefined, 'SESSION_ENDED', 'video');
      tally.rounds++;
    }
    tally.leaked.push(...leakedTo(customer));
  });

const expectNoLeak = (tally: Tally) => {
  expect(tally.leaked).toEqual([]);
  expect(tally).toMatchObject({ rounds: ROUNDS, refused: ROUNDS * 2 * AFTER });
};

// Generous timeouts for a heavily shared machine: one CTL-4 run of 200 rounds took about 280 s at load 24 on 2 cores.
describe(`consent ends before the answer: ${ROUNDS} rounds each, 10 busy sessions around, peers on one node and on two`, () => {
  it('SHR-4 after endShare is answered, 0 desktop frames reach the customer (same node and other node)', async () => expectNoLeak(await endShareRounds()), 900_000);
  it(
    "CTL-4 after transferControl is answered, 0 of the old controller's desktop frames reach the customer (same node and other node)",
    async () => expectNoLeak(await transferControlRounds()),
    900_000,
  );
  it(
    'MC-3 after selectActiveCustomer is answered, 0 desktop frames reach the customer switched away from (same node and other node)',
    async () => expectNoLeak(await selectCustomerRounds()),
    900_000,
  );
  it('SES-7 after endSession is answered, 0 video frames reach the customer (same node and other node)', async () => expectNoLeak(await endSessionRounds()), 900_000);
});
