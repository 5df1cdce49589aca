import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SES-5: when each CSR's console last reported in, per session. Shared by every node. */
export class ConsolePresence1763700000003 implements MigrationInterface {
  name = 'ConsolePresence1763700000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE console_presence (
        session_id uuid NOT NULL,
        user_id text NOT NULL,
        last_seen timestamptz NOT NULL,
        PRIMARY KEY (session_id, user_id)
      )`);
    await queryRunner.query('CREATE INDEX console_presence_last_seen ON console_presence (last_seen)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE console_presence');
  }
}
