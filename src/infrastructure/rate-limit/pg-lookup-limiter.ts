import type pg from 'pg';
import rateLimiterFlexible, { type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import type { LookupLimiter } from '../../application/sessions/lookup-limiter.port.js';

const { RateLimiterMemory, RateLimiterPostgres } = rateLimiterFlexible;

/**
 * LookupLimiter on rate-limiter-flexible: fixed one-minute windows kept in PostgreSQL
 * (`rate_limits`, created by a migration), so every node spends the same budget. If the database
 * does not answer, a per-node in-memory limiter with the same budget decides (the library's
 * insurance limiter) rather than letting guesses through.
 */
export class PgLookupLimiter implements LookupLimiter {
  private readonly byPrincipal: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(pool: pg.Pool, perMinute: number) {
    const limiter = (keyPrefix: string) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix,
        points: perMinute,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points: perMinute, duration: 60 }),
      });
    this.byPrincipal = limiter('number-lookup:user');
    this.byAddress = limiter('number-lookup:ip');
  }

  async take(principalId: string, clientAddress: string): Promise<number> {
    const results = await Promise.allSettled([this.byPrincipal.consume(principalId), this.byAddress.consume(clientAddress || 'unknown')]);
    let waitMs = 0;
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      const refusal = result.reason as RateLimiterRes | Error;
      if (refusal instanceof Error) throw refusal;
      waitMs = Math.max(waitMs, refusal.msBeforeNext);
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
  }
}
