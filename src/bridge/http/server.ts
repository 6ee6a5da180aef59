/**
 * The bridge's HTTP server: one small layer that checks who is asking, finds
 * the face for a URL, and turns its reply (or typed error) into a response.
 * Faces never see HTTP; this file never sees formats.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  contentSecurityPolicy,
  decodeWorkerPolicy,
  isDecodeWorkerScript,
  neuroglancerContentSecurityPolicy,
} from '../../shared/csp.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Compression } from '../encode/compression.js';
import { isAbortError } from '../errors.js';
import { bossdbN5Face, bossdbOmeFace } from '../faces/bossdb-zarr.js';
import { catalogFace } from '../faces/catalog-json.js';
import type { Face } from '../faces/face.js';
import { n5Face } from '../faces/n5.js';
import { zarrV2Face } from '../faces/zarr-v2.js';
import { zarrV3Face } from '../faces/zarr-v3.js';
import type { StoredObject } from '../model/node.js';
import { toJson } from '../util/json.js';
import { type Logger, redactUrl, silentLogger } from '../util/log.js';
import { ClientGone } from './client-gone.js';
import { errorReply } from './error-reply.js';
import { HeldReplies } from './held-replies.js';
import { listen } from './listen.js';
import { DEFAULT_ALLOWED_ORIGINS, isLoopbackHost, keyCookie, OriginPolicy } from './origin-policy.js';
import { applyHeaders, type HeaderList, madeObject, sendBytes, sendHeld, sendJson, sendObject } from './send.js';

export interface BridgeServerOptions {
  catalog: Catalog;
  host?: string;
  port?: number;
  /** When `port` is only a default: take the next free port if it is taken (else fail with PortTaken). */
  nextFreePort?: boolean;
  /** Origins allowed in addition to the defaults and loopback. */
  allowOrigins?: readonly string[];
  apiKey?: string;
  /** A folder with the built viewer, served at `/`. */
  viewerDir?: string;
  /** A folder with the built Neuroglancer, served at `/neuroglancer/`. */
  neuroglancerDir?: string;
  logger?: Logger;
  /** Compression of transcoded chunks; default raw on loopback, gzip when exposed (see encode/compression.ts). */
  compression?: Compression;
  /** Extra fields for `/health` (cache figures). */
  health?: () => Record<string, unknown>;
  /** Extra routes under `/control` (mounting sources from the viewer). */
  control?: (router: express.Router) => void;
  /** Bytes of transcoded replies kept for replay (default 64 MiB; their sources' decoded chunks bound what is useful). */
  heldReplyBytes?: number;
}

export interface BridgeServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export const DEFAULT_FACES: readonly Face[] = [
  zarrV2Face,
  zarrV3Face,
  n5Face,
  catalogFace,
  bossdbN5Face,
  bossdbOmeFace,
];

/** Built assets carry a content hash in their name: a reload need not even revalidate them. */
const HASHED_ASSET = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8}\.\w+$/;

/** The face whose prefix starts `url` (followed by `/`, `?` or nothing). */
function faceFor(url: string): Face | undefined {
  for (const f of DEFAULT_FACES) {
    if (!url.startsWith(f.prefix)) continue;
    const next = url.charCodeAt(f.prefix.length);
    // NaN: the URL is the prefix itself; 47 '/', 63 '?'.
    if (Number.isNaN(next) || next === 47 || next === 63) return f;
  }
  return undefined;
}

/** Decoded path segments; rejects `.`/`..` and undecodable escapes. */
function segmentsOf(rawPath: string): string[] | 'bad' {
  const parts = rawPath.split('/').filter((s) => s !== '');
  const out: string[] = [];
  for (const p of parts) {
    let s: string;
    try {
      s = decodeURIComponent(p);
    } catch {
      return 'bad';
    }
    if (s === '.' || s === '..' || s.includes('\0') || s.includes('\\') || s.length > 1024) return 'bad';
    out.push(s);
  }
  return out;
}

