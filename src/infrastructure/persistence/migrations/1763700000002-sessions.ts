import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Sessions1763700000002 implements MigrationInterface {
  name = 'Sessions1763700000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE session_view (
        id uuid PRIMARY KEY,
        number text NOT NULL,
        status text NOT NULL,
        kind text NOT NULL,
        mode text,
        controller_id text,
        participant_ids text[] NOT NULL,
        csr_ids text[] NOT NULL,
        state jsonb NOT NULL,
        version integer NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX session_view_number ON session_view (number)`);
    await queryRunner.query(`CREATE INDEX session_view_status ON session_view (status)`);
    await queryRunner.query(`CREATE INDEX session_view_participants ON session_view USING gin (participant_ids)`);
    await queryRunner.query(`CREATE INDEX session_view_csrs ON session_view USING gin (csr_ids)`);
    // Live session numbers: the primary key makes allocation race-free; a number is freed when its session ends.
    await queryRunner.query(`
      CREATE TABLE session_numbers (
        number char(9) PRIMARY KEY,
        session_id uuid NOT NULL UNIQUE,
        allocated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE session_numbers');
    await queryRunner.query('DROP TABLE session_view');
  }
}
