import type { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory.js';
import type { Role } from '../../src/application/identity/principal.js';
import { type AppConfig, loadConfig } from '../../src/infrastructure/config/app-config.js';
import { signToken } from '../../src/infrastructure/identity/jwt.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly db: TestDatabase;
  /** Base URL of the listening server (real HTTP on a free port). */
  readonly url: string;
  token(user: string, roles: Role[], flags?: Record<string, boolean>, name?: string): Promise<string>;
  close(): Promise<void>;
}

/** The configuration tests run the app with: free port, test secret, quiet logs, its own data folder. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-test-')),
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: '10',
    // Every test client is 127.0.0.1: one address. The number-lookup limit has a test of its own.
    NUMBER_LOOKUP_RATE_PER_MINUTE: '100000',
    ...env,
  });
}

/** A real app on `databaseUrl`, listening on a free port (tests that restart or add a node use it). */
export async function listenApp(config: AppConfig, databaseUrl: string): Promise<{ app: INestApplication; url: string }> {
  const app = await createApp(config, databaseUrl);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** The real application on a fresh database, listening on a free port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase('app');
  const config = testConfig(env);
  const { app, url } = await listenApp(config, db.url);
  return {
    app,
    config,
    db,
    url,
    token: (user, roles, flags = {}, name) => signToken(TEST_JWT_SECRET, { sub: user, roles, flags, name }),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
