import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import accepts from 'accepts';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pathOf, routePath } from '../http/input-guard.js';

/** Paths the server answers itself; everything else that asks for HTML is the consoles' app. */
const SERVER_PATHS = ['/api', '/graphql', '/signalling', '/docs', '/metrics', '/health', '/dev'];

/** The built consoles (`web/dist`), found by walking up from this module to the checkout's `web/`. */
export function webDistDir(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'web', 'package.json'))) return join(dir, 'web', 'dist');
    if (dirname(dir) === dir) return undefined;
  }
}

/** True for a path the server answers itself (any case): `/api/...`, `/graphql`, `/health`, ... */
export function isServerPath(path: string): boolean {
  const lower = path.toLowerCase();
  return SERVER_PATHS.some((p) => lower === p || lower.startsWith(`${p}/`));
}

/**
 * Serves the consoles (a single-page app) at `/`, on the Fastify instance before any route of
 * the API: the files of `web/dist` (those under `assets/` are hashed and cached for a year, the
 * others revalidated), and `index.html` for any other GET that accepts HTML and is not one of
 * the server's own paths (`/join/123456789`, `/help/<queue>`, `/console/...`); and GraphiQL
 * (`web/dist/graphiql.html`) for a browser's GET /graphql without a query. A GET with `query` is
 * a GraphQL request. Nothing here runs inline script, so a strict Content-Security-Policy holds.
 * Anything else falls through to the API's 404.
 */
export async function installConsoles(fastify: FastifyInstance, dist = webDistDir()): Promise<void> {
  if (dist) {
    // Hashed assets: read from disk on each request, so a build made while the server runs is
    // served (a missing one is the API's 404, never the page).
    await fastify.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/assets/',
      index: false,
      cacheControl: false,
      setHeaders: (reply) => reply.header('Cache-Control', 'public, max-age=31536000, immutable'),
    });
  }
  if (dist && existsSync(dist)) {
    // The other files at the top (icons, the pages' own files): one route each, for those there
    // at start, so that no catch-all shadows the API's routes.
    await fastify.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      globIgnore: ['assets/**'],
      index: false,
      cacheControl: false,
      decorateReply: false,
      setHeaders: (reply) => reply.header('Cache-Control', 'public, max-age=0'),
    });
  }
  const page = (name: string) => (reply: FastifyReply) => {
    const file = dist ? resolve(dist, name) : undefined;
    if (!file || !existsSync(file)) {
      return reply.code(503).type('text/plain').send('The consoles are not built yet: run `npm run build:web` (npm start and npm test build them).\n');
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(readFileSync(file));
  };
  const accepted = (request: FastifyRequest, ...types: string[]) => accepts(request.raw).type(types);
  fastify.addHook('onRequest', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || routePath(request) !== '/graphql') return undefined;
    if ((request.query as { query?: unknown }).query !== undefined || accepted(request, 'application/json', 'html') !== 'html') return undefined;
    return page('graphiql.html')(reply);
  });
  // Unmatched GETs (and HEADs): the app for a browser, the API's 404 for everyone else (and for
  // a hashed asset that is not there: an old page asking for it must not get HTML as script).
  fastify.get('/*', (request, reply) => {
    const path = pathOf(request.url);
    if (isServerPath(path) || path.toLowerCase().startsWith('/assets/') || !accepted(request, 'html')) return reply.callNotFound();
    return page('index.html')(reply);
  });
}
