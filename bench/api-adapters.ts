import 'reflect-metadata';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Logger, LoggerModule } from 'nestjs-pino';
import { pino } from 'pino';
import { AuthGuard } from '../src/api/auth/auth.guard.js';
import { InputPipe } from '../src/api/validation/input-pipe.js';
import { TokenVerifier } from '../src/infrastructure/identity/jwt.js';
import { logShape, requestFields, requestLevel } from '../src/infrastructure/logging/log-shape.js';
import { BENCH_JWT_SECRET, FrameworkFloorResolver } from './api-floor.js';

/** The HTTP adapters `bench:api` compares under the same Nest stack. */
export type HttpAdapterName = 'express' | 'fastify';

/** A schema needs a query type; the floor is a mutation. */
@Resolver()
class PingResolver {
  @Query(() => String, { description: 'Benchmark only' })
  ping(): string {
    return 'pong';
  }
}

/**
 * Nest's part of the floor and nothing of Tandem's edge: request logging (nestjs-pino, as the
 * app sets it up), the app's auth guard and validation pipe, Apollo Server, and the floor's
 * resolver. Tandem's own HTTP middleware (security headers, the input guard's parsing rules,
 * the metrics timer, the consoles' router) is left out, so that the only difference between
 * two of these apps is the adapter. Request logging on Fastify is Fastify's own (pino, a child
 * logger per request, the same log shape): nestjs-pino's middleware never runs for the route
 * Apollo registers on the Fastify instance before Nest's middleware.
 */
@Module({})
class AdapterFloorModule {
  static register(): DynamicModule {
    return {
      module: AdapterFloorModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...logShape(process.env.LOG_LEVEL ?? 'warn'),
            customProps: requestFields as never,
            customLogLevel: requestLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
        }),
        GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, sortSchema: true, path: '/graphql', graphiql: false, introspection: true }),
      ],
      providers: [
        FrameworkFloorResolver,
        PingResolver,
        { provide: TokenVerifier, useValue: new TokenVerifier({ secret: BENCH_JWT_SECRET }) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}

/**
 * The floor's stack on one adapter, listening on 127.0.0.1 at a free port.
 * @returns the app and its GraphQL endpoint
 */
export async function adapterFloorApp(adapter: HttpAdapterName): Promise<{ app: INestApplication; endpoint: string }> {
  const module = AdapterFloorModule.register();
  const requestLogger = () => pino({ ...logShape(process.env.LOG_LEVEL ?? 'warn'), redact: ['req.headers.authorization', 'req.headers.cookie'] });
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter({ loggerInstance: requestLogger() }), { bufferLogs: true })
      : await NestFactory.create(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(InputPipe.forTheApi());
  await app.listen(0, '127.0.0.1');
  return { app, endpoint: `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql` };
}
