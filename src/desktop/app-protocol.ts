/**
 * What the window's custom scheme serves: the built viewer's files (confined
 * to its folder), the built Neuroglancer under `/neuroglancer/` (confined to
 * its own), and everything else proxied to the bridge on loopback, so the
 * viewer reads data with relative URLs exactly as in browser mode.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy, decodeWorkerPolicy, isDecodeWorkerScript } from '../shared/csp.js';

const BRIDGE_PREFIXES = ['/zarr/', '/n5/', '/catalog', '/api/', '/ome/', '/control/', '/health'];
const NEUROGLANCER_PREFIX = '/neuroglancer/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
};

export type AppRoute =
  | { kind: 'bridge'; url: string }
  | { kind: 'file'; path: string; neuroglancer?: true }
  | { kind: 'refused' };

/** `rel` inside `dir`, or undefined when it would leave it. */
function inside(dir: string, rel: string): string | undefined {
  const file = normalize(join(dir, rel));
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? file : undefined;
}

/** Decide what a `zarr-bridge://app/<path>` request is. */
export function routeAppRequest(
  requestUrl: string,
  rendererDir: string,
  bridgeUrl: string,
  neuroglancerDir?: string,
): AppRoute {
  const url = new URL(requestUrl);
  const path = decodeURIComponent(url.pathname);
  if (BRIDGE_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) {
    return { kind: 'bridge', url: `${bridgeUrl}${url.pathname}${url.search}` };
  }
  if (neuroglancerDir && path.startsWith(NEUROGLANCER_PREFIX)) {
    const rel = path.slice(NEUROGLANCER_PREFIX.length) || 'index.html';
    const file = inside(neuroglancerDir, rel);
    return file && file !== neuroglancerDir ? { kind: 'file', path: file, neuroglancer: true } : { kind: 'refused' };
  }
  const file = inside(rendererDir, path === '/' ? 'index.html' : path.slice(1));
  return file ? { kind: 'file', path: file } : { kind: 'refused' };
}

/**
 * A file's response. `csp`, when given, goes on every file (Neuroglancer's
 * workers take their policy from their own script); otherwise the viewer's
 * policy goes on its pages.
 */
export async function fileResponse(path: string, csp?: string): Promise<Response> {
  try {
    const body = await readFile(path);
    const headers: Record<string, string> = { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' };
    if (csp) headers['Content-Security-Policy'] = csp;
    else if (extname(path) === '.html') headers['Content-Security-Policy'] = contentSecurityPolicy();
    // The decode worker takes its policy from its own script's response (see shared/csp.ts).
    else if (isDecodeWorkerScript(path)) headers['Content-Security-Policy'] = decodeWorkerPolicy();
    return new Response(body, { status: 200, headers });
  } catch {
    return new Response('not found', { status: 404 });
  }
}
