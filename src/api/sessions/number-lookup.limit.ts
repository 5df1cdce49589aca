import { HttpException, HttpStatus } from '@nestjs/common';
import type { Principal } from '../../application/identity/principal.js';
import type { LookupLimiter } from '../../application/sessions/lookup-limiter.port.js';

/**
 * Spends one session-number lookup (sessionByNumber, GET /sessions/by-number/:n, joinSession,
 * POST /sessions/join) for the caller and their address; past the budget (30 a minute by default,
 * NUMBER_LOOKUP_RATE_PER_MINUTE) it throws 429 RATE_LIMITED with `retryAfter` seconds, which the
 * problem filter sends as `Retry-After` over REST and `extensions.retryAfter` in GraphQL.
 */
export async function spendNumberLookup(limiter: LookupLimiter, principal: Principal, clientAddress: string | undefined): Promise<void> {
  const retryAfter = await limiter.take(principal.userId, clientAddress ?? '');
  if (retryAfter > 0) {
    throw new HttpException({ message: `too many session-number lookups; try again in ${retryAfter} s`, code: 'RATE_LIMITED', retryAfter }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
