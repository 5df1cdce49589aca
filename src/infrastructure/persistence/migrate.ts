import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations/index.js';
import { READ_MODEL_ENTITIES } from './read-model-entities.js';

const MIGRATION_LOCK = 72_617_001;

/**
 * Applies pending migrations (never `synchronize`). An advisory lock keeps two instances that
 * start together from racing each other.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const dataSource = new DataSource({ type: 'postgres', url, entities: READ_MODEL_ENTITIES, migrations: MIGRATIONS, migrationsTableName: 'migrations', logging: false });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
