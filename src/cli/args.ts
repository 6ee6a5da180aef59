/** Command-line parsing for `zarr-bridge serve`, kept free of side effects so it can be tested. */
import { parseArgs } from 'node:util';

export interface ServeOptions {
  port: number;
  /** `--port` was given: a taken port is then an error, not a reason to take the next one. */
  portGiven: boolean;
  host: string;
  open: string[];
  remote: string[];
  allowOrigin: string[];
  apiKey?: string;
  bossdbUrl?: string;
  bossdbToken?: string;
  cacheMb: number;
  chunkCacheMb: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  viewer: boolean;
  demo: boolean;
  compression?: 'gzip' | 'raw';
  allowExport: boolean;
}

export const USAGE = `Usage: zarr-bridge serve [options]
       zarr-bridge convert INPUT -o OUTPUT [options]   (zarr-bridge convert --help)
       zarr-bridge --version

Presents local folders, remote Zarr URLs and BossDB as N5, Zarr v2, Zarr v3
and OME-Zarr on http://127.0.0.1:<port>, and serves the viewer at /.

Options:
  --port N              port to listen on (default 5020, or the next free one; 0 picks any free port)
  --host HOST           address to bind (default 127.0.0.1; others need --api-key)
  --open PATH           mount a folder (.ome.zarr, .zarr, .n5), a TIFF/OME-TIFF file or a folder
                        of numbered TIFF/PNG/JPEG slices at local/<name>; repeatable
  --remote URL          mount a remote Zarr/OME-Zarr URL at remote/<name>; repeatable
  --allow-origin ORIGIN allow a browser origin (CORS) besides the defaults; repeatable
  --api-key KEY         require this key (Authorization: Apikey KEY, or ?api_key=KEY)
  --bossdb-url URL      BossDB API (default https://api.bossdb.io; "none" leaves BossDB out)
  --bossdb-token TOKEN  BossDB token (or the BOSSDB_TOKEN environment variable)
  --cache-mb N          BossDB block cache size in MiB (default 512)
  --chunk-cache-mb N    decoded chunks kept for transcoding local arrays, MiB (default 64; 0: none)
  --compression C       transcoded chunks: raw or gzip (default raw on loopback, gzip otherwise)
  --log-level LEVEL     debug, info, warn or error (default info)
  --no-viewer           do not serve the viewer at /
  --no-demo             with nothing to open, do not open the bundled demo image
  --allow-export        allow Export from the viewer when bound beyond loopback (--host)
  -h, --help            show this help
  -V, --version         print the version
`;

/** The port bossdb-zarr uses, so its URLs carry over. */
export const DEFAULT_PORT = 5020;

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      open: { type: 'string', multiple: true, default: [] },
      remote: { type: 'string', multiple: true, default: [] },
      'allow-origin': { type: 'string', multiple: true, default: [] },
      'api-key': { type: 'string' },
      'bossdb-url': { type: 'string' },
      'bossdb-token': { type: 'string' },
      'cache-mb': { type: 'string', default: '512' },
      'chunk-cache-mb': { type: 'string', default: '64' },
      'log-level': { type: 'string', default: 'info' },
      'no-viewer': { type: 'boolean', default: false },
      'no-demo': { type: 'boolean', default: false },
      compression: { type: 'string' },
      'allow-export': { type: 'boolean', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  const port = Number(values.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${values.port}`);
  const bossdbUrl = values['bossdb-url'] ?? env.BOSSDB_URL;
  if (bossdbUrl !== undefined && bossdbUrl !== 'none' && !isHttpUrl(bossdbUrl)) {
    throw new Error(`--bossdb-url: ${bossdbUrl} is not an http(s) URL (or "none" to leave BossDB out)`);
  }
  for (const url of values.remote) {
    if (!isHttpUrl(url)) throw new Error(`--remote: ${url} is not an http(s) URL`);
  }
  const cacheMb = Number(values['cache-mb']);
  if (!Number.isFinite(cacheMb) || cacheMb < 0) throw new Error(`--cache-mb: not a size: ${values['cache-mb']}`);
  const chunkCacheMb = Number(values['chunk-cache-mb']);
  if (!Number.isFinite(chunkCacheMb) || chunkCacheMb < 0) {
    throw new Error(`--chunk-cache-mb: not a size: ${values['chunk-cache-mb']}`);
  }
  const compression = values.compression;
  if (compression !== undefined && compression !== 'gzip' && compression !== 'raw') {
    throw new Error(`--compression: gzip or raw, not ${compression}`);
  }
  const logLevel = values['log-level'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error(`--log-level: unknown level ${logLevel}`);
  return {
    port,
    portGiven: values.port !== undefined,
    host: values.host,
    open: values.open,
    remote: values.remote,
    allowOrigin: values['allow-origin'],
    apiKey: values['api-key'] ?? env.ZARR_BRIDGE_API_KEY,
    bossdbUrl,
    bossdbToken: values['bossdb-token'] ?? env.BOSSDB_TOKEN,
    cacheMb,
    chunkCacheMb,
    logLevel: logLevel as ServeOptions['logLevel'],
    viewer: !values['no-viewer'],
    demo: !values['no-demo'],
    ...(compression ? { compression } : {}),
    allowExport: values['allow-export'],
  };
}
