import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where each projection keeps its place in the global log, written with its rows. */
export class ProjectionCheckpoints1763700000001 implements MigrationInterface {
  name = 'ProjectionCheckpoints1763700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        name text PRIMARY KEY,
        checkpoint text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE projection_checkpoints');
  }
}
