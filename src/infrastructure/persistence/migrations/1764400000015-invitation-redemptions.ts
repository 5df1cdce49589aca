import type { MigrationInterface, QueryRunner } from 'typeorm';

/** INV-3: each emailed invitation's link is exchanged for a session credential once. */
export class InvitationRedemptions1764400000015 implements MigrationInterface {
  name = 'InvitationRedemptions1764400000015';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE invitation_redemptions (
        session_id    text        NOT NULL,
        invitation_id text        NOT NULL,
        customer_id   text        NOT NULL,
        redeemed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, invitation_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE invitation_redemptions');
  }
}
