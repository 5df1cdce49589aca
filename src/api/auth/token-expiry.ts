import type { Principal } from '../../application/identity/principal.js';

/**
 * The WebSocket close code for "your token expired": graphql-ws subscriptions on `/graphql` and
 * signalling sockets are closed with it when the token they were opened with lapses. 4401 is
 * graphql-ws's "Unauthorized"; the client gets a fresh token and reconnects.
 */
export const TOKEN_EXPIRED_CLOSE = 4401;

/** setTimeout's longest delay (about 24.8 days); JWT_MAX_TTL stays below it. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `close` when the principal's token expires (at once if it already has). Returns the timer
 * to clear when the socket closes first; undefined when the token carries no expiry.
 */
export function closeAtExpiry(principal: Principal, close: () => void, now = Date.now()): NodeJS.Timeout | undefined {
  if (principal.expiresAt === undefined) return undefined;
  const wait = Math.max(0, principal.expiresAt - now);
  const timer = setTimeout(close, Math.min(wait, MAX_DELAY_MS));
  timer.unref();
  return timer;
}
