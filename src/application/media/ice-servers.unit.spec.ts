import { iceServersFor, turnCredential } from './ice-servers.js';

describe('TURN credentials (coturn REST-API scheme)', () => {
  it('are base64(HMAC-SHA1(secret, "<expiry>:<user>")): a vector computed with openssl', () => {
    // printf '%s' "1700000600:alice" | openssl dgst -sha1 -hmac "north" -binary | base64
    expect(turnCredential('north', '1700000600:alice')).toBe('gthUwOpcRoLI0MMCziCEBOWYnpo=');
  });

  it('expire after the configured time and name the user', () => {
    const { iceServers, expiresAt } = iceServersFor(
      { stunUrls: [], turnUrls: ['turn:t.example:3478'], turnSecret: 'north', turnTtlSeconds: 600 },
      'alice',
      new Date(1_700_000_000_000),
    );
    expect(iceServers).toEqual([{ urls: ['turn:t.example:3478'], username: '1700000600:alice', credential: 'gthUwOpcRoLI0MMCziCEBOWYnpo=' }]);
    expect(expiresAt).toBe('2023-11-14T22:23:20.000Z');
  });

  it('without a TURN secret, only STUN is given', () => {
    expect(iceServersFor({ stunUrls: ['stun:s.example:3478'], turnUrls: ['turn:t.example:3478'], turnTtlSeconds: 600 }, 'alice', new Date())).toEqual({
      iceServers: [{ urls: ['stun:s.example:3478'] }],
      expiresAt: null,
    });
  });
});
