import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Logger, Module, type Provider, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { logShape } from './infrastructure/logging/log-shape.js';
import { AuthGuard, bearerToken } from './api/auth/auth.guard.js';
import { ProblemFilter } from './api/errors/problem.filter.js';
import { HealthController, HealthResolver } from './api/health/health.controller.js';
import { MeController, MeResolver } from './api/identity/me.api.js';
import { MetricsController } from './api/metrics/metrics.controller.js';
import { type AppConfig, environmentOf, localJwtSecret, validateEnvironment } from './infrastructure/config/app-config.js';
import { EventStoreModule } from './infrastructure/event-store/event-store.module.js';
import { TokenVerifier } from './infrastructure/identity/jwt.js';
import { sessionProviders } from './infrastructure/sessions.providers.js';
import { webAcdProviders } from './infrastructure/webacd.providers.js';
import { reportProviders } from './infrastructure/reports.providers.js';
import { ReportsController, ReportsResolver } from './api/reports/reports.api.js';
import { INVITATIONS_API } from './api/invitations/index.js';
import { REPLAY_API } from './api/replay/index.js';
import { IceServersController, IceServersResolver } from './api/media/ice-servers.api.js';
import { AuthConfigController, JoinController } from './api/join/join.api.js';
import { consolesProviders } from './infrastructure/consoles.providers.js';
import { ConversationResolver } from './api/sessions/conversation.resolver.js';
import { ParticipantResolver } from './api/sessions/participant.resolver.js';
import { invitationProviders } from './infrastructure/mail/invitations.providers.js';
import { SESSION_API } from './api/sessions/index.js';
import { WEBACD_API } from './api/webacd/index.js';
import { SIGNALLING_API } from './api/signalling/index.js';
import { graphqlWsOptions } from './api/subscriptions/graphql-ws.options.js';
import { edgePlugin, edgeValidationRules, formatError, tokenRefusal, validateWithEdgeRules, variablesRefusal } from './api/graphql/graphql-edge.js';
import { subscriptionOverHttpPlugin } from './api/subscriptions/subscription-over-http.plugin.js';
import { filesApi } from './api/files/index.js';
import { fileProviders } from './infrastructure/files.providers.js';
import { Metrics } from './infrastructure/metrics/metrics.js';
import { sessionParameters, withSessionLimits } from './infrastructure/postgres/session-limits.js';
import { MIGRATIONS } from './infrastructure/persistence/migrations/index.js';
import { READ_MODEL_ENTITIES } from './infrastructure/persistence/read-model-entities.js';

import { READINESS_PROBE, type ReadinessProbe } from './application/operations/readiness.port.js';
import { graphqlMetricsPlugin } from './api/metrics/graphql-metrics.plugin.js';
import { registerDatabaseGauges } from './infrastructure/metrics/metrics-collectors.js';
import { PgReadinessProbe } from './infrastructure/operations/pg-readiness.js';
import { REBUILDABLE } from './infrastructure/persistence/rebuild-projection.js';
import { DataSource } from 'typeorm';

export const APP_CONFIG = Symbol('AppConfig');

export { withoutCredentials } from './api/http/input-guard.js';

/** The socket meets the HTTP edge's rules: token limit, storable variables, the same validation rules. */
function withEdgeRules(options: ReturnType<typeof graphqlWsOptions>): ReturnType<typeof graphqlWsOptions> {
  return {
    ...options,
    // graphql-ws takes `validate` (Nest's type leaves it out, its code passes it on).
    ...({ validate: validateWithEdgeRules() } as object),
    onSubscribe: (ctx, id, payload) => {
      const refused = tokenRefusal(payload.query) ?? variablesRefusal(payload.variables);
      return refused ? [refused] : options.onSubscribe?.(ctx, id, payload);
    },
  };
}
const METRICS_DB_GAUGES = Symbol('MetricsDatabaseGauges');
const graphqlWsLogger = new Logger('GraphqlWs');

/**
 * The composition root. `databaseUrl` is the resolved database (DATABASE_URL or the embedded
 * one), already migrated by the caller.
 */
