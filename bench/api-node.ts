/**
 * A further node for `bench:api`'s two-process case: a process of its own running the same app
 * (`benchApiNode`) on the benchmark's database. Reads BENCH_NODE_DATABASE_URL and
 * BENCH_NODE_DATA_DIR, prints `listening <endpoint>` on stdout once it serves, and closes the
 * app on SIGTERM.
 */
import { benchApiNode } from './api-floor.js';

async function main(): Promise<void> {
  const databaseUrl = process.env.BENCH_NODE_DATABASE_URL;
  const dataDir = process.env.BENCH_NODE_DATA_DIR;
  if (!databaseUrl || !dataDir) throw new Error('BENCH_NODE_DATABASE_URL and BENCH_NODE_DATA_DIR are required');
  const { app, endpoint } = await benchApiNode(databaseUrl, dataDir);
  process.once('SIGTERM', () => {
    void app.close().finally(() => process.exit(0));
  });
  process.stdout.write(`listening ${endpoint}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
