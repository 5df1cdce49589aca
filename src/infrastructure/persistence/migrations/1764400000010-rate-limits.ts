import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counters of rate-limiter-flexible's PostgreSQL store (the session-number lookups, shared by
 * every node). The table is the library's own shape; created here so no request waits for it.
 */
export class RateLimits1764400000010 implements MigrationInterface {
  name = 'RateLimits1764400000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE rate_limits');
  }
}
