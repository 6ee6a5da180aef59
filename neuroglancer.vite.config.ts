/**
 * Builds Neuroglancer (npm `neuroglancer`) into out/neuroglancer, served by the
 * bridge at `/neuroglancer/`. `npm run build` runs it (scripts/build-neuroglancer.js)
 * after electron-vite.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { ikonateIcons } from './src/neuroglancer/build/ikonate-icons.js';
import { neuroglancerWorkers } from './src/neuroglancer/build/worker-urls.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// Rolldown's report on slow plugin callbacks only names Vite's own asset plugins working through 5 MB.
const quiet = { checks: { bundlerTimings: false } };

export default defineConfig({
  root: here('./src/neuroglancer'),
  // Relative asset URLs: the same files serve `/neuroglancer/` on the bridge and `zarr-bridge://app/neuroglancer/`.
  base: '',
  logLevel: 'warn',
  plugins: [ikonateIcons(here('./src/neuroglancer/icons')), neuroglancerWorkers()],
  // Neuroglancer's workers import their decoders dynamically.
  worker: { format: 'es', plugins: () => [neuroglancerWorkers()], rolldownOptions: quiet },
  build: {
    outDir: here('./out/neuroglancer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4 * 1024,
    reportCompressedSize: false,
    rolldownOptions: quiet,
  },
});
