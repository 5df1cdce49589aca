// One PostgreSQL for the whole test run: DATABASE_URL when given, else an embedded cluster in
// a fresh folder (fsync on: the tests run against the real thing). Plain JS because jest loads
// global setup outside its module mapping; it uses the launcher compiled by `npm test`'s build.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../../dist/src/infrastructure/postgres/embedded-postgres.js';

export default async function globalSetup() {
  // Every temporary folder of the run (apps' DATA_DIRs, mail catchers, s3rver, browser profiles,
  // spawned servers' embedded clusters) goes under one folder that the teardown removes: the
  // workers and the processes they start inherit TMPDIR, which os.tmpdir() follows.
  removeLeftRuns();
  const runTmp = join(tmpdir(), `tandem-run-${process.pid}`);
  mkdirSync(runTmp, { recursive: true });
  process.env.TMPDIR = runTmp;
  globalThis.__tandemRunTmp = runTmp;
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

/** Folders of earlier runs whose jest process is gone (killed before its teardown). */
function removeLeftRuns() {
  for (const name of readdirSync(tmpdir())) {
    const pid = /^tandem-run-(\d+)$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (error) {
      if (error.code === 'ESRCH') rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}
