import 'reflect-metadata';
import type { INestApplication, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { inputGuard } from './api/http/input-guard.js';
import { InputPipe } from './api/validation/input-pipe.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './infrastructure/config/app-config.js';
import { Metrics } from './infrastructure/metrics/metrics.js';
import { webAppMiddleware } from './api/web/web-app.js';
import { lazyOpenApiDocument, openApiDocument } from './api/openapi/openapi.document.js';

/**
 * Builds the HTTP/GraphQL/WebSocket application; used by main and by the e2e tests alike.
 * `extraProviders` join the app's module (benchmarks add a resolver that does no I/O).
 */
export async function createApp(config: AppConfig, databaseUrl: string, extraProviders: Provider[] = []): Promise<INestApplication> {
  const module = AppModule.register(config, databaseUrl, extraProviders);
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: true, rawBody: false });
  app.useLogger(app.get(Logger));
  app.useWebSocketAdapter(new WsAdapter(app));
  const { httpDuration } = app.get(Metrics);
  app.use((req: { method: string; route?: { path?: string }; baseUrl?: string }, res: { statusCode: number; on(e: 'finish', f: () => void): void }, next: () => void) => {
    const stop = httpDuration.startTimer();
    // The route pattern, not the URL: ids in paths would explode the label set.
    res.on('finish', () =>
      stop({ method: req.method, route: req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}`.replace('{/*splat}', '') : 'unmatched', status: String(res.statusCode) }),
    );
    next();
  });
  // Security headers (helmet): no X-Powered-By; a CSP fit for the pages under /pages and for a
  // single-page app served at / (scripts from this origin only, inline styles, sockets to it).
  // Apollo's landing page (/graphql) and Swagger UI (/docs) get every header but the CSP.
  app.getHttpAdapter().getInstance().disable('x-powered-by');
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
  app.use((req: Request, res: Response, next: NextFunction) => {
    // Answers for a caller (API, GraphQL, dev mail) are private: never kept by a cache.
    if (/^\/(api|graphql|dev)(\/|$)/i.test(req.path)) res.setHeader('Cache-Control', 'no-store');
    return (/^\/(graphql|docs)(\/|$)/i.test(req.path) ? withoutCsp : withCsp)(req, res, next);
  });
  // Bodies are parsed by the input guard: depth before parsing, storable text in every field.
  for (const middleware of inputGuard({ limit: '256kb' })) app.use(middleware);
  // The consoles at `/` (web/dist); the API's own paths fall through to Nest.
  app.use(webAppMiddleware());
  app.useGlobalPipes(InputPipe.forTheApi());
  // Built on the first request to /docs, from the served GraphQL schema (response shapes).
  const openApi = lazyOpenApiDocument(() => openApiDocument(app, app.get(GraphQLSchemaHost).schema, module.controllers ?? []));
  SwaggerModule.setup('docs', app, openApi, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
