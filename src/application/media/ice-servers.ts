import { createHmac } from 'node:crypto';

/** An RTCIceServer as browsers take it. */
export interface IceServer {
  readonly urls: readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface IceConfig {
  readonly stunUrls: readonly string[];
  readonly turnUrls: readonly string[];
  /** coturn's `static-auth-secret` (use-auth-secret mode). */
  readonly turnSecret?: string;
  readonly turnTtlSeconds: number;
}

/**
 * STUN and TURN for a client's peer connections. TURN credentials are short-lived, in coturn's
 * REST-API scheme: username `<expiry unix seconds>:<user id>`, credential
 * base64(HMAC-SHA1(shared secret, username)); coturn checks both without calling us.
 */
export function iceServersFor(config: IceConfig, userId: string, now: Date): { iceServers: IceServer[]; expiresAt: string | null } {
  const iceServers: IceServer[] = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: config.stunUrls });
  if (config.turnUrls.length > 0 && config.turnSecret) {
    const expiry = Math.floor(now.getTime() / 1000) + config.turnTtlSeconds;
    const username = `${expiry}:${userId}`;
    iceServers.push({ urls: config.turnUrls, username, credential: turnCredential(config.turnSecret, username) });
    return { iceServers, expiresAt: new Date(expiry * 1000).toISOString() };
  }
  return { iceServers, expiresAt: null };
}

export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}
