/**
 * The viewer's Content-Security-Policy, sent by the bridge (browser mode) and
 * the desktop app's scheme alike. No `unsafe-eval`: blosc and zstd are decoded
 * in the bridge, the viewer only inflates gzip; `wasm-unsafe-eval` allows
 * WebAssembly compilation only.
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
