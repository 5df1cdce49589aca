import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { SIGNALLING_LIMITS } from '../../src/api/signalling/signalling.gateway.js';
import { graphqlClient, sleep, until } from '../support/graphql.js';
import { spawnTandem, type TandemProcess } from '../support/tandem-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Relaying on kept state (ConsentPeers): a node relays consent-gated frames without a read while
 * its relay lease is current, so a consent change answered elsewhere must reach it first, or
 * outlive its lease. Here node B is a real second process, frozen with SIGSTOP (a GC pause, a
 * stalled VM) while node A answers endShare: A cannot hear B's confirmation, so its answer waits
 * for B's lease to run out. B is thawed the moment the answer arrives, with frames of the ended
 * share already waiting in its sockets: every one must come back refused, and none may reach the
 * customer.
 */

let a: TestApp;
let b: TandemProcess;
let bUrl: string;
let db: pg.Client;
const sockets: WebSocket[] = [];
const { ok } = graphqlClient(() => a.url);

beforeAll(async () => {
  a = await startTestApp({ LOG_LEVEL: 'error' });
  // On node A's bus: the test app takes no REDIS_URL from the environment, so B must not either (.ci/run sets one).
  b = spawnTandem(mkdtempSync(join(tmpdir(), 'tandem-node-b-')), { DATABASE_URL: a.db.url, REDIS_URL: a.config.redisUrl ?? '' });
  bUrl = await b.listening;
  db = new pg.Client({ connectionString: a.db.url });
  await db.connect();
}, 120_000);
afterAll(async () => {
  b?.child.kill('SIGCONT');
  for (const ws of sockets) ws.terminate();
  await db?.end();
  await b?.stop();
  await a?.close();
});

type Frame = Record<string, any>;

