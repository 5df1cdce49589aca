import { createClient, type Client } from 'graphql-ws';
import request from 'supertest';
import { WebSocket } from 'ws';
import { graphqlClient, until } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => (t = await startTestApp()));
afterAll(() => t.close());

const { gql } = graphqlClient(() => t.url);

/** The value of one sample in the Prometheus text format, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    const have = inside ? inside.split(/,(?=[a-z_]+=")/) : [];
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
const scrape = async () => (await request(t.url).get('/metrics').expect(200)).text;

describe('/metrics after a scripted session', () => {
  let signalling: WebSocket;
  let subscriptions: Client;

  afterAll(async () => {
    signalling?.close();
    await subscriptions?.dispose();
  });

  it('counts commands by type, outcome and refusal code; times them; labels GraphQL by operation; reads lag, live sessions, sockets, subscriptions, frames and jobs', async () => {
    const csr = await t.token('metrics-csr', ['csr']);
    const helper = await t.token('metrics-helper', ['csr']);
    const started = await gql(
      csr,
      'mutation StartForMetrics { startSession(invitations: [{ channel: email, invitee: customer, address: "metrics-customer@example.test" }]) { id number } }',
    );
    const session = started.data!.startSession as { id: string; number: string };
    expect((await gql(csr, 'mutation Chat($id: ID!) { sendChatMessage(id: $id, text: "hello") { id } }', { id: session.id })).errors).toBeUndefined();
    await gql(helper, 'mutation JoinAsHelper($n: String!) { joinSession(number: $n, as: helper) { id } }', { n: session.number });
    // A helper may not end the session (SES-6): a refusal with its code.
    const refused = await gql(helper, 'mutation EndByHelper($id: ID!) { endSession(id: $id) { id } }', { id: session.id });
    const refusalCode = refused.errors![0]!.extensions.code;

    // A signalling socket, with one malformed frame; a GraphQL socket with a live subscription.
    signalling = new WebSocket(`${t.url.replace(/^http/, 'ws')}/signalling?access_token=${encodeURIComponent(csr)}`);
    await new Promise((resolve, reject) => signalling.once('open', resolve).once('error', reject));
    const refusal = new Promise((resolve) => signalling.once('message', resolve));
    signalling.send('not json');
    await refusal;
    subscriptions = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${csr}` },
      retryAttempts: 0,
    });
    const changes = subscriptions.iterate({ query: `subscription { sessionChanged(id: "${session.id}") { id } }` });
    void changes.next();

    const text = await until(
      'every metric to show the script',
      async () => {
        const body = await scrape();
        const ready =
          (sample(body, 'tandem_subscriptions', { feed: 'sessions' }) ?? 0) >= 1 && /tandem_jobs_total\{queue="tandem-mail",name="[^"]+",outcome="completed"\} [1-9]/.test(body);
        return ready ? body : undefined;
      },
      30_000,
      200,
    );

    expect(sample(text, 'tandem_commands_total', { type: 'StartSession', outcome: 'ok', code: '' })).toBe(1);
    expect(sample(text, 'tandem_commands_total', { type: 'SendChatMessage', outcome: 'ok', code: '' })).toBe(1);
    expect(sample(text, 'tandem_commands_total', { type: 'EndSession', outcome: 'refused', code: String(refusalCode) })).toBe(1);
    expect(sample(text, 'tandem_command_duration_seconds_count', { type: 'StartSession' })).toBe(1);
    expect(sample(text, 'tandem_command_duration_seconds_sum', { type: 'StartSession' })).toBeGreaterThan(0);
    expect(sample(text, 'tandem_graphql_operation_duration_seconds_count', { operation: 'StartForMetrics', kind: 'mutation', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'tandem_graphql_operation_duration_seconds_count', { operation: 'EndByHelper', kind: 'mutation', outcome: 'error' })).toBe(1);
    // The lag gauges exist per projection and are sane (never negative).
    const lag = sample(text, 'tandem_projection_lag_seconds', { projection: 'session_view' });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'tandem_projection_lag_events', { projection: 'session_view' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'tandem_live_sessions', { status: 'active' })).toBe(1);
    expect(sample(text, 'tandem_open_sockets', { endpoint: 'signalling' })).toBe(1);
    expect(sample(text, 'tandem_open_sockets', { endpoint: 'graphql' })).toBe(1);
    expect(sample(text, 'tandem_subscriptions', { feed: 'sessions' })).toBe(1);
    expect(sample(text, 'tandem_signalling_frames_total', { outcome: 'refused', code: 'BAD_FRAME' })).toBe(1);
    // GraphQL requests are one route, not the Express 5 wildcard pattern.
    expect(text).toMatch(/tandem_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} [1-9]/);
  });
});
