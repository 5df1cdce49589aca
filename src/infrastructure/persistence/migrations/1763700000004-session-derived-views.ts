import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models derived from session_view, which the session projection keeps: the people in
 * each live session, and each CSR's live load (SES-3, WebACD routing). Views, so there is no
 * second copy to keep in step.
 */
export class SessionDerivedViews1763700000004 implements MigrationInterface {
  name = 'SessionDerivedViews1763700000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE VIEW session_participants AS
        SELECT s.id AS session_id, csr.key AS user_id, csr.value #>> '{}' AS place, NULL::text AS display_name
          FROM session_view s, jsonb_each(s.state -> 'csrs') AS csr
         WHERE s.status <> 'ended'
        UNION ALL
        SELECT s.id, c ->> 'customerId', 'customer', c ->> 'displayName'
          FROM session_view s, jsonb_array_elements(s.state -> 'customers') AS c
         WHERE s.status <> 'ended'`);
    await queryRunner.query(`
      CREATE VIEW csr_live_load AS
        SELECT csr_id,
               count(*)::integer AS live_sessions,
               coalesce(sum(jsonb_array_length(s.state -> 'customers')), 0)::integer AS live_customers
          FROM session_view s, unnest(s.csr_ids) AS csr_id
         WHERE s.status <> 'ended'
         GROUP BY csr_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW csr_live_load');
    await queryRunner.query('DROP VIEW session_participants');
  }
}
