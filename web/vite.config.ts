/**
 * The web console's build: React, bundled into dist/web, which the server serves at /console/.
 * Everything the console needs ships in the bundle: no CDN, no external font (it must work on
 * an air-gapped network).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: new URL('../dist/web', import.meta.url).pathname,
    emptyOutDir: true,
    // No inline scripts or styles: the console's Content-Security-Policy allows 'self' only.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev:web` proxies the API to a running `vigil serve`.
    proxy: { '/v1': 'http://127.0.0.1:7070', '/health': 'http://127.0.0.1:7070' },
  },
});
