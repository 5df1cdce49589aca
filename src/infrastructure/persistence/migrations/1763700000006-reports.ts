import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reports1763700000006 implements MigrationInterface {
  name = 'Reports1763700000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_sessions (
        session_id uuid PRIMARY KEY,
        kind text,
        mode text,
        started_at timestamptz,
        ended_at timestamptz,
        started_by text,
        customers text[] NOT NULL,
        queue_id text,
        queue_wait_ms integer,
        picked_up_by text,
        csrs jsonb NOT NULL,
        version integer NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX report_sessions_started_at ON report_sessions (started_at)');
    await queryRunner.query('CREATE INDEX report_sessions_csrs ON report_sessions USING gin (csrs)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE report_sessions');
  }
}
