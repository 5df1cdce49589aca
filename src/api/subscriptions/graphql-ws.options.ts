import { GraphQLError } from 'graphql';
import type { Context, ServerOptions } from 'graphql-ws';
import type { Principal } from '../../application/identity/principal.js';
import { bearerToken } from '../auth/auth.guard.js';
import { closeAtExpiry, TOKEN_EXPIRED_CLOSE } from '../auth/token-expiry.js';

/**
 * Close codes of the GraphQL socket (`/graphql`, graphql-transport-ws) besides the protocol's own
 * (4400 bad request, 4403 forbidden, 4408 init timeout, 4409 duplicate id, 4429 second init).
 */
export const GRAPHQL_WS_CLOSE = {
  /** `connection_init` whose `authorization` is not a string. */
  badConnectionParams: 4400,
  /** Missing, malformed or refused token; also when the token expires while the socket is open. */
  unauthenticated: 4401,
  tokenExpired: TOKEN_EXPIRED_CLOSE,
  /** The user already holds `socketsPerUser` GraphQL sockets on this node. */
  tooManySockets: 4430,
} as const;

export interface GraphqlWsLimits {
  /** Open, authenticated GraphQL sockets per user (per node). */
  readonly socketsPerUser: number;
  /** Operations running at once on one socket (subscriptions, and queries/mutations sent over it). */
  readonly subscriptionsPerSocket: number;
}

interface Extra {
  socket?: { close(code: number, reason: string): void; readyState: number };
  principal?: Principal;
  /** This socket counts against its user's socketsPerUser. */
  counted?: boolean;
  /** Closes the socket when its token expires. */
  expiry?: NodeJS.Timeout;
}

/**
 * The graphql-ws server hooks: authenticate `connection_init` once (`authorization: "Bearer
 * <JWT>"`), bound sockets per user and operations per socket (issue 11 item 4), and refuse odd
 * connection params with a 4xx close code, never 4500 (issue 11 item 9). Refusals:
 * - socket closed 4400 (authorization not a string), 4401 (no or bad token, or the token expired
 *   while the socket was open), 4430 (too many sockets);
 * - a subscription beyond the per-socket limit gets an `error` message with code
 *   TOO_MANY_SUBSCRIPTIONS (the socket and its other subscriptions stay).
 */
export function graphqlWsOptions(
  verify: (token: string) => Promise<Principal>,
  limits: GraphqlWsLimits,
  warn: (fields: Record<string, unknown>, message: string) => void,
  /** Told +1 when an authenticated socket is admitted and -1 when it closes (the open-sockets gauge). */
  countSocket: (delta: 1 | -1) => void = () => undefined,
): Pick<ServerOptions, 'onConnect' | 'onSubscribe' | 'onClose'> {
  const socketsOfUser = new Map<string, number>();
  const close = (ctx: Context, code: number, reason: string) => {
    warn({ code, reason }, 'graphql-ws socket refused');
    (ctx.extra as Extra).socket?.close(code, reason);
    return false as const;
  };

  return {
    onConnect: async (ctx) => {
      const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
      const raw = Object.hasOwn(params, 'authorization') ? params.authorization : Object.hasOwn(params, 'Authorization') ? params.Authorization : undefined;
      if (raw !== undefined && typeof raw !== 'string') return close(ctx, GRAPHQL_WS_CLOSE.badConnectionParams, 'authorization must be a string');
      const token = bearerToken(raw ?? '');
      if (!token) return close(ctx, GRAPHQL_WS_CLOSE.unauthenticated, 'a bearer token is required');
      let principal: Principal;
      try {
        principal = await verify(token);
      } catch {
        return close(ctx, GRAPHQL_WS_CLOSE.unauthenticated, 'invalid token');
      }
      const extra = ctx.extra as Extra;
      if (extra.socket && extra.socket.readyState !== 1) return false; // closed while the token was checked: nothing to count
      const count = (socketsOfUser.get(principal.userId) ?? 0) + 1;
      if (count > limits.socketsPerUser) return close(ctx, GRAPHQL_WS_CLOSE.tooManySockets, `at most ${limits.socketsPerUser} GraphQL sockets per user`);
      socketsOfUser.set(principal.userId, count);
      extra.counted = true;
      countSocket(1);
      extra.principal = principal;
      // The socket lives no longer than its token: closed with 4401 when it expires.
      extra.expiry = closeAtExpiry(principal, () => extra.socket?.close(TOKEN_EXPIRED_CLOSE, 'token expired'));
      return true;
    },
    onSubscribe: (ctx) => {
      // graphql-ws has already registered this operation's id in ctx.subscriptions.
      const running = Object.keys(ctx.subscriptions).length;
      if (running <= limits.subscriptionsPerSocket) return undefined;
      return [
        new GraphQLError(`at most ${limits.subscriptionsPerSocket} operations at once on one socket`, {
          extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: limits.subscriptionsPerSocket },
        }),
      ];
    },
    onClose: (ctx) => {
      const extra = ctx.extra as Extra;
      clearTimeout(extra.expiry);
      const userId = extra.principal?.userId;
      if (!extra.counted || !userId) return;
      extra.counted = false;
      countSocket(-1);
      const left = (socketsOfUser.get(userId) ?? 1) - 1;
      if (left <= 0) socketsOfUser.delete(userId);
      else socketsOfUser.set(userId, left);
    },
  };
}
