import type { AppConfig } from '../config/app-config.js';
import { createDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  readonly url: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded cluster under DATA_DIR, database `tandem`. */
export async function resolveDatabase(
  config: AppConfig,
  output: { log?: (line: string) => void; notice?: (line: string) => void; shareRunning?: boolean } = {},
): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  const server = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    log: output.log,
    notice: output.notice,
    shareRunning: output.shareRunning,
    restartDelayMs: config.embeddedRestartDelayMs,
  });
  const url = await createDatabase(server.url, 'tandem');
  return { url, embedded: true, stop: () => server.stop() };
}
