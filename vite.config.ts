import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The React window. Built into out/renderer, loaded by the Electron shell from a file and served by the
// gateway at /ui: relative asset URLs work for both.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    // The strict CSP allows no inline script: keep Vite from inlining its module-preload helper.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1' },
});
