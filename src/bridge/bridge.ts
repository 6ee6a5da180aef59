/**
 * Assembles a running bridge from options: a catalog with its mounts and the
 * HTTP server. Shared by the CLI, the Electron main process and the tests.
 */

import type { BridgeSettings } from '../shared/api.js';
import { Catalog, type Mount } from './catalog/catalog.js';
import type { Compression } from './encode/compression.js';
import { isBridgeError } from './errors.js';
import { ExportGuard } from './export/guard.js';
import { ExportJobs } from './export/jobs.js';
import { exportRoutes } from './export/routes.js';
import { errorReply } from './http/error-reply.js';
import { DEFAULT_ALLOWED_ORIGINS } from './http/origin-policy.js';
import { type BridgeServer, startBridgeServer } from './http/server.js';
import { type BossdbSource, type BossdbSourceOptions, createBossdbSource } from './sources/bossdb/index.js';
import { mountLocalFolder } from './sources/local/local-source.js';
import type { HttpStoreOptions } from './sources/remote/http-store.js';
import { mountRemote } from './sources/remote/remote-source.js';
import { DecodedChunks } from './sources/store/decoded-chunks.js';
import { hotObjectBytes } from './sources/store/folder-store.js';
import { warmDecoders } from './util/decode-pool.js';
import type { Logger } from './util/log.js';
import { sharedBytesInUse } from './util/read-buffers.js';

export interface BridgeOptions {
  host?: string;
  port?: number;
  /** When `port` is only a default: take the next free port if it is taken. */
  nextFreePort?: boolean;
  open?: readonly string[];
  remote?: readonly string[];
  /** Timeouts, retries and cache size for remote mounts. */
  remoteOptions?: HttpStoreOptions;
  allowOrigins?: readonly string[];
  apiKey?: string;
  viewerDir?: string;
  /** The built Neuroglancer (out/neuroglancer), served at `/neuroglancer/`. */
  neuroglancerDir?: string;
  logger?: Logger;
  /** Compression of transcoded chunks (default: raw on loopback, gzip otherwise). */
  compression?: Compression;
  /** Bytes of decoded chunks kept for transcoding local arrays (default 64 MiB; 0: none). */
  chunkCacheBytes?: number;
  /** Mount BossDB at `bossdb/…`; omitted: no BossDB. */
  bossdb?: BossdbSourceOptions;
  /** Export from the viewer on a bridge bound beyond loopback (it is always on for loopback). */
  allowExport?: boolean;
}

/** Decoded chunks kept for transcoding: a few hundred typical 128–256 KiB chunks. */
export const DEFAULT_CHUNK_CACHE_BYTES = 64 * 2 ** 20;

export interface Bridge extends BridgeServer {
  catalog: Catalog;
  /** Mounts a folder at `local/<name>`, sharing the bridge's decoded-chunk cache. */
  mountFolder(path: string): Promise<Mount>;
  bossdb?: BossdbSource;
  /** Export jobs started from the viewer. */
  exports: ExportJobs;
}

export async function startBridge(options: BridgeOptions, catalog = new Catalog()): Promise<Bridge> {
  try {
    return await assemble(options, catalog);
  } catch (e) {
    // A folder that cannot be opened, a taken port: release what was mounted before.
    await catalog.close();
    throw e;
  }
}

