import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import request from 'supertest';
import WebSocket from 'ws';
import { SessionChangeFeed, QueueChangeFeed } from '../../src/application/projections/change-feed.js';
import { GRAPHQL_LIMITS } from '../../src/api/graphql/graphql-edge.js';
import { MAX_JSON_DEPTH } from '../../src/api/http/input-guard.js';
import { withoutCredentials } from '../../src/app.module.js';
import { signToken } from '../../src/infrastructure/identity/jwt.js';
import { graphqlClient, until } from '../support/graphql.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app.js';

let t: TestApp;
let pool: pg.Pool;
beforeAll(async () => {
  t = await startTestApp();
  pool = new pg.Pool({ connectionString: t.db.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await t.close();
});

const { gql } = graphqlClient(() => t.url);
const eventCount = async () => Number((await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events')).rows[0]!.n);
const NUL = '\u0000';
const LONE = '\ud800';

describe('text PostgreSQL cannot store is refused at the edge (issue 11 item 1)', () => {
  it('a NUL or a lone surrogate in a REST body, path segment or query parameter is a 400 INVALID_TEXT naming the field', async () => {
    const csr = await t.token('edge-csr', ['csr']);
    const before = await eventCount();
    const body = await request(t.url)
      .post('/api/v1/sessions')
      .set('authorization', `Bearer ${csr}`)
      .send({ customer: { customerId: `c${NUL}` } });
    expect(body.status).toBe(400);
    expect(body.body).toMatchObject({ code: 'INVALID_TEXT', field: 'customer.customerId' });
    const key = await request(t.url).post('/api/v1/sessions').set('authorization', `Bearer ${csr}`).set('content-type', 'application/json').send(`{"x\\ud800":1}`);
    expect(key.status).toBe(400);
    expect(key.body.code).toBe('INVALID_TEXT');
    const path = await request(t.url).get('/api/v1/queues/%00').set('authorization', `Bearer ${csr}`);
    expect(path.status).toBe(400);
    expect(path.body).toMatchObject({ code: 'INVALID_TEXT', field: 'path' });
    const reporter = await t.token('edge-reporter', ['reporting']);
    const query = await request(t.url)
      .get('/api/v1/reports/csr-activity?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&csrId=%ED%A0%80')
      .set('authorization', `Bearer ${reporter}`);
    expect(query.status).toBe(200); // invalid UTF-8 in a query decodes to U+FFFD, which is storable
    const nulQuery = await request(t.url)
      .get('/api/v1/reports/csr-activity?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&csrId=%00')
      .set('authorization', `Bearer ${reporter}`);
    expect(nulQuery.status).toBe(400);
    expect(nulQuery.body).toMatchObject({ code: 'INVALID_TEXT', field: 'query.csrId' });
    expect(await eventCount()).toBe(before);
  });

  it('SES-2 the public help form refuses a NUL in the name and a lone surrogate in the problem, without a token', async () => {
    const before = await eventCount();
    const form = { queueId: 'q', name: `Ann${NUL}`, email: 'ann@example.test', problem: 'help', originUrl: 'https://shop.example.test/' };
    const nul = await request(t.url).post('/api/v1/inbound').send(form);
    expect(nul.status).toBe(400);
    expect(nul.body).toMatchObject({ code: 'INVALID_TEXT', field: 'name' });
    const lone = await request(t.url)
      .post('/api/v1/inbound')
      .send({ ...form, name: 'Ann', problem: `x${LONE}y` });
    expect(lone.status).toBe(400);
    expect(lone.body).toMatchObject({ code: 'INVALID_TEXT', field: 'problem' });
    expect(await eventCount()).toBe(before);
  });

  it('GraphQL: a NUL in a variable or an inline literal is a 400 INVALID_TEXT', async () => {
    const csr = await t.token('edge-gql', ['csr']);
    const variable = await request(t.url)
      .post('/graphql')
      .set('authorization', `Bearer ${csr}`)
      .send({ query: 'mutation($c: String!) { startSession(customer: { customerId: $c }) { id } }', variables: { c: `a${NUL}` } });
    expect(variable.status).toBe(400);
    expect(variable.body.errors[0].extensions).toMatchObject({ code: 'INVALID_TEXT', field: 'variables.c' });
    const literal = await request(t.url)
      .post('/graphql')
      .set('authorization', `Bearer ${csr}`)
      .send({ query: 'mutation { startSession(customer: { customerId: "a\\u0000" }) { id } }' });
    expect(literal.status).toBe(400);
    expect(literal.body.errors[0].extensions.code).toBe('INVALID_TEXT');
    const surrogate = await request(t.url)
      .post('/graphql')
      .set('authorization', `Bearer ${csr}`)
      .send({ query: 'mutation { startSession(customer: { customerId: "a\\ud800" }) { id } }' });
    expect(surrogate.status).toBe(400); // graphql-js refuses a lone surrogate escape as a syntax error
    expect(surrogate.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('a token whose sub holds a NUL is refused as unauthenticated, never a 500', async () => {
    const token = await signToken(TEST_JWT_SECRET, { sub: `u${NUL}`, roles: ['csr'] });
    const res = await request(t.url).get('/api/v1/me').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
  });
});

describe('deep JSON (issue 11 item 3)', () => {
  it(`a body nested 3,000 levels deep is refused with 400 JSON_TOO_DEEP before it is parsed; ${MAX_JSON_DEPTH} levels are fine`, async () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    const inbound = await request(t.url).post('/api/v1/inbound').set('content-type', 'application/json').send(`{"queueId":${deep}}`);
    expect(inbound.status).toBe(400);
    expect(inbound.body.code).toBe('JSON_TOO_DEEP');
    const graphql = await request(t.url).post('/graphql').set('content-type', 'application/json').send(`{"query":"{ health }","variables":{"x":${deep}}}`);
    expect(graphql.status).toBe(400);
    expect(graphql.body.errors[0].extensions.code).toBe('JSON_TOO_DEEP');
    const shallow = '['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1);
    const fine = await request(t.url).post('/api/v1/inbound').set('content-type', 'application/json').send(`{"queueId":${shallow}}`);
    expect(fine.status).toBe(400);
    expect(fine.body.code).toBe('BAD_REQUEST'); // parsed, then refused by the DTO: queueId must be a string
  });
});

describe('GraphQL limits (issue 11 item 4)', () => {
  it('aliases, depth, tokens and more than one mutation field are each refused with their own code and a 400', async () => {
    const csr = await t.token('limits-csr', ['csr']);
    const post = (query: string) => request(t.url).post('/graphql').set('authorization', `Bearer ${csr}`).send({ query });
    const aliases = await post(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: sessions(limit: 100) { total }`).join(' ')} }`);
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors[0].extensions.code).toBe('TOO_MANY_TOKENS');
    const fewer = await post(`{ ${Array.from({ length: GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: health`).join(' ')} }`);
    expect(fewer.status).toBe(400);
    expect(fewer.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain('TOO_MANY_ALIASES');
    const deep = await post(`{ ${'__typename '.repeat(1)}${'session(id: "x") { activities { shares { shareId } } }'} }`);
    expect(deep.status).toBe(200); // an ordinary depth is fine
    const before = await eventCount();
    const two = await post('mutation { a: startSession { id } b: startSession { id } }');
    expect(two.status).toBe(400);
    expect(two.body.errors[0].extensions.code).toBe('TOO_MANY_MUTATIONS');
    expect(await eventCount()).toBe(before);
  });

  it('a subscription sent over HTTP POST is a 400 SUBSCRIPTION_OVER_HTTP', async () => {
    const csr = await t.token('limits-sub', ['csr']);
    const res = await request(t.url).post('/graphql').set('authorization', `Bearer ${csr}`).send({ query: 'subscription { mySessionsChanged { id } }' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('SUBSCRIPTION_OVER_HTTP');
  });

  it('introspection needs a token unless development is asked for; errors carry no stack trace', async () => {
    const anonymous = await request(t.url).post('/graphql').send({ query: '{ __schema { queryType { name } } }' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const csr = await t.token('limits-introspect', ['csr']);
    const signed = await gql(csr, '{ __schema { queryType { name } } }');
    expect(signed.data?.__schema.queryType.name).toBe('Query');
    const failing = await request(t.url).post('/graphql').send({ query: '{ nope }' });
    expect(JSON.stringify(failing.body)).not.toMatch(/stacktrace|\/src\//);
  });
});

describe('what answers and logs give away (issue 11 item 8)', () => {
  it('helmet headers with a CSP on pages, no X-Powered-By, Cache-Control no-store on private answers', async () => {
    const csr = await t.token('headers-csr', ['csr']);
    const me = await request(t.url).get('/api/v1/me').set('authorization', `Bearer ${csr}`).expect(200);
    expect(me.headers['x-powered-by']).toBeUndefined();
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.headers['x-content-type-options']).toBe('nosniff');
    const graphql = await request(t.url).post('/graphql').set('authorization', `Bearer ${csr}`).send({ query: '{ whoami { userId } }' });
    expect(graphql.headers['cache-control']).toBe('no-store');
    const page = await request(t.url).get('/');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-powered-by']).toBeUndefined();
  });

  it('a credential in a query string is redacted from logged URLs whatever the case of the path or the name', () => {
    expect(withoutCredentials('/PAGES/csr.html?TOKEN=abc.def&x=1')).toBe('/PAGES/csr.html?TOKEN=[redacted]&x=1');
    expect(withoutCredentials('/join/refresh?Access_Token=abc')).toBe('/join/refresh?Access_Token=[redacted]');
    expect(withoutCredentials('/signalling?access_token=abc')).toBe('/signalling?access_token=[redacted]');
    expect(withoutCredentials('/api/v1/sessions?status=active')).toBe('/api/v1/sessions?status=active');
  });
});

describe('the edge for every path the router takes (issue 11, on Fastify)', () => {
  it('a path spelled another way (percent-encoded, upper case, trailing slash) meets the same rules: no-store and the GraphQL token limit', async () => {
    const csr = await t.token('spelling-csr', ['csr']);
    const tooMany = JSON.stringify({ query: `{ ${'whoami '.repeat(GRAPHQL_LIMITS.maxTokens + 1)}}` });
    for (const path of ['/graphql', '/%67raphql', '/GRAPHQL', '/graphql/']) {
      const res = await request(t.url).post(path).set('authorization', `Bearer ${csr}`).set('content-type', 'application/json').send(tooMany);
      expect({ path, status: res.status, code: res.body.code, graphql: res.body.errors?.[0]?.extensions?.code }).toEqual({
        path,
        status: 400,
        code: 'TOO_MANY_TOKENS',
        graphql: 'TOO_MANY_TOKENS',
      });
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const me = await request(t.url).get('/%61pi/v1/me').set('authorization', `Bearer ${csr}`).expect(200);
    expect(me.headers['cache-control']).toBe('no-store');
  });

  it('a URL the router cannot decode is 400 INVALID_TEXT and an over-long path segment 414 URI_TOO_LONG, each with the edge headers', async () => {
    const csr = await t.token('url-csr', ['csr']);
    const bad = await request(t.url).get('/api/v1/queues/%zz').set('authorization', `Bearer ${csr}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_TEXT', field: 'path' });
    expect(bad.headers['cache-control']).toBe('no-store');
    expect(bad.headers['x-content-type-options']).toBe('nosniff');
    // (A GET of an over-long segment is the API's 404: no route takes it.)
    const long = await request(t.url)
      .post(`/api/v1/sessions/${'s'.repeat(5000)}/commands/end`)
      .set('authorization', `Bearer ${csr}`)
      .send({});
    expect(long.status).toBe(414);
    expect(long.body).toMatchObject({ code: 'URI_TOO_LONG', field: 'path' });
  });

  it('JSON bodies: gzip and deflate are inflated and meet the same rules, another encoding or a charset other than UTF-8 is 415 naming the header, a broken gzip is 400; nothing is written', async () => {
    const { gzipSync, deflateSync } = await import('node:zlib');
    const csr = await t.token('encoding-csr', ['csr']);
    const before = await eventCount();
    // fetch sends the bytes as given (supertest would serialise a Buffer as JSON).
    const post = async (headers: Record<string, string>, body: Buffer | string) => {
      const res = await fetch(`${t.url}/api/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${csr}`, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
      return { status: res.status, body: (await res.json()) as { code?: string; field?: string } };
    };
    const nul = JSON.stringify({ customer: { customerId: `c${NUL}` } });
    for (const [encoding, body] of [
      ['gzip', gzipSync(nul)],
      ['deflate', deflateSync(nul)],
    ] as const) {
      const res = await post({ 'content-encoding': encoding }, body);
      expect({ encoding, status: res.status, code: res.body.code, field: res.body.field }).toEqual({ encoding, status: 400, code: 'INVALID_TEXT', field: 'customer.customerId' });
    }
    const other = await post({ 'content-encoding': 'zstd' }, 'xx');
    expect(other.status).toBe(415);
    expect(other.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', field: 'Content-Encoding' });
    const latin1 = await post({ 'content-type': 'application/json; charset=latin1' }, '{}');
    expect(latin1.status).toBe(415);
    expect(latin1.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', field: 'Content-Type' });
    const broken = await post({ 'content-encoding': 'gzip' }, 'not gzip at all');
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('BAD_REQUEST');
    expect(await eventCount()).toBe(before);
  });

  it('an oversized body is answered 413 with its field, and the connection is kept (not cut while the client may still be sending)', async () => {
    const csr = await t.token('large-csr', ['csr']);
    const agent = request.agent(t.url);
    const huge = JSON.stringify({ query: 'x'.repeat(1_000_000) });
    const tooBig = await agent.post('/graphql').set('authorization', `Bearer ${csr}`).set('content-type', 'application/json').send(huge);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'body' });
    expect(tooBig.body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(tooBig.headers.connection).not.toBe('close');
    await agent.get('/api/v1/me').set('authorization', `Bearer ${csr}`).expect(200);
  });
});

describe('reserved field names (issue 11: a kind found by the generated requests)', () => {
  it('a body naming constructor, __proto__ or prototype at any depth is a 400 INVALID_FIELD_NAME naming the field, never a 500, and writes nothing (the query parser already drops such names)', async () => {
    const csr = await t.token('reserved-csr', ['csr']);
    const { ok } = graphqlClient(() => t.url);
    const id = (await ok(csr, 'mutation { startSession { id } }')).id as string;
    const send = (url: string, body: unknown) => request(t.url).post(url).set('authorization', `Bearer ${csr}`).set('content-type', 'application/json').send(JSON.stringify(body));
    const cases: [string, unknown, string][] = [
      [`/api/v1/sessions/${id}/commands/publish-file`, { fileName: 'a.txt', commandId: { constructor: 1 } }, 'commandId.constructor'],
      [`/api/v1/sessions/${id}/commands/save-note`, { text: 'x', nested: [{ prototype: {} }] }, 'nested[0].prototype'],
      [`/api/v1/sessions/${id}/commands/save-note`, JSON.parse('{"text":"x","__proto__":{"admin":true}}'), '__proto__'],
      ['/graphql', { query: 'mutation($id: ID!) { endSession(id: $id) { id } }', variables: { id, constructor: { a: 1 } } }, 'variables.constructor'],
    ];
    for (const [url, body, field] of cases) {
      const res = await send(url, body);
      expect([url, res.status, res.body.code, res.body.field]).toEqual([url, 400, 'INVALID_FIELD_NAME', field]);
    }
    const session = await ok(csr, 'query($id: ID!) { session(id: $id) { status version } }', { id });
    expect(session).toEqual({ status: 'active', version: 0 });
  });
});

describe('an explicit null means the field is left out (issue 11: a kind found by the consoles)', () => {
  it('null for after, the list filters and the optional invitations answers as if they were absent; null for a required field is a 400 naming it; nothing is written by a refusal', async () => {
    const csr = await t.token('null-csr', ['csr']);
    const supervisor = await t.token('null-supervisor', ['supervisor']);
    const { ok } = graphqlClient(() => t.url);
    // Apollo Client sends `after: null` when a page has no token (the CSR's console opened from a link).
    const started = await ok(csr, 'mutation { startSession(invitations: null) { id consistencyToken } }');
    const asked = 'query($id: ID!, $after: String) { session(id: $id, after: $after) { id status } }';
    expect(await ok(csr, asked, { id: started.id, after: null })).toEqual({ id: started.id, status: 'active' });
    expect(await ok(csr, `query($id: ID!) { session(id: $id, after: null) { id } }`, { id: started.id })).toEqual({ id: started.id });
    const mine = await ok(csr, 'query($after: String) { mySessions(status: null, after: $after) { id } }', { after: started.consistencyToken });
    expect(mine).toContainEqual({ id: started.id });
    const all = await ok(supervisor, 'query { sessions(status: null, csrId: null, customerId: null, from: null, to: null, after: null) { total } }');
    expect(all.total).toBeGreaterThanOrEqual(1);

    const before = await eventCount();
    const note = await request(t.url).post(`/api/v1/sessions/${started.id}/commands/save-note`).set('authorization', `Bearer ${csr}`).send({ text: null });
    expect([note.status, note.body.code]).toEqual([400, 'BAD_REQUEST']);
    expect(note.body.errors).toEqual([{ field: 'text', constraints: { isString: 'text must be a string' } }]);
    expect(await eventCount()).toBe(before);
  });
});

describe('graphql-ws edge (issue 11 items 9 and 10)', () => {
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  });
  const connect = (connectionParams: Record<string, unknown>, onClose?: (code: number) => void) => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      on: { closed: (event) => onClose?.((event as { code: number }).code) },
    });
    clients.push(client);
    return client;
  };

  it('a connection_init whose authorization is an object closes with 4400, not 4500', async () => {
    let code = 0;
    const client = connect({ authorization: { toString: 'x' } }, (c) => (code = c));
    const updates = client.iterate({ query: 'subscription { mySessionsChanged { id } }' });
    await expect(updates.next()).rejects.toBeDefined();
    await until('the socket closes', async () => code !== 0);
    expect(code).toBe(4400);
  });

  it('closing sessionChanged, mySessionsChanged, queueChanged and myOffersChanged releases every listener at once (0 left)', async () => {
    const sessions = t.app.get(SessionChangeFeed);
    const queues = t.app.get(QueueChangeFeed);
    const baseSessions = sessions.listenerCount;
    const baseQueues = queues.listenerCount;
    const csr = await t.token('quiet-csr', ['csr']);
    const admin = await t.token('quiet-admin', ['admin']);
    const { ok } = graphqlClient(() => t.url);
    const id = (await ok(csr, 'mutation { startSession { id } }')).id as string;
    const queueId = (await ok(admin, 'mutation($a: [String!]!) { createQueue(name: "quiet", agentIds: $a, offerTimeoutMs: 5000) { id } }', { a: ['quiet-csr'] })).id as string;
    const client = connect({ authorization: `Bearer ${csr}` });
    const iterators = [
      client.iterate({ query: 'subscription($id: ID!) { sessionChanged(id: $id) { id } }', variables: { id } }),
      client.iterate({ query: 'subscription { mySessionsChanged { id } }' }),
      client.iterate({ query: 'subscription($q: ID!) { queueChanged(queueId: $q) { id } }', variables: { q: queueId } }),
      client.iterate({ query: 'subscription { myOffersChanged { offerId } }' }),
    ];
    const pending = iterators.map((it) => it.next());
    await until('4 listeners', async () => sessions.listenerCount === baseSessions + 2 && queues.listenerCount === baseQueues + 2);
    // Nothing changes: the feeds stay quiet while the client closes two subscriptions, then the socket.
    await iterators[0]!.return!();
    await iterators[2]!.return!();
    await until('2 listeners released by complete', async () => sessions.listenerCount === baseSessions + 1 && queues.listenerCount === baseQueues + 1);
    await client.dispose();
    await until('every listener released by the socket closing', async () => sessions.listenerCount === baseSessions && queues.listenerCount === baseQueues);
    expect(sessions.listenerCount).toBe(baseSessions);
    expect(queues.listenerCount).toBe(baseQueues);
    void Promise.allSettled(pending);
  });
});

