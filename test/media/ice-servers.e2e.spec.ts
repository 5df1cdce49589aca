import request from 'supertest';
import { turnCredential } from '../../src/application/media/ice-servers.js';
import { loadConfig } from '../../src/infrastructure/config/app-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    STUN_URLS: 'stun:stun.example.org:3478',
    TURN_URLS: 'turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349',
    TURN_SECRET: 'coturn-static-auth-secret',
    TURN_TTL_SECONDS: '600',
  });
});
afterAll(() => t.close());

describe('ICE servers for peer connections', () => {
  it('gives STUN, and TURN with short-lived credentials in the coturn REST-API scheme', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await t.token('ice-csr', ['csr']);
    const { body } = await request(t.url).get('/api/v1/ice-servers').set('authorization', `Bearer ${token}`).expect(200);
    expect(body.iceServers[0]).toEqual({ urls: ['stun:stun.example.org:3478'] });
    const turn = body.iceServers[1];
    expect(turn.urls).toEqual(['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349']);
    const [expiry, user] = turn.username.split(':');
    expect(user).toBe('ice-csr');
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600);
    expect(Number(expiry)).toBeLessThanOrEqual(before + 602);
    expect(turn.credential).toBe(turnCredential('coturn-static-auth-secret', turn.username)); // the algorithm: see its unit spec's openssl vector
    expect(Date.parse(body.expiresAt)).toBe(Number(expiry) * 1000);
  });

  it('is asked over GraphQL too, and needs a token', async () => {
    await request(t.url).get('/api/v1/ice-servers').expect(401);
    const token = await t.token('ice-customer', ['customer']);
    const res = await request(t.url)
      .post('/graphql')
      .set('authorization', `Bearer ${token}`)
      .send({ query: '{ iceServers { iceServers { urls username } expiresAt } }' })
      .expect(200);
    expect(res.body.data.iceServers.iceServers[1].username).toMatch(/^\d+:ice-customer$/);
  });

  it('a bad ICE URL stops start-up naming the variable', () => {
    expect(() => loadConfig({ TURN_URLS: 'http://turn.example.org' })).toThrow('TURN_URLS must be a comma-separated list of turn: or turns: URLs');
  });
});
