/**
 * The viewer's Content-Security-Policies, sent by the bridge (browser mode) and the desktop app's scheme alike.
 *
 * The page: no `unsafe-eval`; `wasm-unsafe-eval` allows WebAssembly compilation only.
 *
 * The decode worker (src/renderer/src/codecs/decode.worker.ts) runs numcodecs' WebAssembly builds of c-blosc,
 * zstd and lz4, whose Emscripten glue makes small functions with `new Function`. A dedicated worker takes the
 * policy of its own script's response, not the page's, so it gets one that allows exactly that and takes away
 * everything else: no network (`default-src 'none'`), no imports but its own script.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function decodeWorkerPolicy(): string {
  return ["default-src 'none'", "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'"].join('; ');
}

/** Whether a served file is the decode worker's script (built as `assets/decode.worker-<hash>.js`). */
export function isDecodeWorkerScript(path: string): boolean {
  return /[\\/]decode\.worker-[A-Za-z0-9_-]+\.js$/.test(path);
}

/**
 * The policy of the built-in Neuroglancer (`/neuroglancer/`, and the desktop
 * app's Neuroglancer window), on its page and on every script, since a
 * worker's policy is the one sent with the worker's own script.
 *
 * Neuroglancer 2.41 needs `'unsafe-eval'`; measured in headless Chromium
 * (see the README's Neuroglancer section):
 * - its decoder worker (`async_computation`) builds a function from a string
 *   when the module loads (compressed-segmentation encoder), so without
 *   `'unsafe-eval'` the worker dies and no blosc, zstd, jpeg or png chunk is
 *   ever decoded; numcodecs' blosc and zstd (emscripten embind) build more;
 * - annotation layers compile their property (de)serialisers from strings on
 *   the page itself.
 * Raw and gzip image and segmentation data render without it. The page itself
 * needs no inline script or style. Data may come only from the page's origin
 * and `bridgeOrigins` (the bridge's http origin when the page is served from
 * the desktop app's own scheme): the built-in Neuroglancer is the offline one;
 * the hosted link is the one for mixing in internet sources.
 */
export function neuroglancerContentSecurityPolicy(bridgeOrigins: readonly string[] = []): string {
  const data = ["'self'", ...bridgeOrigins].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src ${data}`,
    // fflate (zip key-value stores) starts workers from blobs.
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
