import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { type Principal, type Role, ROLES } from '../../application/identity/principal.js';
import { unstorableText } from '../../domain/shared/text.js';

/**
 * Verifies bearer tokens: HS256 with a shared secret, or any algorithm the identity provider's
 * JWKS publishes. Claims: `sub` (user id), `roles` (array), optional `name`, optional `flags`
 * (e.g. `{ "webacdAgent": true }`).
 */
export class TokenVerifier {
  private readonly key: Parameters<typeof jwtVerify>[1];
  /** Tokens already verified, until they expire: a console sends the same token on every call. */
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();
  private readonly observers: ((principal: Principal) => void)[] = [];

  /**
   * `guestSecret`: with a JWKS, customers who ask for help from a web page (SES-2) still get
   * tokens Tandem signs itself; those HS256 tokens are accepted for the customer role only.
   */
  constructor(
    private readonly options: {
      secret?: string;
      jwksUrl?: string;
      issuer?: string;
      audience?: string;
      guestSecret?: string;
      /** `exp` is required and at most this far ahead (seconds); default 12 h (JWT_MAX_TTL). */
      maxTtlSeconds?: number;
      /** Tolerated clock difference for `exp`, `nbf` and `iat` (seconds); default 60 (JWT_CLOCK_SKEW). */
      clockSkewSeconds?: number;
    },
  ) {
    if (options.jwksUrl) this.key = createRemoteJWKSet(new URL(options.jwksUrl));
    else if (options.secret) this.key = new TextEncoder().encode(options.secret);
    else throw new Error('TokenVerifier needs a secret or a JWKS URL');
  }

  /** Told of each principal once per newly verified token (e.g. to remember display names). */
  onVerified(observer: (principal: Principal) => void): void {
    this.observers.push(observer);
  }

  async verify(token: string): Promise<Principal> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && known.expiresAt > now) return known.principal;
    const guest = this.options.jwksUrl !== undefined && this.options.guestSecret !== undefined && decodeProtectedHeader(token).alg === 'HS256';
    const skew = this.options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    // jose checks the signature, `exp` (required here) and `nbf`, each with the skew.
    const common = { requiredClaims: ['exp'], clockTolerance: skew };
    const { payload } = guest
      ? await jwtVerify(token, new TextEncoder().encode(this.options.guestSecret), { ...common, algorithms: ['HS256'] })
      : await jwtVerify(token, this.key as Uint8Array, {
          ...common,
          issuer: this.options.issuer,
          audience: this.options.audience,
          algorithms: this.options.jwksUrl ? undefined : ['HS256'],
        });
    assertLifetime(payload, now, this.options.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS, skew);
    const principal = principalFromClaims(payload);
    if (guest && (principal.roles.length !== 1 || principal.roles[0] !== 'customer')) throw new InvalidTokenError('a guest token may only carry the customer role');
    // Kept at most 5 minutes, and never past the token's own expiry.
    const expiresAt = Math.min(now + 300_000, principal.expiresAt ?? now);
    if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, expiresAt });
    for (const observe of this.observers) observe(principal);
    return principal;
  }
}

export class InvalidTokenError extends Error {}

export const DEFAULT_MAX_TTL_SECONDS = 12 * 3600;
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

/**
 * A token's lifetime (RFC 7519 4.1.4-4.1.6): `exp` is required (jose checked it is a number and
 * not past) and may lie at most `maxTtlSeconds` (+ skew) ahead, so a leaked token lapses; `iat`
 * and `nbf` later than now + skew mean a token minted for later or a wrong clock, refused.
 * Throws InvalidTokenError naming the claim.
 */
export function assertLifetime(payload: JWTPayload, nowMs: number, maxTtlSeconds: number, skewSeconds: number): void {
  const now = nowMs / 1000;
  if (typeof payload.exp !== 'number') throw new InvalidTokenError('token has no expiry (exp)');
  if (payload.exp > now + maxTtlSeconds + skewSeconds) {
    throw new InvalidTokenError(`token expiry (exp) is more than ${maxTtlSeconds} s ahead (JWT_MAX_TTL)`);
  }
  if (payload.iat !== undefined && (typeof payload.iat !== 'number' || payload.iat > now + skewSeconds)) {
    throw new InvalidTokenError('token issued-at (iat) lies in the future');
  }
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now + skewSeconds)) {
    throw new InvalidTokenError('token not-before (nbf) lies in the future');
  }
}

export function principalFromClaims(payload: JWTPayload): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('token has no subject (sub)');
  // Issue 11: a subject or name PostgreSQL cannot store is refused here, not as a 500 later.
  if (unstorableText(payload.sub)) throw new InvalidTokenError(`the token's sub ${unstorableText(payload.sub)}`);
  if (typeof payload.name === 'string' && unstorableText(payload.name)) throw new InvalidTokenError(`the token's name ${unstorableText(payload.name)}`);
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
  if (roles.length === 0) throw new InvalidTokenError(`token grants none of the roles ${ROLES.join(', ')}`);
  // Own entries only (fromEntries defines them; `__proto__` stays a plain key).
  const flags: Record<string, boolean> =
    payload.flags && typeof payload.flags === 'object' ? Object.fromEntries(Object.entries(payload.flags).filter(([, v]) => typeof v === 'boolean')) : {};
  // A customer's join credential names the one session it may act in.
  const sessionId = typeof payload.tandem_session === 'string' && payload.tandem_session !== '' ? payload.tandem_session : undefined;
  return {
    userId: payload.sub,
    roles,
    flags,
    name: typeof payload.name === 'string' ? payload.name : undefined,
    ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}),
    ...(sessionId ? { sessionId } : {}),
  };
}

export async function signToken(
  secret: string,
  claims: { sub: string; roles: Role[]; name?: string; flags?: Record<string, boolean>; tandemSession?: string },
  options: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({ roles: claims.roles, name: claims.name, flags: claims.flags ?? {}, ...(claims.tandemSession ? { tandem_session: claims.tandemSession } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
