import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { INestApplication } from '@nestjs/common';
import { SendChatMessageArgs, SessionModel } from '../src/api/sessions/session.types.js';
import { CurrentPrincipal } from '../src/api/auth/auth.decorators.js';
import type { Principal } from '../src/application/identity/principal.js';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';

/** The HS256 secret every node of the benchmark signs and checks tokens with. */
export const BENCH_JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';

/** The floor: everything a mutation goes through before and after the application, and nothing in between. */
@Resolver()
export class FrameworkFloorResolver {
  private readonly startedAt = new Date();

  @Mutation(() => SessionModel, { description: 'Benchmark only: the framework floor (no I/O)' })
  benchFloor(@CurrentPrincipal() p: Principal, @Args() a: SendChatMessageArgs): SessionModel {
    return {
      id: a.id,
      number: '000000000',
      status: 'active',
      kind: 'outbound',
      mode: 'single',
      controllerId: p.userId,
      participants: [],
      activeCustomerId: null,
      activities: null,
      joinLink: null,
      originUrl: null,
      startedAt: this.startedAt,
      endedAt: null,
      endReason: null,
      displayMode: 'standard',
      version: a.text.length,
      consistencyToken: null,
    };
  }
}

/**
 * One Tandem node as the API benchmark runs it: the whole app with the floor's resolver beside
 * the real ones, on `databaseUrl`, files under `dataDir`, listening on 127.0.0.1 at a free port.
 * @returns the app and its GraphQL endpoint (`http://127.0.0.1:<port>/graphql`)
 */
export async function benchApiNode(databaseUrl: string, dataDir: string): Promise<{ app: INestApplication; endpoint: string }> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: BENCH_JWT_SECRET,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATA_DIR: dataDir,
    DB_POOL_SIZE: '40',
    ...(process.env.APPEND_FLIGHTS ? { APPEND_FLIGHTS: process.env.APPEND_FLIGHTS } : {}),
  });
  const app = await createApp(config, databaseUrl, [FrameworkFloorResolver]);
  await app.listen(0, '127.0.0.1');
  return { app, endpoint: `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql` };
}
