import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations (INV-1..3): the read model the message query reads, one row per InvitationSent,
 * and the marker of each invitation mail the system sent, so a job run twice mails once.
 */
export class Invitations1763800000000 implements MigrationInterface {
  name = 'Invitations1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE invitation_view (
        session_id     text        NOT NULL,
        invitation_id  text        NOT NULL,
        event_id       text        NOT NULL,
        invitee        text        NOT NULL,
        channel        text        NOT NULL,
        delivery       text,
        address        text,
        join_link      text        NOT NULL,
        session_number text        NOT NULL,
        site_url       text        NOT NULL,
        subject        text,
        body           text,
        sent_by        text        NOT NULL,
        sent_at        timestamptz NOT NULL,
        PRIMARY KEY (session_id, invitation_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE invitation_mail_sent (
        event_id      text        PRIMARY KEY,
        session_id    text        NOT NULL,
        invitation_id text        NOT NULL,
        address       text        NOT NULL,
        message_id    text        NOT NULL,
        sent_at       timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE invitation_mail_sent');
    await queryRunner.query('DROP TABLE invitation_view');
  }
}
