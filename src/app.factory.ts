import 'reflect-metadata';
import type { INestApplication, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { pino } from 'pino';
import helmet from 'helmet';
import { InputRefused, installInputGuard, pathOf, sendRefusal } from './api/http/input-guard.js';
import { InputPipe } from './api/validation/input-pipe.js';
import { AppModule, withoutCredentials } from './app.module.js';
import type { AppConfig } from './infrastructure/config/app-config.js';
import { logShape, requestFields, requestLevel } from './infrastructure/logging/log-shape.js';
import { Metrics } from './infrastructure/metrics/metrics.js';
import { installConsoles } from './api/web/web-app.js';
import { lazyOpenApiDocument, openApiDocument } from './api/openapi/openapi.document.js';

/** The largest body any HTTP route takes (tus upload bytes are streamed, not parsed). */
const BODY_LIMIT_BYTES = 256 * 1024;

/** Paths whose requests get no log line (probes and scrapes). */
const UNLOGGED = /^\/(health(\/(live|ready))?|metrics)$/i;

/** What the HTTP edge keeps on Fastify's request between its hooks. */
interface EdgeRequest {
  principal?: { userId?: string };
  traceId?: string;
  problemCode?: string;
}

/**
 * Builds the HTTP/GraphQL/WebSocket application on Fastify; used by main and by the e2e tests
 * alike. `extraProviders` join the app's module (benchmarks add a resolver that does no I/O).
 *
 * The HTTP edge is installed on the Fastify instance before Nest and Apollo add any route, so
 * that every route (Nest's controllers and Apollo's /graphql alike) gets it: security headers,
 * body parsing and the input rules (`installInputGuard`), one request log line per request, the
 * request duration metric, and the consoles at `/`.
 */
export async function createApp(config: AppConfig, databaseUrl: string, extraProviders: Provider[] = []): Promise<INestApplication> {
  const module = AppModule.register(config, databaseUrl, extraProviders);
  const requestLog = pino(logShape(config.logLevel));
  // Routing as the API was served before: `/API/v1/me/` is `/api/v1/me`.
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    // A URL the router cannot decode is refused as the input rules refuse any unreadable path.
    frameworkErrors: (error: { code?: string }, request: FastifyRequest, reply: FastifyReply) =>
      sendRefusal(request, reply, new InputRefused(400, error.code === 'FST_ERR_BAD_URL' ? 'INVALID_TEXT' : 'BAD_REQUEST', 'path', 'the path is not valid percent-encoded UTF-8')),
  });
  const fastify = adapter.getInstance();
  let metrics: Metrics | undefined;

  // Security headers (helmet): a CSP fit for the pages under /pages and for a single-page app
  // served at / (scripts from this origin only, inline styles, sockets to it). Apollo's landing
  // page (/graphql) and Swagger UI (/docs) get every header but the CSP. Answers for a caller
  // (API, GraphQL, dev mail) are private: never kept by a cache.
  const csp = {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      // The consoles' OpenID Connect sign-in reads the provider's discovery document and JWKS.
      connectSrc: ["'self'", 'ws:', 'wss:', ...(config.oidc ? [new URL(config.oidc.authority).origin] : [])],
      mediaSrc: ["'self'", 'blob:', 'mediastream:'],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
  };
  const withCsp = helmet({ contentSecurityPolicy: csp });
  const withoutCsp = helmet({ contentSecurityPolicy: false });
  fastify.addHook('onRequest', (request, reply, done) => {
    const edge = request as unknown as EdgeRequest;
    requestFields(edge); // the trace id, while the request's span is active
    const path = pathOf(request.url);
    // On the raw response, as helmet's: kept by replies that stream on their own (downloads, tus).
    if (/^\/(api|graphql|dev)(\/|$)/i.test(path)) reply.raw.setHeader('Cache-Control', 'no-store');
    (/^\/(graphql|docs)(\/|$)/i.test(path) ? withoutCsp : withCsp)(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const edge = request as unknown as EdgeRequest;
    const path = pathOf(request.url);
    // The route pattern, not the URL: ids in paths would explode the label set.
    const route = request.routeOptions.url && request.routeOptions.url !== '/*' ? request.routeOptions.url : 'unmatched';
    metrics?.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (!UNLOGGED.test(path)) {
      const level = requestLevel(request, reply);
      if (requestLog.isLevelEnabled(level))
        requestLog[level](
          {
            req: { id: request.id, method: request.method, url: withoutCredentials(request.url), remoteAddress: request.ip },
            res: { statusCode: reply.statusCode },
            responseTime: Math.round(reply.elapsedTime),
            ...requestFields(edge),
          },
          'request completed',
        );
    }
    done();
  });
  // Bodies are parsed by the input guard: depth before parsing, storable text in every field.
  installInputGuard(fastify, { bodyLimit: BODY_LIMIT_BYTES });
  // The consoles at `/` (web/dist); the API's own paths fall through to Nest.
  await installConsoles(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, bodyParser: false, rawBody: false });
  app.useLogger(app.get(Logger));
  app.useWebSocketAdapter(new WsAdapter(app));
  metrics = app.get(Metrics);
  app.useGlobalPipes(InputPipe.forTheApi());
  // Built on the first request to /docs, from the served GraphQL schema (response shapes).
  const openApi = lazyOpenApiDocument(() => openApiDocument(app, app.get(GraphQLSchemaHost).schema, module.controllers ?? []));
  SwaggerModule.setup('docs', app, openApi, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
