import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live sessions by CSR without reading ended ones (issue 14: routing cost must not grow with
 * history). Every WebACD decision counts each agent's live sessions (SES-3), and every session
 * start lists the starting CSR's; with an index over all rows, both read every session the CSRs
 * ever had. A partial GIN index over the live rows' `csr_ids` serves the per-CSR lookup, and a
 * partial index over the live rows serves the count per CSR: both stay the size of what is live.
 */
export class LiveSessionIndex1764600000050 implements MigrationInterface {
  name = 'LiveSessionIndex1764600000050';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX session_view_live_csrs ON session_view USING gin (csr_ids) WHERE status <> 'ended'`);
    await queryRunner.query(`CREATE INDEX session_view_live ON session_view (id) WHERE status <> 'ended'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX session_view_live');
    await queryRunner.query('DROP INDEX session_view_live_csrs');
  }
}