async function assemble(options: BridgeOptions, catalog: Catalog): Promise<Bridge> {
  const chunkCacheBytes = options.chunkCacheBytes ?? DEFAULT_CHUNK_CACHE_BYTES;
  const decoded = chunkCacheBytes > 0 ? new DecodedChunks(chunkCacheBytes) : undefined;
  const mountFolder = (path: string) => mountLocalFolder(catalog, path, decoded);
  for (const folder of options.open ?? []) await mountFolder(folder);
  for (const url of options.remote ?? []) await mountRemote(catalog, url, options.remoteOptions);
  const bossdb = options.bossdb ? createBossdbSource({ ...options.bossdb, mountPath: 'bossdb' }) : undefined;
  if (bossdb && options.bossdb) catalog.setBossdb(bossdb.root, options.bossdb.url);
  const exportGuard = new ExportGuard({ host: options.host ?? '127.0.0.1', allowExport: !!options.allowExport });
  const exports = new ExportJobs({ catalog, mount: mountFolder });
  // `server` is read by the control routes only after it is listening.
  const server: BridgeServer = await startBridgeServer({
    catalog,
    host: options.host,
    port: options.port,
    nextFreePort: options.nextFreePort,
    allowOrigins: options.allowOrigins,
    apiKey: options.apiKey,
    viewerDir: options.viewerDir,
    neuroglancerDir: options.neuroglancerDir,
    logger: options.logger,
    compression: options.compression,
    // Replies transcoded from cached decodes are useful only while those stay cached.
    heldReplyBytes: chunkCacheBytes,
    health: () => ({
      decodedChunkBytes: decoded?.bytes ?? 0,
      hotObjectBytes: hotObjectBytes(),
      // Views of the read thread's arena not yet given back: answers in flight only, or a leak.
      readArenaBytes: sharedBytesInUse(),
      ...(bossdb ? { bossdb: bossdb.stats() } : {}),
    }),
    control: (router) => {
      exportRoutes(router, exportGuard, exports);
      router.post('/open', async (req, res) => {
        const path = (req.body as { path?: unknown } | undefined)?.path;
        if (typeof path !== 'string')
          return void res.status(400).json({ error: 'BadRequest', detail: 'path required' });
        try {
          const mount = await mountFolder(path);
          res.json({ path: mount.path });
        } catch (e) {
          // The reason names the path already ("no such folder: …", "… holds no Zarr, N5 or image slices: …").
          const detail = isBridgeError(e) ? e.message : `cannot open ${path}: ${(e as Error).message}`;
          res.status(400).json({ error: 'BadRequest', detail });
        }
      });
      // Browser mode reads the settings the bridge runs with; they change through `serve` flags.
      // Every figure is the one in force (the BossDB cache's own capacity, the default origins), not a guess.
      router.get('/settings', (_req, res) => {
        const settings: BridgeSettings = {
          port: server.port,
          bossdbUrl: options.bossdb?.url ?? '',
          bossdbEnabled: bossdb !== undefined,
          allowedOrigins: [...(options.allowOrigins ?? [])],
          defaultAllowedOrigins: [...DEFAULT_ALLOWED_ORIGINS],
          cacheMb: bossdb ? Math.round(bossdb.stats().cacheCapacity / 2 ** 20) : 0,
          chunkCacheMb: Math.round(chunkCacheBytes / 2 ** 20),
          apiKeyRequired: options.apiKey !== undefined && options.apiKey !== '',
          hasBossdbToken: !!options.bossdb?.token,
          tokenStorage: options.bossdb?.token ? 'session' : 'none',
        };
        res.json(settings);
      });
      router.put('/settings', (_req, res) => {
        res
          .status(405)
          .json({ error: 'MethodNotAllowed', detail: 'settings of `zarr-bridge serve` are its command-line flags' });
      });
      router.post('/remote', async (req, res) => {
        const url = (req.body as { url?: unknown } | undefined)?.url;
        if (typeof url !== 'string') return void res.status(400).json({ error: 'BadRequest', detail: 'url required' });
        // Given up when the asker goes away (a remote that never answers).
        const gone = new AbortController();
        res.on('close', () => gone.abort());
        try {
          res.json({ path: (await mountRemote(catalog, url, { ...options.remoteOptions, signal: gone.signal })).path });
        } catch (e) {
          if (res.destroyed) return;
          const { status, body } = errorReply(e);
          res.status(status === 500 ? 400 : status).json(isBridgeError(e) ? body : { ...body, detail: String(e) });
        }
      });
    },
  });
  exportGuard.listening(server.port);
  // BossDB's cuboids are decoded on worker threads, which take a few hundred milliseconds to start (more on
  // a busy machine): started now, not when a viewer's first cuboids wait for them.
  if (bossdb) warmDecoders();
  return {
    ...server,
    close: async () => {
      await exports.close();
      await server.close();
      await catalog.close();
    },
    catalog,
    mountFolder,
    exports,
    ...(bossdb ? { bossdb } : {}),
  };
}
