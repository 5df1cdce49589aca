import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The consoles' build: `web/dist`, served by Tandem at `/` (see src/api/web/web-app.ts). */
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or module preload polyfill: the server's Content-Security-Policy can forbid them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 5000,
    // Two pages: the consoles, and GraphiQL (served at GET /graphql, offline: no CDN).
    rolldownOptions: {
      input: { main: 'index.html', graphiql: 'graphiql.html' },
      // GraphiQL's packages start modules with "use no memo" (React Compiler); bundling drops it harmlessly.
      onLog(level, log, handler) {
        if (log.code !== 'MODULE_LEVEL_DIRECTIVE') handler(level, log);
      },
    },
  },
  // Monaco's workers (GraphiQL's editor) are bundled as ES modules.
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://localhost:3000', '/graphql': { target: 'http://localhost:3000', ws: true }, '/signalling': { target: 'ws://localhost:3000', ws: true } } },
});
