/**
 * What the window's custom scheme serves: the built viewer's files (confined
 * to its folder), and everything else proxied to the bridge on loopback, so
 * the viewer reads data with relative URLs exactly as in browser mode.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy, decodeWorkerPolicy, isDecodeWorkerScript } from '../shared/csp.js';

const BRIDGE_PREFIXES = ['/zarr/', '/n5/', '/catalog', '/api/', '/ome/', '/control/', '/health'];

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

export type AppRoute = { kind: 'bridge'; url: string } | { kind: 'file'; path: string } | { kind: 'refused' };

/** Decide what a `zarr-bridge://app/<path>` request is. */
export function routeAppRequest(requestUrl: string, rendererDir: string, bridgeUrl: string): AppRoute {
  const url = new URL(requestUrl);
  const path = decodeURIComponent(url.pathname);
  if (BRIDGE_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) {
    return { kind: 'bridge', url: `${bridgeUrl}${url.pathname}${url.search}` };
  }
  const rel = path === '/' ? 'index.html' : path.slice(1);
  const file = normalize(join(rendererDir, rel));
  if (file !== rendererDir && !file.startsWith(rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep)) {
    return { kind: 'refused' };
  }
  return { kind: 'file', path: file };
}

export async function fileResponse(path: string): Promise<Response> {
  try {
    const body = await readFile(path);
    const headers: Record<string, string> = { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' };
    if (extname(path) === '.html') headers['Content-Security-Policy'] = contentSecurityPolicy();
    // The decode worker takes its policy from its own script's response (see shared/csp.ts).
    if (isDecodeWorkerScript(path)) headers['Content-Security-Policy'] = decodeWorkerPolicy();
    return new Response(body, { status: 200, headers });
  } catch {
    return new Response('not found', { status: 404 });
  }
}
