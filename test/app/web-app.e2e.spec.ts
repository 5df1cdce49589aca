import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The consoles are served at `/` by Tandem itself (npm test builds web/dist before the suites run). */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 60_000);
afterAll(async () => t?.close(), 60_000);

const html = (path: string) => request(t.url).get(path).set('accept', 'text/html,application/xhtml+xml');

describe('the web consoles at /', () => {
  it.each(['/', '/join', '/join/123456789', '/help/support', '/console', '/console/sessions/4f8a3c1e-0000-4000-8000-000000000000'])(
    'INV-3 %s answers the app (SPA fallback)',
    async (path) => {
      const res = await html(path).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('<div id="root"></div>');
    },
  );

  it('the page runs no inline script, so a strict Content-Security-Policy holds; its hashed assets are served and cached', async () => {
    const page = (await html('/').expect(200)).text;
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1]!;
    const res = await request(t.url).get(asset).expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    await request(t.url).get('/assets/no-such-file.js').expect(404);
  });

  it("the server's own paths are untouched: API, GraphQL, docs, health and metrics", async () => {
    const api = await html('/api/v1/no-such-thing').expect(404);
    expect(api.headers['content-type']).toMatch(/json/);
    await request(t.url).get('/health').expect(200);
    expect((await request(t.url).get('/metrics').expect(200)).text).toContain('# HELP');
    const docs = await html('/docs').redirects(2);
    expect(docs.text).not.toContain('<div id="root"></div>');
    const graphql = await html('/graphql');
    expect(graphql.text).not.toContain('<div id="root"></div>');
    // GraphQL clients still reach the API at GET /graphql.
    const get = await request(t.url).get('/graphql').query({ query: '{ health { status } }' }).set('accept', 'application/json').set('apollo-require-preflight', 'true');
    expect(get.body.data?.health?.status).toBeDefined();
    // JSON clients asking for an unknown path get JSON, not the app.
    const json = await request(t.url).get('/no-such-page').set('accept', 'application/json').expect(404);
    expect(json.headers['content-type']).toMatch(/json/);
  });

  it('GraphiQL at GET /graphql is our own bundle: every script and style comes from this server, none from a CDN', async () => {
    const page = await html('/graphql').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('id="graphiql"');
    const refs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/assets\//);
      await request(t.url).get(ref).expect(200);
    }
  });
});
