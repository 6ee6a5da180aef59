/** `zarr-bridge serve`: the bridge without Electron, serving the viewer too. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../bridge/util/log.js';
import { parseServeArgs, USAGE } from './args.js';

/** The version in package.json (out/main/cli.js sits two folders below it). */
function version(): string {
  const pkg = join(dirname(fileURLToPath(import.meta.url)), '../../package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || (command === 'serve' && rest.includes('--version'))) {
    process.stdout.write(`zarr-bridge ${version()}\n`);
    return 0;
  }
  // Each command loads only its own code: convert never loads the HTTP server (express), --version no bridge.
  if (command === 'convert') return (await import('./convert.js')).convertCommand(rest);
  if (!command || command === '-h' || command === '--help' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE);
    return command ? 0 : 1;
  }
  if (command !== 'serve') {
    process.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  let options: ReturnType<typeof parseServeArgs>;
  try {
    options = parseServeArgs(rest);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const logger = createLogger(options.logLevel);
  const here = dirname(fileURLToPath(import.meta.url));
  // With nothing to open, show the bundled demo so a first start already displays something real.
  const demo = join(here, '../../resources/demo.ome.zarr');
  const showDemo = options.demo && options.open.length === 0 && options.remote.length === 0 && existsSync(demo);
  const { startBridge } = await import('../bridge/bridge.js');
  const bridge = await startBridge({
    host: options.host,
    port: options.port,
    // Only the default port gives way to the next free one; a port the user chose must be that port.
    nextFreePort: !options.portGiven,
    open: showDemo ? [demo] : options.open,
    remote: options.remote,
    allowOrigins: options.allowOrigin,
    apiKey: options.apiKey,
    compression: options.compression,
    chunkCacheBytes: options.chunkCacheMb * 2 ** 20,
    viewerDir: options.viewer ? join(here, '../renderer') : undefined,
    neuroglancerDir: options.viewer ? join(here, '../neuroglancer') : undefined,
    allowExport: options.allowExport,
    logger,
    ...(options.bossdbUrl === 'none'
      ? {}
      : {
          bossdb: {
            url: options.bossdbUrl ?? 'https://api.bossdb.io',
            token: options.bossdbToken,
            cacheBytes: options.cacheMb * 2 ** 20,
          },
        }),
  });
  if (bridge.port !== options.port && options.port !== 0) {
    process.stdout.write(`Port ${options.port} is taken; using ${bridge.port}, the next free one.\n`);
  }
  process.stdout.write(`Zarr Bridge listening on ${bridge.url}\n`);
  for (const m of bridge.catalog.mounts()) process.stdout.write(`  ${m.path}  <-  ${m.origin}\n`);
  if (options.viewer) {
    const first = bridge.catalog.mounts().find((m) => m.kind !== 'bossdb');
    // With an API key the viewer URL carries it once: the bridge moves it into a cookie and out of the address bar.
    const query = new URLSearchParams();
    if (options.apiKey) query.set('api_key', options.apiKey);
    if (first) query.set('source', first.path);
    const search = query.toString();
    process.stdout.write(`Viewer: ${bridge.url}/${search ? `?${search}` : ''}\n`);
    if (showDemo)
      process.stdout.write(
        'Showing the demo image; open your own data with --open PATH or "Open folder…" in the viewer.\n',
      );
  }
  const stop = () => {
    bridge.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`zarr-bridge: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