@Module({})
export class AppModule {
  /** `extraProviders`: more resolvers or services in the same module (the API benchmark's framework floor). */
  static register(config: AppConfig, givenDatabaseUrl: string, extraProviders: Provider[] = []): DynamicModule {
    // Every connection below carries the statement and idle-in-transaction limits (issue 12).
    const limits = { statementTimeoutMs: config.dbStatementTimeoutMs, idleInTransactionTimeoutMs: config.dbIdleInTransactionTimeoutMs };
    const databaseUrl = withSessionLimits(givenDatabaseUrl, limits);
    const metrics = new Metrics();
    const verifier = new TokenVerifier({ ...config.jwt, secret: config.jwt.jwksUrl ? undefined : localJwtSecret(config), guestSecret: localJwtSecret(config) });
    return {
      module: AppModule,
      imports: [
        // Nest validates the variables `config` was read from (main: process.env; tests and
        // benches: their own) with the zod schema, and ConfigService.get('app') is the result.
        // main read them first too: it needs the port and the database before the app exists.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validatePredefined: false, validate: () => validateEnvironment(environmentOf(config)) }),
        // The app's own lines (one log shape, issue 17: the same base fields and trace ids as
        // main's start-up lines). Request lines are the HTTP edge's (app.factory.ts), so
        // nestjs-pino's per-request middleware runs nowhere.
        LoggerModule.forRoot({
          pinoHttp: { ...logShape(config.logLevel), autoLogging: false },
          forRoutes: [{ path: '/__no-request-logging__', method: RequestMethod.ALL }],
        }),
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          entities: READ_MODEL_ENTITIES,
          migrations: MIGRATIONS,
          migrationsRun: false,
          synchronize: false,
          extra: { max: config.dbPoolSize, ...sessionParameters(limits) },
        }),
        // Not-ready is reported in the 503 body; it is not an error to log.
        TerminusModule.forRoot({ logger: false }),
        EventStoreModule.register(config, databaseUrl),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
          path: '/graphql',
          // Nest's GraphiQL page loads from a CDN; ours is bundled (web/graphiql.html, src/api/web/web-app.ts).
          graphiql: false,
          // Limits and refusals at the edge (README "Input rules"); development is asked for explicitly.
          validationRules: edgeValidationRules(),
          plugins: [
            subscriptionOverHttpPlugin,
            graphqlMetricsPlugin((labels, seconds) => metrics.graphqlOperations.observe(labels, seconds)),
            edgePlugin({
              development: config.development,
              authenticated: (header) =>
                verifier.verify(bearerToken(header) ?? '').then(
                  () => true,
                  () => false,
                ),
            }),
          ],
          formatError: formatError(config.development),
          includeStacktraceInErrorResponses: config.development,
          introspection: true,
          subscriptions: {
            // Authenticated once, at connection_init; sockets per user and operations per socket bounded.
            'graphql-ws': withEdgeRules(
              graphqlWsOptions(
                (token) => verifier.verify(token),
                config.graphqlWs,
                (fields, message) => graphqlWsLogger.warn(fields, message),
                (delta) => metrics.openSockets.inc({ endpoint: 'graphql' }, delta),
              ),
            ),
          },
          // Over HTTP the first argument is Fastify's request (the guard keeps the principal on it);
          // over graphql-ws it is the socket's context, whose `extra` carries the principal.
          context: (arg: { extra?: { principal?: unknown } }) => (arg.extra ? { req: { principal: arg.extra.principal } } : { req: arg }),
        }),
      ],
      controllers: [
        HealthController,
        MetricsController,
        MeController,
        ...SESSION_API.controllers,
        ...WEBACD_API.controllers,
        ReportsController,
        ...INVITATIONS_API.controllers,
        ...REPLAY_API.controllers,
        IceServersController,
        JoinController,
        AuthConfigController,
        ...filesApi(config.files.maxUploadBytes).controllers,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: TokenVerifier, useValue: verifier },
        { provide: Metrics, useValue: metrics },
        {
          provide: METRICS_DB_GAUGES,
          inject: [DataSource, READINESS_PROBE],
          useFactory: (dataSource: DataSource, probe: ReadinessProbe) => registerDatabaseGauges(metrics, dataSource, probe),
        },
        HealthResolver,
        MeResolver,
        ...SESSION_API.providers,
        ...WEBACD_API.providers,
        ...sessionProviders(config, databaseUrl),
        ...webAcdProviders(config, databaseUrl),
        ...reportProviders(),
        ...INVITATIONS_API.providers,
        ...REPLAY_API.providers,
        ...SIGNALLING_API.providers,
        IceServersResolver,
        ...invitationProviders(config, databaseUrl),
        ...consolesProviders(config),
        ConversationResolver,
        ParticipantResolver,
        ...fileProviders(config),
        ...filesApi(config.files.maxUploadBytes).providers,
        ReportsResolver,
        HealthController,
        {
          provide: READINESS_PROBE,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new PgReadinessProbe(
              dataSource,
              Object.values(REBUILDABLE).map((spec) => spec.projection),
            ),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        ...extraProviders,
      ],
      exports: [APP_CONFIG, TokenVerifier, Metrics],
    };
  }
}
