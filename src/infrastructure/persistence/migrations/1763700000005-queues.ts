import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Queues1763700000005 implements MigrationInterface {
  name = 'Queues1763700000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE queue_view (
        id text PRIMARY KEY,
        name text NOT NULL,
        status text NOT NULL,
        agent_ids text[] NOT NULL,
        offered_agent_ids text[] NOT NULL,
        waiting integer NOT NULL,
        state jsonb NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX queue_view_agents ON queue_view USING gin (agent_ids)');
    await queryRunner.query('CREATE INDEX queue_view_offered ON queue_view USING gin (offered_agent_ids)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE queue_view');
  }
}
