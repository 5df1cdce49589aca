import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths the server answers itself; everything else that asks for HTML is the consoles' app. */
const SERVER_PATHS = ['/api', '/graphql', '/signalling', '/docs', '/metrics', '/health', '/dev'];

/** The built consoles (`web/dist`), found by walking up from this module to the checkout's `web/`. */
export function webDistDir(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'web', 'package.json'))) return join(dir, 'web', 'dist');
    if (dirname(dir) === dir) return undefined;
  }
}

const isServerPath = (path: string) => SERVER_PATHS.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * Serves the consoles (a single-page app) at `/`: hashed assets from `web/dist/assets` (cached
 * for a year), and `index.html` for any other GET that accepts HTML and is not one of the
 * server's own paths (`/join/123456789`, `/help/<queue>`, `/console/...`); and GraphiQL
 * (`web/dist/graphiql.html`) for a browser's GET /graphql. Nothing here runs inline script, so
 * a strict Content-Security-Policy holds.
 */
export function webAppMiddleware(dist = webDistDir()): express.Router {
  const router = express.Router();
  if (dist) router.use('/assets', express.static(join(dist, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  if (dist) router.use(express.static(dist, { index: false, maxAge: 0 }));
  const page = (name: string) => (res: Response) => {
    const file = dist ? resolve(dist, name) : undefined;
    if (!file || !existsSync(file)) {
      res.status(503).type('text/plain').send('The consoles are not built yet: run `npm run build:web` (npm start and npm test build them).\n');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.type('html').send(readFileSync(file));
  };
  // GraphiQL from our own bundle (offline; Nest's landing page loads from a CDN and is off):
  // a browser's GET /graphql without a query. A GET with `query` is a GraphQL request.
  router.get('/graphql', (req: Request, res: Response, next: NextFunction) => {
    if (req.query.query !== undefined || req.accepts(['application/json', 'html']) !== 'html') return next();
    page('graphiql.html')(res);
  });
  router.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    if (isServerPath(req.path) || !req.accepts('html')) return next();
    page('index.html')(res);
  });
  return router;
}
