// One PostgreSQL for the whole test run: DATABASE_URL when given, else an embedded cluster in
// a fresh folder (fsync on: the tests run against the real thing). Plain JS because jest loads
// global setup outside its module mapping; it uses the launcher compiled by `npm test`'s build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../../dist/src/infrastructure/postgres/embedded-postgres.js';

export default async function globalSetup() {
  let serverUrl = process.env.DATABASE_URL;
  mkdirSync(resolve('.data-test'), { recursive: true });
  if (!serverUrl) {
    const dataDir = resolve('.data-test', `run-${process.pid}`);
    const handle = await startEmbeddedPostgres({ dataDir });
    serverUrl = handle.url;
    globalThis.__tandemPg = { handle, dataDir };
    console.log(`\nembedded PostgreSQL for this run: ${dataDir}`);
  }
  writeFileSync(join(resolve('.data-test'), `state-${process.pid}.json`), JSON.stringify({ serverUrl }));
  process.env.TANDEM_TEST_SERVER_URL = serverUrl;
}
