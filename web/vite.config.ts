/// <reference types="vitest/config" />
// Build config for Telescope's web UI. The bundle goes into the Python package's static folder,
// with relative asset URLs so the server can run under a path prefix.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../src/telescope/server/static',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev` against a server started with `python -m telescope --port 6006`.
    proxy: { '/api': 'http://127.0.0.1:6006' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
