import { randomBytes } from 'node:crypto';
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