export async function startBridgeServer(options: BridgeServerOptions): Promise<BridgeServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !options.apiKey) {
    throw new Error(`binding to ${host} exposes the bridge beyond this machine: pass --api-key`);
  }
  const log = options.logger ?? silentLogger;
  const compression: Compression = options.compression ?? (isLoopbackHost(host) ? 'raw' : 'gzip');
  const policy = new OriginPolicy({
    allowedOrigins: [...DEFAULT_ALLOWED_ORIGINS, ...(options.allowOrigins ?? [])],
    boundHost: host,
    apiKey: options.apiKey,
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  /**
   * Host check, CORS, preflight and API key for one request. Returns the
   * headers every response to it carries (Vary, CORS), or undefined when it
   * has been answered already.
   */
  const admit = (req: IncomingMessage, res: ServerResponse, keyFree = false): HeaderList | undefined => {
    const head = req.method === 'HEAD';
    if (!policy.hostAllowed(req.headers.host)) {
      sendJson(res, 403, toJson({ error: 'Forbidden', detail: 'Host not allowed' }), true, head);
      return undefined;
    }
    const origin = policy.allowedOrigin(req.headers.origin);
    const headers: HeaderList = origin
      ? [
          'Vary',
          'Origin',
          'Access-Control-Allow-Origin',
          origin,
          'Access-Control-Expose-Headers',
          'Content-Length, Content-Range, ETag, Accept-Ranges',
        ]
      : ['Vary', 'Origin'];
    if (req.method === 'OPTIONS') {
      applyHeaders(res, headers);
      if (!origin) {
        res.statusCode = 403;
        res.end();
        return undefined;
      }
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      const asked = req.headers['access-control-request-headers'];
      res.setHeader('Access-Control-Allow-Headers', typeof asked === 'string' ? asked : 'Range, Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
      if (req.headers['access-control-request-private-network'] === 'true') {
        res.setHeader('Access-Control-Allow-Private-Network', 'true');
      }
      res.statusCode = 204;
      res.end();
      return undefined;
    }
    const url = req.url ?? '/';
    if (
      !keyFree &&
      policy.requiresKey &&
      !policy.keyAccepted(req, new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''))
    ) {
      applyHeaders(res, headers);
      res.setHeader('WWW-Authenticate', 'Apikey');
      sendJson(res, 401, toJson({ error: 'Unauthorized', detail: 'API key required' }), true, head);
      return undefined;
    }
    return headers;
  };

  // The viewer's own files hold no data: they load without the key (data, the catalog and /control need it).
  const keyFree = (req: Request) => req.path === '/health' || !/^\/(control|catalog)(\/|$)/.test(req.path);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const headers = admit(req, res, keyFree(req));
    if (!headers) return;
    applyHeaders(res, headers);
    next();
  });

  // `/?api_key=KEY` (the URL `serve` prints): the key moves into this bridge's cookie and out of the address
  // bar, so it is neither kept in history nor in the view links users share.
  app.get(['/', '/index.html'], (req: Request, res: Response, next: NextFunction) => {
    const url = new URL(req.url, 'http://bridge');
    const given = url.searchParams.get('api_key');
    if (!policy.requiresKey || policy.keyAccepted(req, url.searchParams))
      prefetchSource(url.searchParams.get('source'));
    if (given === null || !policy.requiresKey) return next();
    url.searchParams.delete('api_key');
    if (policy.isKey(given)) res.setHeader('Set-Cookie', keyCookie(boundPort(), given));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, `${url.pathname}${url.search}`);
  });

  /**
   * While the page loads its script (most of a second), the bridge resolves the node the page will ask the
   * catalog for (`?source=`): BossDB answers its metadata in a few round trips that would otherwise follow
   * the script. The node's metadata is memoised by its source, so the page's own request then finds it.
   */
  const prefetchSource = (source: string | null) => {
    if (!source || /^[a-z][a-z0-9+.-]*:/i.test(source)) return;
    const path = source.replace(/^\/+|\/+$/g, '');
    void options.catalog.resolve(path, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
  };

  const held = new HeldReplies(undefined, options.heldReplyBytes);
  const started = Date.now();
  app.get('/health', (_req, res) => {
    const memory = process.memoryUsage();
    const body = {
      ok: true,
      uptimeMs: Date.now() - started,
      rssBytes: memory.rss,
      heldReplyBytes: held.madeBytes,
      ...(options.health?.() ?? {}),
    };
    sendJson(res, 200, toJson(body), true, false);
  });

  if (options.control) {
    const router = express.Router();
    router.use(express.json({ limit: '64kb' }));
    options.control(router);
    app.use('/control', router);
  }

  if (options.neuroglancerDir && existsSync(options.neuroglancerDir)) {
    // Every file carries the policy: a worker's own policy is the one sent with its script.
    const csp = neuroglancerContentSecurityPolicy();
    app.use(
      '/neuroglancer',
      express.static(options.neuroglancerDir, {
        index: 'index.html',
        dotfiles: 'ignore',
        fallthrough: true,
        setHeaders: (res, path) => {
          res.setHeader('Content-Security-Policy', csp);
          if (HASHED_ASSET.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        },
      }),
    );
  }

  if (options.viewerDir && existsSync(options.viewerDir)) {
    app.use(
      express.static(options.viewerDir, {
        index: 'index.html',
        dotfiles: 'ignore',
        fallthrough: true,
        setHeaders: (res, path) => {
          // The policy as a header too: a <meta> tag cannot say frame-ancestors.
          if (path.endsWith('.html')) res.setHeader('Content-Security-Policy', contentSecurityPolicy());
          // The decode worker takes its policy from its own script's response (see shared/csp.ts).
          if (isDecodeWorkerScript(path)) res.setHeader('Content-Security-Policy', decodeWorkerPolicy());
          // Built assets carry a content hash in their name: a reload need not even revalidate them.
          if (HASHED_ASSET.test(path)) {
            res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
          }
        },
      }),
    );
  }

  app.use((req: Request, res: Response) => {
    sendJson(res, 404, toJson({ error: 'NotFound', detail: `no route for ${req.path}` }), true, req.method === 'HEAD');
  });

  // Errors from express itself (bad JSON bodies, bad escapes in static paths): 400, never a crash.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    const code = typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
    if (code === 500) log.log('error', 'unhandled', { error: String(err), path: redactUrl(req.url ?? '') });
    if (!res.headersSent) sendJson(res, code, toJson({ error: 'BadRequest', detail: 'bad request' }), true, false);
    else res.destroy();
  });

  const boundPort = () => (server.address() as AddressInfo | null)?.port ?? options.port ?? 0;
  // Data requests skip express's router: they are most requests, and each one counts.
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const face = faceFor(url);
    if (!face) return void app(req, res);
    const headers = admit(req, res);
    if (!headers) return;
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const remember = (object: StoredObject) => held.remember(path, object);
    const keep = (object: StoredObject) => held.keep(path, object);
    const context = { compression, log, remember, keep, headers };
    const rest = url.slice(face.prefix.length) || '/';
    const unhandled = (e: unknown) => {
      log.log('error', 'unhandled', { error: String(e), path: redactUrl(url) });
      if (res.headersSent) return void res.destroy();
      applyHeaders(res, headers);
      sendJson(res, 500, toJson({ error: 'Internal', detail: 'internal error' }), true, false);
    };
    if (req.method === 'GET' || req.method === 'HEAD') {
      // A chunk served moments ago and still vouched for by its source: no walk, no awaits.
      const object = held.lookup(path);
      if (object?.held) {
        sendHeld(req, res, object.held, `"${object.version}"`, 'no-cache', headers);
        if (log.enabled('debug'))
          log.log('debug', 'request', { method: req.method, path: redactUrl(url), status: res.statusCode, ms: 0 });
        return;
      }
      // A chunk served before: read again straight from its source, without the walk.
      const reread = held.rereadOf(path);
      if (reread) {
        const walk = () => serveFace(face, options.catalog, req, res, rest, context);
        serveAgain(req, res, reread, context, walk, () => held.forget(path)).catch(unhandled);
        return;
      }
    }
    serveFace(face, options.catalog, req, res, rest, context).catch(unhandled);
  });
  await listen(server, options.port ?? 5020, host, options.nextFreePort ?? false);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  server.maxHeadersCount = 100;
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The JSON error for a request that failed (logged when it is the bridge's or the upstream's fault). */
function answerFailure(req: IncomingMessage, res: ServerResponse, e: unknown, log: Logger, headers: HeaderList): void {
  const { status, body } = errorReply(e);
  if (status >= 500)
    log.log(status >= 502 ? 'warn' : 'error', 'request failed', {
      path: redactUrl(req.url ?? ''),
      status,
      error: body.detail,
    });
  // Headers gone out already: only cutting the connection tells the client the body is not whole.
  if (res.headersSent) return void res.destroy();
  applyHeaders(res, headers);
  sendJson(res, status, toJson(body), true, req.method === 'HEAD');
}

