import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export default async function globalTeardown() {
  const pg = globalThis.__tandemPg;
  if (pg) {
    await pg.handle.stop();
    await rm(pg.dataDir, { recursive: true, force: true });
  }
  await rm(join(resolve('.data-test'), `state-${process.pid}.json`), { force: true });
  // The run's temporary folder (global-setup.mjs): whatever a suite left there goes with it.
  if (globalThis.__tandemRunTmp) await rm(globalThis.__tandemRunTmp, { recursive: true, force: true });
}
