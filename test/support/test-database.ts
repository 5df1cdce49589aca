import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres-event-store.js';
import { createDatabase, dropDatabase } from '../../src/infrastructure/postgres/embedded-postgres.js';
import { runMigrations } from '../../src/infrastructure/persistence/migrate.js';

/** The run's server, set by test/support/global-setup.mjs (workers inherit its environment). */
export function testServerUrl(): string {
  const url = process.env.TANDEM_TEST_SERVER_URL;
  if (!url) throw new Error('TANDEM_TEST_SERVER_URL is not set: run the tests with `npm test`');
  return url;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one suite, on the run's server. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const server = testServerUrl();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const url = await createDatabase(server, name);
  await runMigrations(url);
  return { url, name, drop: () => dropDatabase(server, name) };
}

export interface TestEventStore {
  readonly db: TestDatabase;
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  close(): Promise<void>;
}

/** A PostgreSQL event store on a fresh database, for integration specs below the API. */
export async function createTestEventStore(prefix: string): Promise<TestEventStore> {
  const db = await createTestDatabase(prefix);
  const pool = new pg.Pool({ connectionString: db.url, max: 6 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool, listen: false });
  return {
    db,
    pool,
    store,
    close: async () => {
      await store.close();
      await pool.end();
      await db.drop();
    },
  };
}
