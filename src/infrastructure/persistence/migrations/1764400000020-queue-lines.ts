import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * WebACD at contact-centre scale: the queue's read model no longer keeps the whole line in one
 * JSON document. `queue_view` keeps a small summary per queue; waiting items, open offers and
 * outcomes have rows of their own, so a change touches a few rows whatever the queue's length.
 * The queue events are unchanged (new fields are optional), so the read model is rebuilt from the
 * log: the projection's checkpoint is reset and it replays every queue stream on the next start.
 */
export class QueueLines1764400000020 implements MigrationInterface {
  name = 'QueueLines1764400000020';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE queue_items (
        queue_id text NOT NULL,
        item_id text NOT NULL,
        seq bigint NOT NULL,
        kind text NOT NULL,
        enqueued_at timestamptz NOT NULL,
        session_id text,
        customer_id text,
        customer_name text,
        problem text,
        origin_url text,
        message text,
        topic text,
        required_skills jsonb NOT NULL,
        skill_key text NOT NULL,
        PRIMARY KEY (queue_id, item_id)
      )`);
    await queryRunner.query('CREATE INDEX queue_items_line ON queue_items (queue_id, seq)');
    await queryRunner.query(`
      CREATE TABLE queue_offers (
        queue_id text NOT NULL,
        offer_id text NOT NULL,
        item_id text NOT NULL,
        agent_id text NOT NULL,
        offered_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (queue_id, offer_id)
      )`);
    await queryRunner.query('CREATE INDEX queue_offers_agent ON queue_offers (agent_id)');
    await queryRunner.query(`
      CREATE TABLE queue_skill_counts (
        queue_id text NOT NULL,
        skill_key text NOT NULL,
        required_skills jsonb NOT NULL,
        waiting integer NOT NULL,
        PRIMARY KEY (queue_id, skill_key)
      )`);
    await queryRunner.query(`
      CREATE TABLE queue_outcomes (
        queue_id text NOT NULL,
        item_id text NOT NULL,
        outcome text NOT NULL,
        waited_ms bigint NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (queue_id, item_id)
      )`);
    await queryRunner.query('CREATE INDEX queue_outcomes_window ON queue_outcomes (queue_id, at)');
    // RPT-1: every offer an agent received and what became of it.
    await queryRunner.query(`
      CREATE TABLE report_offers (
        queue_id text NOT NULL,
        offer_id text NOT NULL,
        item_id text NOT NULL,
        agent_id text NOT NULL,
        offered_at timestamptz NOT NULL,
        outcome text,
        answered_at timestamptz,
        PRIMARY KEY (queue_id, offer_id)
      )`);
    await queryRunner.query('CREATE INDEX report_offers_agent ON report_offers (agent_id, offered_at)');
    await queryRunner.query('CREATE INDEX report_offers_offered ON report_offers (offered_at)');
    await queryRunner.query('TRUNCATE queue_view');
    await queryRunner.query(`DELETE FROM projection_checkpoints WHERE name = 'queue_view'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['report_offers', 'queue_outcomes', 'queue_skill_counts', 'queue_offers', 'queue_items']) await queryRunner.query(`DROP TABLE ${table}`);
    await queryRunner.query('TRUNCATE queue_view');
    await queryRunner.query(`DELETE FROM projection_checkpoints WHERE name = 'queue_view'`);
  }
}