/**
 * A stored object read again from its source (HeldReplies): the tail of
 * `serveFace` without the walk. Gone (undefined), the path is forgotten and
 * the request walks the catalog after all, which answers it properly.
 */
async function serveAgain(
  req: IncomingMessage,
  res: ServerResponse,
  reread: (opts: { signal?: AbortSignal }) => Promise<StoredObject | undefined>,
  context: { log: Logger; remember: (object: StoredObject) => void; headers: HeaderList },
  walk: () => Promise<void>,
  forget: () => void,
) {
  const { log, remember, headers } = context;
  const gone = new ClientGone();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.on('close', onClose);
  try {
    const object = await reread(gone.io);
    // Nobody to send it to: its buffer goes back now (a view of the read thread's arena is not collected).
    if (gone.aborted) return void object?.release?.();
    if (!object) {
      forget();
      res.off('close', onClose);
      return await walk();
    }
    remember(object);
    await sendObject(req, res, object, 'no-cache', gone.io, headers);
  } catch (e) {
    if (gone.aborted || (isAbortError(e) && res.destroyed)) return;
    answerFailure(req, res, e, log, headers);
  } finally {
    res.off('close', onClose);
  }
}

async function serveFace(
  face: Face,
  catalog: Catalog,
  req: IncomingMessage,
  res: ServerResponse,
  relUrl: string,
  context: {
    compression: Compression;
    log: Logger;
    /** Offers a served stored object to the replay cache. */
    remember: (object: StoredObject) => void;
    /** Offers a reply made for this request (held bytes, vouched for) to the replay cache. */
    keep: (object: StoredObject) => void;
    /** Vary and CORS headers from the origin policy. */
    headers: HeaderList;
  },
) {
  const { compression, log, remember, keep, headers } = context;
  const head = req.method === 'HEAD';
  // Chunk bytes write these in one `writeHead`; everything else (JSON, errors) sets them first.
  const jsonHeaders = () => applyHeaders(res, headers);
  if (req.method !== 'GET' && !head) {
    jsonHeaders();
    res.setHeader('Allow', 'GET, HEAD, OPTIONS');
    sendJson(res, 405, toJson({ error: 'MethodNotAllowed', detail: `${req.method} is not allowed` }), true, false);
    return;
  }
  const rawPath = relUrl.split('?')[0];
  const segments = segmentsOf(rawPath);
  if (segments === 'bad') {
    jsonHeaders();
    sendJson(res, 400, toJson({ error: 'BadRequest', detail: 'malformed path' }), true, head);
    return;
  }
  // Aborted when the client goes away, so decode and upstream work stop too.
  const gone = new ClientGone();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.on('close', onClose);
  const started = performance.now();
  const proto = 'http';
  const url = `${proto}://${req.headers.host}${face.prefix}${rawPath === '/' ? '' : rawPath}`;
  try {
    const reply = await face.handle(catalog, { segments, url, compression }, gone.io);
    if (gone.aborted) return void (reply.kind === 'object' ? reply.object.release?.() : undefined);
    if (reply.kind === 'json') {
      jsonHeaders();
      sendJson(res, 200, toJson(reply.body), !reply.listing, head);
    } else if (reply.kind === 'bytes' && reply.current) {
      // Made from a decode its source vouches for: kept, so the next request for it is a replay.
      const object = madeObject(reply.bytes, reply.current);
      keep(object);
      sendHeld(req, res, reply.bytes, `"${object.version}"`, 'no-cache', headers);
    } else if (reply.kind === 'bytes') {
      sendBytes(req, res, reply.bytes, 'no-cache', headers);
    } else {
      remember(reply.object);
      await sendObject(req, res, reply.object, 'no-cache', gone.io, headers);
    }
  } catch (e) {
    if (gone.aborted || (isAbortError(e) && res.destroyed)) return;
    answerFailure(req, res, e, log, headers);
  } finally {
    res.off('close', onClose);
    const ms = Math.round(performance.now() - started);
    // Slow answers are worth a warning: they are what a user waiting on a viewer sees.
    const level = ms > 5_000 ? 'warn' : 'debug';
    if (log.enabled(level))
      log.log(level, 'request', {
        method: req.method,
        path: redactUrl(req.url ?? ''),
        status: gone.aborted ? 499 : res.statusCode,
        ms,
      });
  }
}