/** A signalling socket keeping every frame it gets. */
async function socket(base: string, token: string): Promise<{ ws: WebSocket; frames: Frame[] }> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/signalling?access_token=${encodeURIComponent(token)}`);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

const desktop = (sessionId: string, to: string, shareId: string, ref: string) =>
  JSON.stringify({ type: 'signal', sessionId, to, media: 'desktop', shareId, kind: 'candidate', payload: { ref }, ref });

/**
 * A session of `csr` and `customer` with an approved desktop share; the CSR's socket joined on
 * `csrNode`, the customer's on `customerNode` (base URLs).
 */
async function sharing(csrId: string, customerId: string, csrNode: string, customerNode: string) {
  const csrToken = await a.token(csrId, ['csr']);
  const customerToken = await a.token(customerId, ['customer']);
  const s = await ok(csrToken, 'mutation { startSession { id number } }');
  await ok(customerToken, 'mutation($n: String!) { joinSession(number: $n, as: customer) { id } }', { n: s.number });
  const requested = await ok(csrToken, 'mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { activities { shares { shareId status } } } }', { id: s.id });
  const shareId = (requested.activities.shares as { shareId: string }[])[0]!.shareId as string;
  await ok(customerToken, 'mutation($id: ID!, $sh: String!) { approveShare(id: $id, shareId: $sh) { id } }', { id: s.id, sh: shareId });
  const customer = await socket(customerNode, customerToken);
  const csr = await socket(csrNode, csrToken);
  for (const [p, ref] of [
    [customer, 'j-customer'],
    [csr, 'j-csr'],
  ] as const) {
    p.ws.send(JSON.stringify({ type: 'join', sessionId: s.id, ref }));
    await until(`joined ${ref}`, async () => p.frames.find((f) => f.type === 'joined' || f.ref === ref));
    expect(p.frames.find((f) => f.ref === ref || f.type === 'joined')).toMatchObject({ type: 'joined' });
  }
  return { sessionId: s.id as string, shareId, csrToken, customerToken, csr, customer };
}

/**
 * Proves a frame of the share reaches the customer, then freezes node B (SIGSTOP) and sends 20
 * more frames named `<prefix>-<i>` from the CSR's socket; returns their refs. The caller thaws B.
 */
async function freezeWithFramesSent(p: Awaited<ReturnType<typeof sharing>>, customerId: string, prefix: string): Promise<string[]> {
  p.csr.ws.send(desktop(p.sessionId, customerId, p.shareId, 'before'));
  await until('the frame before the pause at the customer', async () => p.customer.frames.some((f) => f.type === 'signal' && f.payload?.ref === 'before'));
  b.child.kill('SIGSTOP');
  const refs = Array.from({ length: 20 }, (_, i) => `${prefix}-${i}`);
  for (const ref of refs) p.csr.ws.send(desktop(p.sessionId, customerId, p.shareId, ref));
  return refs;
}

describe('relay leases: a paused node', () => {
  it('SHR-4 endShare answered on node A while node B is frozen: the answer waits for B’s lease, and B, thawed, refuses every frame of the ended share', async () => {
    // Both ends on node B.
    const shared = await sharing('csr-paused', 'cust-paused', bUrl, bUrl);
    const { sessionId, shareId, csrToken, customerToken, csr, customer } = shared;
    // Both nodes hold a lease, and B relays the share.
    await until(
      'both nodes holding a relay lease',
      async () => (await db.query(`SELECT count(*)::int AS n FROM signalling_leases WHERE expires_at > clock_timestamp()`)).rows[0].n === 2,
    );
    try {
      // Frames of the share wait in B's socket while it is frozen.
      const refs = await freezeWithFramesSent(shared, 'cust-paused', 'during');
      await sleep(50);
      const asked = Date.now();
      const ended = await ok(customerToken, 'mutation($id: ID!, $sh: String!) { endShare(id: $id, shareId: $sh) { activities { shares { shareId status } } } }', {
        id: sessionId,
        sh: shareId,
      });
      const waitedMs = Date.now() - asked;
      b.child.kill('SIGCONT');
      expect(ended.activities.shares).toEqual([]);
      // A node that never confirms holds a consent change up for at most its lease, not for ever.
      expect(waitedMs).toBeLessThan(SIGNALLING_LIMITS.relayLeaseMs + 15_000);

      // Each frame is either refused (an error with its ref to the sender) or relayed (at the customer): wait until each is one or the other.
      const leaked = () => customer.frames.filter((f) => f.type === 'signal' && String(f.payload?.ref).startsWith('during-')).map((f) => f.payload.ref as string);
      await until('every frame sent during the pause refused or relayed', async () => refs.every((ref) => csr.frames.some((f) => f.ref === ref) || leaked().includes(ref)), 30_000);
      expect(leaked()).toEqual([]);
      for (const ref of refs) expect(csr.frames.find((f) => f.ref === ref)).toMatchObject({ type: 'error', code: 'SHARE_NOT_APPROVED' });
      await until('close-media at the customer', async () => customer.frames.find((f) => f.type === 'close-media' && f.shareId === shareId));
    } finally {
      b.child.kill('SIGCONT');
    }

    // B, thawed, renews its lease and relays again on kept state: a new share flows.
    const again = await ok(csrToken, 'mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { activities { shares { shareId status } } } }', { id: sessionId });
    const second = (again.activities.shares as { shareId: string }[])[0]!.shareId;
    await ok(customerToken, 'mutation($id: ID!, $sh: String!) { approveShare(id: $id, shareId: $sh) { id } }', { id: sessionId, sh: second });
    csr.ws.send(desktop(sessionId, 'cust-paused', second, 'after'));
    await until('a frame of the new share at the customer', async () => customer.frames.some((f) => f.type === 'signal' && f.payload?.ref === 'after'), 20_000);
  }, 120_000);

  it('SHR-4 frames node A relayed to frozen node B before endShare was answered are not delivered by B after it: B, thawed with its lease run out, reads first', async () => {
    // The CSR on node A, the customer on node B: A relays the CSR's frames to B through the bus.
    const shared = await sharing('csr-paused-2', 'cust-paused-2', a.url, bUrl);
    const { sessionId, shareId, customerToken, csr, customer } = shared;
    try {
      // Node A relays these at once (its lease is current, the share approved): they wait in B's LISTEN socket.
      const refs = await freezeWithFramesSent(shared, 'cust-paused-2', 'across');
      await sleep(200);
      expect(csr.frames.filter((f) => refs.includes(f.ref))).toEqual([]); // relayed, not refused
      await ok(customerToken, 'mutation($id: ID!, $sh: String!) { endShare(id: $id, shareId: $sh) { id } }', { id: sessionId, sh: shareId });
      b.child.kill('SIGCONT');
      // B confirms the change (re-reads the session) and closes the customer's end; the frames queued before it must not follow.
      await until('close-media at the customer', async () => customer.frames.find((f) => f.type === 'close-media' && f.shareId === shareId), 30_000);
      await sleep(1000);
      expect(customer.frames.filter((f) => f.type === 'signal' && String(f.payload?.ref).startsWith('across-')).map((f) => f.payload.ref)).toEqual([]);
    } finally {
      b.child.kill('SIGCONT');
    }
  }, 120_000);
});
