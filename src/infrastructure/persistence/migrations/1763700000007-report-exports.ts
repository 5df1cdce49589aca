import type { MigrationInterface, QueryRunner } from 'typeorm';

/** RPT-1 exports: a request becomes a job; its progress and file are kept here. */
export class ReportExports1763700000007 implements MigrationInterface {
  name = 'ReportExports1763700000007';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_exports (
        id uuid PRIMARY KEY,
        requested_by text NOT NULL,
        format text NOT NULL,
        filter jsonb NOT NULL,
        status text NOT NULL,
        progress real NOT NULL DEFAULT 0,
        content text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE report_exports');
  }
}
