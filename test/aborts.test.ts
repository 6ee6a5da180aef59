/**
 * Clients that go away: their upstream request is cancelled (unless another
 * client still waits for the same bytes), and thousands of abandoned
 * requests leave no growth in open handles or memory behind.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { FIXTURES, fixturesPresent, missing } from './support/env.js';
import { type StaticServer, startStaticServer } from './support/static-server.js';
import { until } from './support/until.js';

/** Sends a GET and destroys the socket once `leave()` resolves (or at once, for `'now'`). */
function abandon(port: number, path: string, leave: Promise<unknown> | 'now'): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}` } }, (res) =>
      res.resume(),
    );
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    if (leave === 'now') req.on('finish', () => req.destroy());
    else void leave.then(() => req.destroy());
    req.end();
  });
}

/** The V8 collector, so heap figures are compared after a collection, not at whatever point GC happened to be. */
const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

const skip = missing('shared fixtures', fixturesPresent());

describe.skipIf(skip)('aborted requests', () => {
  let upstream: StaticServer;
  let bridge: Bridge;
  beforeAll(async () => {
    upstream = await startStaticServer(join(FIXTURES, 'generated'));
    bridge = await startBridge({
      port: 0,
      open: [join(FIXTURES, 'generated/image_sharded.ome.zarr'), join(FIXTURES, 'generated/image_gzip.ome.zarr')],
      remote: [`${upstream.url}/image_blosc.ome.zarr`],
    });
    expect((await fetch(`${bridge.url}/zarr/v2/remote/image_blosc.ome.zarr/0/.zarray`)).status).toBe(200);
  });
  afterAll(async () => {
    await bridge?.close();
    await upstream?.close();
  });

  it('cancel the upstream request of a remote source when the last client leaves', async () => {
    // The upstream holds its answers: every step below waits for an event, none for a time.
    upstream.fault = { prefix: '/image_blosc.ome.zarr/0/1/', kind: 'hold' };
    try {
      const first = '/image_blosc.ome.zarr/0/1/0/0/0/0';
      const arrived = until(() => upstream.requests.includes(first));
      await abandon(bridge.port, '/zarr/v3/remote/image_blosc.ome.zarr/0/c/1/0/0/0/0', arrived);
      await until(() => upstream.abandoned.includes(first));
      // Two clients for one chunk: the first leaves, the second still gets the bytes.
      const second = '/image_blosc.ome.zarr/0/1/1/0/0/0';
      const key = '/zarr/v3/remote/image_blosc.ome.zarr/0/c/1/1/0/0/0';
      const kept = fetch(`${bridge.url}${key}`);
      await until(() => upstream.requests.includes(second));
      await abandon(bridge.port, key, 'now');
      upstream.release();
      const res = await kept;
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
      expect(upstream.abandoned).not.toContain(second);
    } finally {
      upstream.fault = undefined;
      upstream.release();
    }
  });

  it('leave no growth in open handles or memory after 3,000 abandoned requests', async () => {
    const paths = [
      '/zarr/v2/local/image_sharded.ome.zarr/0/0/0/1/1',
      '/zarr/v3/local/image_gzip.ome.zarr/0/c/0/1/1/1/1',
      '/n5/local/image_gzip.ome.zarr/s0/1/1/1/0/0',
      '/zarr/v2/local/image_gzip.ome.zarr/0/1/1/1/1/1',
    ];
    /** Requests abandoned at once, or after the headers went out, or part-way, 50 at a time. */
    const round = async (n: number) => {
      for (let i = 0; i < n; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            abandon(bridge.port, paths[(i + j) % paths.length], (i + j) % 3 === 0 ? 'now' : Promise.resolve()),
          ),
        );
      }
    };
    const settled = () => process.getActiveResourcesInfo().length;
    const idle = settled();
    await round(500); // warm-up: caches, lazy modules, connection pools
    await until(() => settled() <= idle + 5);
    const handlesBefore = settled();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    await round(3000);
    // Sockets close as their peers' closes arrive: wait for that, then compare.
    await until(() => settled() <= handlesBefore + 5);
    const handlesAfter = settled();
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(
      `aborts: 3000 abandoned requests; handles ${handlesBefore} → ${handlesAfter}, heap ${(heapBefore / 2 ** 20).toFixed(1)} → ${(heapAfter / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(handlesAfter).toBeLessThanOrEqual(handlesBefore + 5);
    expect(heapAfter - heapBefore).toBeLessThan(40 * 2 ** 20);
    // And the server still answers.
    expect((await fetch(`${bridge.url}${paths[0]}`)).status).toBe(200);
  });
});
