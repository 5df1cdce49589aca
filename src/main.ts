import exitHook from 'async-exit-hook';
import pino from 'pino';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './infrastructure/config/app-config.js';
import { resolveDatabase } from './infrastructure/postgres/database.js';
import { runMigrations } from './infrastructure/persistence/migrate.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, base: { service: 'tandem' } });
  const database = await resolveDatabase(config, (line) => log.debug({ component: 'embedded-postgres' }, line));
  if (database.embedded) log.info({ dataDir: config.dataDir }, 'embedded PostgreSQL ready');
  const applied = await runMigrations(database.url);
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');

  const app = await createApp(config, database.url);
  await app.listen(config.port, config.host);
  log.info({ url: await app.getUrl() }, 'Tandem is listening');

  // SIGINT/SIGTERM: close the app, then the embedded server (embedded-postgres also stops it on exit).
  exitHook((done: () => void) => {
    log.info('shutting down');
    void app
      .close()
      .catch((error: unknown) => log.error({ err: error }, 'error while closing'))
      .then(() => database.stop())
      .finally(done);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
