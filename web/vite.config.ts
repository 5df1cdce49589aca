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
    chunkSizeWarningLimit: 2000,
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/graphql': { target: 'http://localhost:3000', ws: true }, '/signalling': { target: 'ws://localhost:3000', ws: true } } },
});
