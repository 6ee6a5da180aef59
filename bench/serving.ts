/**
 * Pass-through serving: chunk files requested over HTTP from the bridge,
 * from nginx (Debian's, when installed) and from a plain Node static server,
 * measured side by side with autocannon at 1, 16 and 64 connections.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BENCH_DIR, chunkedImage, largeChunkedImage } from './dataset.js';
import { hasCommand } from './tools.js';

export interface ServingRow {
  server: string;
  connections: number;
  reqPerSec: number;
  mbPerSec: number;
  p99: number;
}

function chunkFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else if (name !== 'zarr.json') out.push(r);
    }
  };
  walk('');
  return out;
}

/** wrk (C, one thread) loads the servers far less than a JS client would on 2 cores. */
const hasWrk = () => hasCommand('wrk');

async function measureWrk(
  server: string,
  base: string,
  paths: string[],
  connections: number,
  seconds: number,
): Promise<ServingRow> {
  const script = join(BENCH_DIR, `wrk-${process.pid}.lua`);
  writeFileSync(
    script,
    `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}
local i = 0
request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end
done = function(s, latency, r)
  local e = s.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", s.requests, s.bytes, s.duration, latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))
end
`,
  );
  const r = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, base], { encoding: 'utf8' });
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`wrk failed: ${r.stdout} ${r.stderr}`);
  const [requests, bytes, micros, p99us, errors] = m.slice(1).map(Number);
  if (errors > 0) throw new Error(`${server}: ${errors} errors or non-2xx`);
  const secs = micros / 1e6;
  return { server, connections, reqPerSec: requests / secs, mbPerSec: bytes / 2 ** 20 / secs, p99: p99us / 1000 };
}

/** req/s of `paths` served at `base`: with wrk when installed, else autocannon. */
export async function measure(
  server: string,
  base: string,
  paths: string[],
  connections: number,
  seconds: number,
): Promise<ServingRow> {
  if (hasWrk()) return measureWrk(server, base, paths, connections, seconds);
  const r = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${server}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return {
    server,
    connections,
    reqPerSec: r.requests.average,
    mbPerSec: r.throughput.average / 2 ** 20,
    p99: r.latency.p99,
  };
}

/** Starts a server in its own process (so the load generator does not share its CPU) and reads its URL. */
export async function spawnServer(args: string[]): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 15_000;
  while (!/listening on (http\S+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const url = /listening on (http\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`server did not start: ${args.join(' ')}`);
  return {
    url,
    pid: child.pid!,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
    },
  };
}

/** What users start (`npx zarr-bridge`): the bin, which sizes libuv's thread pool before the CLI loads. */
const CLI = process.env.ZARR_BRIDGE_BENCH_CLI ?? fileURLToPath(new URL('../bin/zarr-bridge.cjs', import.meta.url));
export const spawnBridge = (args: string[], viewer = false) =>
  spawnServer([
    CLI,
    'serve',
    '--port',
    '0',
    ...(viewer ? [] : ['--no-viewer']),
    '--no-demo',
    '--bossdb-url',
    'none',
    '--log-level',
    'error',
    ...args,
  ]);

async function nginx(root: string): Promise<{ url: string; close(): Promise<void> } | undefined> {
  if (!hasCommand('nginx')) return undefined;
  const prefix = join(BENCH_DIR, 'nginx');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const port = 20000 + Math.floor(Math.random() * 20000);
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `worker_processes 2; daemon off; error_log ${prefix}/logs/error.log; pid ${prefix}/nginx.pid;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  server { listen 127.0.0.1:${port}; root ${root}; location / { default_type application/octet-stream; } } }
`,
  );
  const child = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill('SIGQUIT');
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}

/** The median of a few numbers (the middle one, or the mean of the two middle ones). */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Every server at every connection count, `rounds` times over, interleaved so
 * that drift on a shared 2-core machine hits all columns alike. Each row is
 * the median of its rounds; `ratioRange` is the spread of the per-round
 * bridge ÷ nginx ratios.
 */
