import WebSocket from 'ws';
import { graphqlClient, until } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * What the browser consoles need from the signalling gateway: the token offered as a
 * subprotocol (never in the URL), and `peer-joined` so whoever opened first offers again.
 */
let t: TestApp;
const open: WebSocket[] = [];
const { ok } = graphqlClient(() => t.url);

beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(async () => {
  for (const ws of open) ws.terminate();
  await t?.close();
}, 60_000);

async function connect(protocols: string[]): Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/signalling`, protocols);
  open.push(ws);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

describe('signalling for the consoles', () => {
  it('SHR-4 a browser authenticates with a `bearer.<JWT>` subprotocol; the server answers `tandem` and never echoes the token', async () => {
    const csr = await t.token('csr-proto', ['csr']);
    const s = await ok(csr, `mutation { startSession { id } }`);
    const { ws, frames } = await connect(['tandem', `bearer.${csr}`]);
    expect(ws.protocol).toBe('tandem');
    ws.send(JSON.stringify({ type: 'join', sessionId: s.id }));
    await until('joined', async () => frames.find((f) => f.type === 'joined'));

    const refused = await connect(['tandem', 'bearer.not-a-token']);
    await until('refused', async () => frames.length >= 0 && refused.frames.find((f) => f.type === 'error'));
    expect(refused.frames[0]).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('SHR-4 when a participant joins, the others get `peer-joined` naming them (either peer may open first)', async () => {
    const csr = await t.token('csr-peer', ['csr']);
    const customer = await t.token('cust-peer', ['customer']);
    const s = await ok(csr, `mutation { startSession { id number } }`);
    await ok(customer, `mutation($n: String!) { joinSession(number: $n, as: customer) { id } }`, { n: s.number });
    const first = await connect(['tandem', `bearer.${customer}`]);
    first.ws.send(JSON.stringify({ type: 'join', sessionId: s.id }));
    await until('customer joined', async () => first.frames.find((f) => f.type === 'joined'));
    const second = await connect(['tandem', `bearer.${csr}`]);
    second.ws.send(JSON.stringify({ type: 'join', sessionId: s.id }));
    await until('csr joined', async () => second.frames.find((f) => f.type === 'joined'));
    expect(await until('peer-joined at the customer', async () => first.frames.find((f) => f.type === 'peer-joined'))).toEqual({
      type: 'peer-joined',
      sessionId: s.id,
      from: 'csr-peer',
    });
    // Nobody is told of their own arrival.
    expect(second.frames.filter((f) => f.type === 'peer-joined')).toEqual([]);
  });
});
