/**
 * Neuroglancer starts its two workers with
 * `new Worker(/* webpackChunkName: … *\/ new URL("./x.bundle.js", import.meta.url), …)`.
 * Vite 8 looks for `new Worker(new URL(…))` in the raw source, so the comment
 * hides them and the worker entries end up inlined as data: URLs without
 * their imports. Dropping that comment lets Vite bundle each worker.
 */
import type { Plugin } from 'vite';

const CHUNK_NAME_COMMENT = /\/\*\s*webpackChunkName:[^*]*\*\/\s*/g;

export function withoutChunkNameComments(code: string): string {
  return code.replace(CHUNK_NAME_COMMENT, '');
}

export function neuroglancerWorkers(): Plugin {
  return {
    name: 'zarr-bridge:neuroglancer-workers',
    enforce: 'pre',
    transform: {
      filter: { id: /[\\/]neuroglancer[\\/]lib[\\/].*\.js$/, code: /webpackChunkName/ },
      handler(code) {
        return { code: withoutChunkNameComments(code), map: null };
      },
    },
  };
}
