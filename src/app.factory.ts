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
import { trace } from '@opentelemetry/api';
import { InputRefused, installInputGuard, pathOf, routePath, sendRefusal, withoutCredentials } from './api/http/input-guard.js';
import { InputPipe } from './api/validation/input-pipe.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './infrastructure/config/app-config.js';
import { logShape, requestFields, requestLevel } from './infrastructure/logging/log-shape.js';
import { Metrics } from './infrastructure/metrics/metrics.js';
import { installConsoles, isServerPath } from './api/web/web-app.js';
import { lazyOpenApiDocument, openApiDocument } from './api/openapi/openapi.document.js';

/** The largest body any HTTP route takes (tus upload bytes are streamed, not parsed). */
const BODY_LIMIT_BYTES = 256 * 1024;

/** Paths whose requests get no log line (probes and scrapes). */
const UNLOGGED = /^\/(health(\/(live|ready))?|metrics)$/i;

/**
 * The duration metric's route label: the route's pattern for the server's own routes
 * (`/graphql`, `/api/v1/sessions/:id`), `static` for the consoles' files, `unmatched` for
 * anything no route took (the consoles' page included): ids and file names in a label would
 * explode the label set.
 */
function routeLabel(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (!pattern || pattern === '/*') return 'unmatched';
  return isServerPath(pattern) ? pattern : 'static';
}

/** What the HTTP edge keeps on Fastify's request between its hooks. */
interface EdgeRequest {
  /** `performance.now()` when the request reached the edge. */
  startedAt?: number;
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
  /** Headers every answer gets, on the raw response (as helmet's): kept by replies that stream on their own (downloads, tus). */
  const secure = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const path = routePath(request);
    if (/^\/(api|graphql|dev)(\/|$)/.test(path)) reply.raw.setHeader('Cache-Control', 'no-store');
    (/^\/(graphql|docs)(\/|$)/.test(path) ? withoutCsp : withCsp)(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  };
  /** Notes when the request began, and its trace id while its span is active. */
  const started = (request: FastifyRequest) => {
    const edge = request as unknown as EdgeRequest;
    edge.startedAt = performance.now();
    requestFields(edge);
  };
  /** The duration metric and the request's one log line, once the answer is sent (or the client went away). */
  const completed = (request: FastifyRequest, statusCode: number, aborted = false) => {
    const edge = request as unknown as EdgeRequest;
    const elapsedMs = edge.startedAt === undefined ? 0 : performance.now() - edge.startedAt;
    metrics?.httpDuration.observe({ method: request.method, route: routeLabel(request), status: aborted ? 'aborted' : String(statusCode) }, elapsedMs / 1000);
    if (UNLOGGED.test(pathOf(request.url))) return;
    const level = requestLevel(request, { statusCode });
    if (!requestLog.isLevelEnabled(level)) return;
    requestLog[level](
      {
        req: { id: request.id, method: request.method, url: withoutCredentials(request.url), remoteAddress: request.ip },
        res: { statusCode },
        responseTime: Math.round(elapsedMs),
        ...requestFields(edge),
      },
      aborted ? 'request aborted' : 'request completed',
    );
  };

  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    // Routing as the API was served before: `/API/v1/me/` is `/api/v1/me`, and a path parameter
    // may be long (the router's default is 100 characters; ids, numbers and names are shorter
    // than this, and longer ones are refused by the rules for the field, not by the router).
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 2048 },
    // Requests that arrive while the server closes are answered by the app (503 problems with
    // Retry-After when the database is away), not by Fastify's bare 503.
    return503OnClosing: false,
    // A URL the router cannot decode (400 INVALID_TEXT) or with an over-long parameter (414)
    // is refused before any hook runs: the edge's headers, log line and metric are applied here.
    frameworkErrors: (error: { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
      const refusal =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new InputRefused(414, 'URI_TOO_LONG', 'path', 'a path segment is longer than any this API takes')
          : error.code === 'FST_ERR_BAD_URL'
            ? new InputRefused(400, 'INVALID_TEXT', 'path', 'the path is not valid percent-encoded UTF-8')
            : new InputRefused(400, 'BAD_REQUEST', 'path', 'the request cannot be routed');
      started(request);
      reply.raw.once('finish', () => completed(request, reply.statusCode));
      secure(request, reply, () => sendRefusal(request, reply, refusal));
    },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    started(request);
    // The server span named by its route, as the Express instrumentation named it.
    const pattern = request.routeOptions.url;
    if (pattern && pattern !== '/*') trace.getActiveSpan()?.setAttribute('http.route', pattern);
    secure(request, reply, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    completed(request, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    completed(request, 499, true);
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
