import { SignJWT } from 'jose';
import request from 'supertest';
import WebSocket from 'ws';
import { until } from '../support/graphql.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ JWT_MAX_TTL: '7200', JWT_CLOCK_SKEW: '30' });
});
afterAll(() => t.close());

const key = new TextEncoder().encode(TEST_JWT_SECRET);
const nowS = () => Math.floor(Date.now() / 1000);

/** A token with exactly the time claims given (none added). */
function mint(user: string, claims: { exp?: number; iat?: number; nbf?: number }): Promise<string> {
  let jwt = new SignJWT({ roles: ['csr'], flags: {} }).setProtectedHeader({ alg: 'HS256' }).setSubject(user);
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.nbf !== undefined) jwt = jwt.setNotBefore(claims.nbf);
  return jwt.sign(key);
}

const me = (token: string) => request(t.url).get('/api/v1/me').set('authorization', `Bearer ${token}`);

/** Resolves with the close code and reason once the socket closes (waits for the event, no fixed sleep). */
function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('tokens with a lifetime', () => {
  it('exp is required and at most JWT_MAX_TTL ahead; iat and nbf in the future beyond the skew are refused', async () => {
    const cases: [string, { exp?: number; iat?: number; nbf?: number }, number][] = [
      ['no exp', { iat: nowS() }, 401],
      ['exp past JWT_MAX_TTL (2 h)', { iat: nowS(), exp: nowS() + 3 * 3600 }, 401],
      ['expired', { iat: nowS() - 7200, exp: nowS() - 3600 }, 401],
      ['iat 10 minutes ahead', { iat: nowS() + 600, exp: nowS() + 3600 }, 401],
      ['nbf 10 minutes ahead', { nbf: nowS() + 600, exp: nowS() + 3600 }, 401],
      ['iat 10 s ahead (within the 30 s skew)', { iat: nowS() + 10, exp: nowS() + 3600 }, 200],
      ['exp 1 h ahead', { iat: nowS(), exp: nowS() + 3600 }, 200],
    ];
    for (const [name, claims, status] of cases) {
      const res = await me(await mint(`user-${name.replace(/\W+/g, '-')}`, claims));
      expect({ name, status: res.status }).toEqual({ name, status });
      if (status === 401) expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a graphql-ws subscription is closed with 4401 when its token expires', async () => {
    const token = await mint('sub-user', { iat: nowS(), exp: nowS() + 3 });
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const end = closed(ws);
    const messages: { type: string }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await until('connection_ack', async () => messages.some((m) => m.type === 'connection_ack'));
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { mySessionsChanged { id } }' } }));
    expect(await end).toEqual({ code: 4401, reason: 'token expired' });
  });

  it('a signalling socket gets TOKEN_EXPIRED and is closed with 4401 when its token expires', async () => {
    const token = await mint('sig-user', { iat: nowS(), exp: nowS() + 3 });
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/signalling?access_token=${encodeURIComponent(token)}`);
    const end = closed(ws);
    const frames: { type: string; code?: string }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
    expect(await end).toEqual({ code: 4401, reason: 'token expired' });
    expect(frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'TOKEN_EXPIRED' }));
  });
});
