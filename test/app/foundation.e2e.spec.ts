import { ConfigService } from '@nestjs/config';
import request from 'supertest';
import { loadConfig } from '../../src/infrastructure/config/app-config.js';
import { signToken } from '../../src/infrastructure/identity/jwt.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('operability', () => {
  it('GET /health answers 200 with the database up', async () => {
    const res = await request(t.url).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('GraphQL answers the health query', async () => {
    const res = await request(t.url).post('/graphql').send({ query: '{ health { status database } }' }).expect(200);
    expect(res.body.data.health).toEqual({ status: 'ok', database: 'up' });
  });

  it('GET /metrics serves Prometheus text with the process and HTTP metrics', async () => {
    await request(t.url).get('/health');
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('tandem_process_cpu_user_seconds_total');
    expect(res.text).toMatch(/tandem_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]/);
  });

  it('serves the OpenAPI document', async () => {
    const res = await request(t.url).get('/docs/openapi.json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
  });
});

describe('identity', () => {
  it('a GraphQL call that needs a token is refused without one, with UNAUTHENTICATED', async () => {
    const res = await request(t.url).post('/graphql').send({ query: '{ whoami { userId roles } }' });
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a valid token identifies the caller, with roles and flags', async () => {
    const token = await t.token('alice', ['csr'], { webacdAgent: true }, 'Alice');
    const res = await request(t.url).post('/graphql').set('authorization', `Bearer ${token}`).send({ query: '{ whoami { userId name roles webacdAgent } }' }).expect(200);
    expect(res.body.data.whoami).toEqual({ userId: 'alice', name: 'Alice', roles: ['csr'], webacdAgent: true });
  });

  it('a token signed with another secret is refused', async () => {
    const forged = await signToken('another-secret-that-is-also-long-enough-0123456789', { sub: 'mallory', roles: ['admin'] });
    const res = await request(t.url).get('/api/v1/me').set('authorization', `Bearer ${forged}`).expect(401);
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('REST answers 401 without a token and 200 with one', async () => {
    await request(t.url).get('/api/v1/me').expect(401);
    const token = await t.token('bob', ['customer']);
    const res = await request(t.url).get('/api/v1/me').set('authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toMatchObject({ userId: 'bob', roles: ['customer'] });
  });

  it('a role-restricted call refuses a customer with 403 and admits an admin', async () => {
    const customer = await t.token('carol', ['customer']);
    const res = await request(t.url).get('/api/v1/me/admin-check').set('authorization', `Bearer ${customer}`).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    const admin = await t.token('root', ['admin']);
    await request(t.url).get('/api/v1/me/admin-check').set('authorization', `Bearer ${admin}`).expect(200);
  });
});

describe('malformed requests get clear problems, never a 500', () => {
  it.each(['/api/v1/me', '/graphql'])('%s: broken JSON is a 400 and an oversized body a 413', async (path) => {
    const token = await t.token('dave', ['csr']);
    const broken = await request(t.url).post(path).set('authorization', `Bearer ${token}`).set('content-type', 'application/json').send('{bad json').expect(400);
    expect(broken.body).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    const huge = JSON.stringify({ query: 'x'.repeat(300_000) });
    const tooBig = await request(t.url).post(path).set('authorization', `Bearer ${token}`).set('content-type', 'application/json').send(huge).expect(413);
    expect(tooBig.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('configuration', () => {
  it.each([
    ['PORT', 'eighty', 'PORT must be an integer from 0 to 65535'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must use one of postgres:, postgresql:'],
    ['REDIS_URL', 'not a url', 'REDIS_URL must be a URL'],
    ['JWT_SECRET', 'short', 'JWT_SECRET must be at least 32 characters'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of'],
  ])('a bad %s stops start-up with one line naming it', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  it("goes through @nestjs/config: ConfigService.get('app') is the validated configuration", () => {
    expect(t.app.get(ConfigService).get('app')).toEqual(t.config);
  });

  it('defaults: port 3000, embedded database, ./data', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\/data$/);
  });
});
