import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type Principal, type Role, ROLES } from '../../application/identity/principal.js';

/**
 * Verifies bearer tokens: HS256 with a shared secret, or any algorithm the identity provider's
 * JWKS publishes. Claims: `sub` (user id), `roles` (array), optional `name`, optional `flags`
 * (e.g. `{ "webacdAgent": true }`).
 */
export class TokenVerifier {
  private readonly key: Parameters<typeof jwtVerify>[1];
  /** Tokens already verified, until they expire: a console sends the same token on every call. */
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  /**
   * `guestSecret`: with a JWKS, customers who ask for help from a web page (SES-2) still get
   * tokens Tandem signs itself; those HS256 tokens are accepted for the customer role only.
   */
  constructor(private readonly options: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string; guestSecret?: string }) {
    if (options.jwksUrl) this.key = createRemoteJWKSet(new URL(options.jwksUrl));
    else if (options.secret) this.key = new TextEncoder().encode(options.secret);
    else throw new Error('TokenVerifier needs a secret or a JWKS URL');
  }

  async verify(token: string): Promise<Principal> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && known.expiresAt > now) return known.principal;
    const guest = this.options.jwksUrl !== undefined && this.options.guestSecret !== undefined && decodeProtectedHeader(token).alg === 'HS256';
    const { payload } = guest
      ? await jwtVerify(token, new TextEncoder().encode(this.options.guestSecret), { algorithms: ['HS256'] })
      : await jwtVerify(token, this.key as Uint8Array, {
          issuer: this.options.issuer,
          audience: this.options.audience,
          algorithms: this.options.jwksUrl ? undefined : ['HS256'],
        });
    const principal = principalFromClaims(payload);
    if (guest && (principal.roles.length !== 1 || principal.roles[0] !== 'customer')) throw new InvalidTokenError('a guest token may only carry the customer role');
    // Kept at most 5 minutes, and never past the token's own expiry.
    const expiresAt = Math.min(now + 300_000, typeof payload.exp === 'number' ? payload.exp * 1000 : now + 300_000);
    if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, expiresAt });
    return principal;
  }
}

export class InvalidTokenError extends Error {}

export function principalFromClaims(payload: JWTPayload): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('token has no subject (sub)');
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
  if (roles.length === 0) throw new InvalidTokenError(`token grants none of the roles ${ROLES.join(', ')}`);
  const flags: Record<string, boolean> = {};
  if (payload.flags && typeof payload.flags === 'object') for (const [k, v] of Object.entries(payload.flags)) if (typeof v === 'boolean') flags[k] = v;
  return { userId: payload.sub, roles, flags, name: typeof payload.name === 'string' ? payload.name : undefined };
}

export async function signToken(
  secret: string,
  claims: { sub: string; roles: Role[]; name?: string; flags?: Record<string, boolean> },
  options: { expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({ roles: claims.roles, name: claims.name, flags: claims.flags ?? {} })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
