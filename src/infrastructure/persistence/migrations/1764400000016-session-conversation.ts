import type { MigrationInterface, QueryRunner } from 'typeorm';

/** For the consoles: a session's chat messages (TL-1) and saved notes (TL-6), one row each, and people's display names. */
export class SessionConversation1764400000016 implements MigrationInterface {
  name = 'SessionConversation1764400000016';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE session_chat (
        session_id  text        NOT NULL,
        version     integer     NOT NULL,
        message_id  text        NOT NULL,
        from_id     text        NOT NULL,
        to_id       text,
        text        text        NOT NULL,
        sent_at     timestamptz NOT NULL,
        PRIMARY KEY (session_id, version)
      )`);
    await queryRunner.query(`
      CREATE TABLE session_notes (
        session_id  text        NOT NULL,
        version     integer     NOT NULL,
        note_id     text        NOT NULL,
        by_id       text        NOT NULL,
        text        text        NOT NULL,
        saved_at    timestamptz NOT NULL,
        PRIMARY KEY (session_id, version)
      )`);

    // The display names tokens carry, so consoles can name CSRs (a token's `name` claim).
    await queryRunner.query(`
      CREATE TABLE people (
        user_id      text        PRIMARY KEY,
        display_name text        NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE people');
    await queryRunner.query('DROP TABLE session_notes');
    await queryRunner.query('DROP TABLE session_chat');
  }
}
