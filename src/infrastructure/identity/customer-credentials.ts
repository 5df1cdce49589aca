import { createHash } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { DataSource } from 'typeorm';
import type { Principal } from '../../application/identity/principal.js';
import type { CustomerCredentialIssuer, InvitationRedemptions, InvitationTokens } from '../../application/sessions/customer-access.service.js';
import { signToken } from './jwt.js';

/**
 * Customer credentials are HS256 tokens Tandem signs itself with the local secret (the same one
 * TokenVerifier accepts as guest tokens when a JWKS is configured), carrying `tandem_session`.
 */
export class LocalCustomerCredentialIssuer implements CustomerCredentialIssuer {
  constructor(private readonly secret: string) {}

  async issue(principal: Principal & { sessionId: string }, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Math.floor(Date.now() / 1000 + ttlSeconds) * 1000);
    const token = await signToken(
      this.secret,
      { sub: principal.userId, roles: ['customer'], name: principal.name, tandemSession: principal.sessionId },
      { expiresIn: Math.floor(expiresAt.getTime() / 1000) },
    );
    return { token, expiresAt };
  }
}

const INVITATION_TYPE = 'tandem-invitation';

/**
 * Invitation tokens: JWTs under a key derived from the local secret for this one purpose, so an
 * invitation token is never accepted as a bearer token (and the other way round).
 */
export class JwtInvitationTokens implements InvitationTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = createHash('sha256').update(`${INVITATION_TYPE}:${secret}`).digest();
  }

  mint(sessionId: string, invitationId: string, ttlSeconds: number): Promise<string> {
    return new SignJWT({ typ: INVITATION_TYPE, sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(invitationId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.key);
  }

  async read(token: string): Promise<{ sessionId: string; invitationId: string } | undefined> {
    if (typeof token !== 'string' || token.length > 2000) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (payload.typ !== INVITATION_TYPE || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') return undefined;
      return { sessionId: payload.sid, invitationId: payload.sub };
    } catch {
      return undefined;
    }
  }
}

/** `invitation_redemptions`: one row per exchanged invitation; the primary key makes the claim atomic. */
export class PgInvitationRedemptions implements InvitationRedemptions {
  constructor(private readonly dataSource: DataSource) {}

  async claim(sessionId: string, invitationId: string, customerId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO invitation_redemptions (session_id, invitation_id, customer_id) VALUES ($1, $2, $3)
       ON CONFLICT (session_id, invitation_id) DO NOTHING RETURNING 1`,
      [sessionId, invitationId, customerId],
    )) as unknown[];
    return rows.length === 1;
  }

  async release(sessionId: string, invitationId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM invitation_redemptions WHERE session_id = $1 AND invitation_id = $2', [sessionId, invitationId]);
  }
}
