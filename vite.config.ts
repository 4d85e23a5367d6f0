import { defineConfig } from 'vite';

// The React window. Built into out/renderer, loaded by the Electron shell (and servable to a browser).
export default defineConfig({
  root: 'renderer',
  base: './',
  build: { outDir: '../out/renderer', emptyOutDir: true },
  server: { host: '127.0.0.1' },
});