export async function servingBench(
  seconds = 4,
  rounds = 3,
): Promise<{ rows: (ServingRow & { ratioRange?: [number, number] })[]; nginxMissing: boolean }> {
  const dir = chunkedImage();
  const files = chunkFiles(dir);
  const bridge = await spawnBridge(['--open', dir]);
  const node = await spawnServer([fileURLToPath(new URL('./static-server.mjs', import.meta.url)), dir]);
  const ng = await nginx(dir);
  const servers = [
    { name: 'bridge (/zarr/v3 pass-through)', url: bridge.url, prefix: '/zarr/v3/local/chunked.ome.zarr/' },
    ...(ng ? [{ name: 'nginx', url: ng.url, prefix: '/' }] : []),
    { name: 'plain Node static server', url: node.url, prefix: '/' },
  ];
  const measured = new Map<string, ServingRow[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const connections of [1, 16, 64]) {
        for (const server of servers) {
          const paths = files.map((f) => `${server.prefix}${f}`);
          const row = await measure(server.name, server.url, paths, connections, seconds);
          const key = `${server.name}@${connections}`;
          measured.set(key, [...(measured.get(key) ?? []), row]);
        }
      }
    }
  } finally {
    await bridge.close();
    await node.close();
    await ng?.close();
  }
  const rows = [];
  for (const connections of [1, 16, 64]) {
    for (const server of servers) {
      const runs = measured.get(`${server.name}@${connections}`) ?? [];
      const row: ServingRow & { ratioRange?: [number, number] } = {
        server: server.name,
        connections,
        reqPerSec: median(runs.map((r) => r.reqPerSec)),
        mbPerSec: median(runs.map((r) => r.mbPerSec)),
        p99: median(runs.map((r) => r.p99)),
      };
      const nginxRuns = measured.get(`nginx@${connections}`);
      if (nginxRuns && server.name !== 'nginx') {
        const ratios = runs.map((r, i) => r.reqPerSec / nginxRuns[i].reqPerSec);
        row.ratioRange = [Math.min(...ratios), Math.max(...ratios)];
      }
      rows.push(row);
    }
  }
  return { rows, nginxMissing: !ng };
}

/**
 * The cold path: a working set twice the hot-object cache, read in a cycle
 * (the worst case for an LRU), so every bridge answer opens and reads the file,
 * as when browsing a large volume once. 16 connections, next to nginx.
 */
export async function coldServingBench(
  seconds = 4,
  rounds = 3,
): Promise<{ rows: ServingRow[]; nginxMissing: boolean; roundRatios?: number[] }> {
  const dir = largeChunkedImage();
  const files = chunkFiles(dir);
  const bridge = await spawnBridge(['--open', dir]);
  const ng = await nginx(dir);
  const runs: { bridge: ServingRow[]; nginx: ServingRow[] } = { bridge: [], nginx: [] };
  const bridgePaths = files.map((f) => `/zarr/v3/local/chunked-8192.ome.zarr/${f}`);
  const nginxPaths = files.map((f) => `/${f}`);
  try {
    // One untimed pass of each first: the bridge's code is compiled and its buffers made, as in a server that
    // has been up a while. The working set stays twice the cache: a cyclic read admits nothing (admission.ts).
    await measure('bridge warm-up', bridge.url, bridgePaths, 16, 2);
    if (ng) await measure('nginx warm-up', ng.url, nginxPaths, 16, 2);
    for (let round = 0; round < rounds; round++) {
      runs.bridge.push(await measure('bridge, cold (working set 2× its cache)', bridge.url, bridgePaths, 16, seconds));
      if (ng) runs.nginx.push(await measure('nginx, same files', ng.url, nginxPaths, 16, seconds));
    }
  } finally {
    await bridge.close();
    await ng?.close();
  }
  const summary = (r: ServingRow[]): ServingRow => ({
    server: r[0].server,
    connections: 16,
    reqPerSec: median(r.map((x) => x.reqPerSec)),
    mbPerSec: median(r.map((x) => x.mbPerSec)),
    p99: median(r.map((x) => x.p99)),
  });
  return {
    rows: [summary(runs.bridge), ...(ng ? [summary(runs.nginx)] : [])],
    nginxMissing: !ng,
    // Each round's bridge next to the nginx run right after it: the machine's state varies more between rounds
    // than between the two servers of one round.
    ...(ng ? { roundRatios: runs.bridge.map((b, i) => b.reqPerSec / runs.nginx[i].reqPerSec) } : {}),
  };
}
