import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supervisors filter sessions by a queue they passed through (issue 15). A small join table
 * rather than a `queue_ids` array on `session_view`: an inbound session's queue is known from the
 * queue stream's `OfferAccepted`, recorded before the session's `SessionStarted`, when the session
 * has no row yet; a (queue, session) pair inserted with ON CONFLICT DO NOTHING is right in any
 * order and any number of times, and the primary key leads with the queue, the filter's column.
 *
 * Existing databases: the session projection's checkpoint is reset, as for earlier read-model
 * additions, so it replays the log on the next start. Its rows are untouched (an event at or
 * below a row's version changes nothing); the replay only fills this table.
 */
export class SessionQueues1764500000040 implements MigrationInterface {
  name = 'SessionQueues1764500000040';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE session_queues (
        queue_id text NOT NULL,
        session_id text NOT NULL,
        PRIMARY KEY (queue_id, session_id)
      )`);
    await queryRunner.query('CREATE INDEX session_queues_session ON session_queues (session_id)');
    await queryRunner.query(`DELETE FROM projection_checkpoints WHERE name = 'session_view'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE session_queues');
  }
}
