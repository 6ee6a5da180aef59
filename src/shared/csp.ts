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
