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
