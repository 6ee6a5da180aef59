import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The CLI is built beside the Electron main process: same Node target, no Electron import.
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/cli/index.ts'),
          // The writer's codec worker threads load this file by name.
          'encode-worker': resolve('src/bridge/writer/encode-worker.ts'),
          // The bridge's decode worker threads (BossDB's blosc cuboids) load this file by name.
          'decode-worker': resolve('src/bridge/util/decode-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload must be one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
      // electron-vite leaves the renderer unminified; the page is also served to browsers by `serve`, and
      // parsing 2.7 MB of deck.gl/viv before the first request was most of a fresh page's start-up.
      minify: true,
    },
    // The decode worker is an ES module (new Worker(..., { type: 'module' })).
    worker: { format: 'es' },
    plugins: [react()],
  },
});