describe('the two queue mutations (issue 11 item 13)', () => {
  it('configureQueue as admin and leaveQueue as the customer who owns the item work over GraphQL', async () => {
    const admin = await t.token('mut-admin', ['admin']);
    const { ok } = graphqlClient(() => t.url);
    const queue = await ok(admin, 'mutation($a: [String!]!) { createQueue(name: "mutations", agentIds: $a, offerTimeoutMs: 5000) { id } }', { a: ['mut-agent'] });
    const configured = await ok(admin, 'mutation($q: ID!) { configureQueue(queueId: $q, name: "renamed") { id name } }', { q: queue.id });
    expect(configured).toEqual({ id: queue.id, name: 'renamed' });
    await ok(admin, 'mutation { changeSiteSettings(webacdEnabled: true) { webacdEnabled } }');
    const ticket = await request(t.url)
      .post('/api/v1/inbound')
      .send({ queueId: queue.id, name: 'Ann', email: 'ann@example.test', problem: 'help', originUrl: 'https://shop.example.test/' })
      .expect(201);
    const left = await gql(ticket.body.token, 'mutation($q: ID!, $i: ID!) { leaveQueue(queueId: $q, itemId: $i) }', { q: queue.id, i: ticket.body.itemId });
    expect(left.errors).toBeUndefined();
    expect(left.data!.leaveQueue).toBe(true);
  });
});
