import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const apiTarget = process.env.PINGAN_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: webRoot,
  // Served by the API at its root; relative paths would also work but `/` keeps deep links simple.
  base: '/',
  plugins: [svelte()],
  resolve: {
    // The shared, pure-TS layer catalogue and geometry helpers live in the repo's `geo/` folder.
    alias: { $geo: fileURLToPath(new URL('../geo', import.meta.url)) },
  },
  server: {
    // `geo/` is outside the Vite root, so the dev server must be allowed to read the whole repo.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
    },
  },
  // MapLibre 6 starts its worker as a module worker; keep the bundled worker an ES module too.
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // MapLibre and deck.gl are large by nature; the app is one screen that needs both at once.
    chunkSizeWarningLimit: 2500,
  },
});
