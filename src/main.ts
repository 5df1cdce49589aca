import exitHook from 'async-exit-hook';
import type { Server } from 'node:http';
import pino from 'pino';
import { logShape } from './infrastructure/logging/log-shape.js';
import { shutdownTracing } from './infrastructure/telemetry/tracing.js';
import { createApp } from './app.factory.js';
import { isBackendUnavailable } from './application/errors/backend-unavailable.js';
import { ConfigError, loadConfig } from './infrastructure/config/app-config.js';
import { DataDirInUseError } from './infrastructure/postgres/embedded-postgres.js';
import { resolveDatabase, type ResolvedDatabase } from './infrastructure/postgres/database.js';
import { runMigrations } from './infrastructure/persistence/migrate.js';
import { probeDependencies } from './infrastructure/startup/dependency-probes.js';

// Every line is JSON from the first one on; the level is set once the configuration is read.
const log = pino(logShape('info'));

// Issue 12: a rejection nobody awaited (a LISTEN client, a pool, a queue connecting while the
// database is away) is logged and the server keeps serving; it never takes the process down.
process.on('unhandledRejection', (reason) => {
  log.warn({ reason: describe(reason), unavailable: isBackendUnavailable(reason) }, 'unhandled promise rejection; still serving');
});
// An 'error' event without a listener from a connection that went away is the same fault; any
// other uncaught exception leaves the process in an unknown state: log it as one line and exit.
process.on('uncaughtException', (error) => {
  if (isBackendUnavailable(error)) {
    log.warn({ reason: describe(error) }, 'connection error without a handler; still serving');
    return;
  }
  log.fatal({ err: error }, 'uncaught exception; exiting');
  process.exit(1);
});

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  log.level = config.logLevel;

  // One line per outside dependency that does not answer, then stop (mail alone is not required).
  const unreachable = await probeDependencies(config, process.env);
  for (const { dependency, target, reason, required } of unreachable)
    log[required ? 'error' : 'warn']({ dependency, target, reason }, `${dependency} unreachable at start-up${required ? '' : '; mail is queued and retried'}`);
  if (unreachable.some((d) => d.required)) process.exit(1);

  const database = await resolveDatabase(config, {
    log: (line) => log.debug({ component: 'embedded-postgres' }, line),
    notice: (line) => log.warn({ component: 'embedded-postgres' }, line),
  });
  if (database.embedded) log.info({ dataDir: config.dataDir }, 'embedded PostgreSQL ready');
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  // SIGINT/SIGTERM: stop intake, drain the loops (projections, reactions, LISTEN, BullMQ) by
  // closing the app, and only then stop the embedded database.
  exitHook((done: () => void) => {
    log.info('shutting down');
    void shutdown(app, database).then(
      () => {
        log.info('stopped');
        process.exit(0); // a clean stop on request is a success, not "killed by SIGTERM" (143)
      },
      (error: unknown) => {
        log.error({ err: error }, 'error while shutting down');
        done();
      },
    );
  });

  const applied = await runMigrations(database.url);
  if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
  app = await createApp(config, database.url);
  await app.listen(config.port, config.host);
  log.info({ url: await app.getUrl() }, 'Tandem is listening');
}

async function shutdown(app: Awaited<ReturnType<typeof createApp>> | undefined, database: ResolvedDatabase): Promise<void> {
  if (app) {
    const server = app.getHttpServer() as Server;
    server.close(); // no new connections; open ones finish their request
    server.closeIdleConnections();
    await app.close();
  }
  await database.stop();
  await shutdownTracing(); // the last spans reach the collector
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}${(reason as { code?: string }).code ? ` (${(reason as { code?: string }).code})` : ''}`;
  return String(reason);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirInUseError) log.fatal(error.message);
  else log.fatal({ reason: describe(error) }, 'start-up failed');
  process.exit(1);
});
