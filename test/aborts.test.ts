/**
 * Clients that go away: their upstream request is cancelled (unless another
 * client still waits for the same bytes), and thousands of abandoned
 * requests leave no growth in open handles or memory behind.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { FIXTURES, fixturesPresent, missing } from './support/env.js';
import { type StaticServer, startStaticServer } from './support/static-server.js';

/** Sends a GET and destroys the socket after `afterMs`. */
function abandon(port: number, path: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}` } }, (res) =>
      res.resume(),
    );
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    setTimeout(() => req.destroy(), afterMs);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    upstream.fault = { prefix: '/image_blosc.ome.zarr/0/1/', kind: 'latency', ms: 1500 };
    await abandon(bridge.port, '/zarr/v3/remote/image_blosc.ome.zarr/0/c/1/0/0/0/0', 150);
    await sleep(300);
    expect(upstream.abandoned).toContain('/image_blosc.ome.zarr/0/1/0/0/0/0');
    // Two clients for one chunk: the first leaves, the second still gets the bytes.
    const key = '/zarr/v3/remote/image_blosc.ome.zarr/0/c/1/1/0/0/0';
    const kept = fetch(`${bridge.url}${key}`);
    await abandon(bridge.port, key, 150);
    const res = await kept;
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(upstream.abandoned).not.toContain('/image_blosc.ome.zarr/0/1/1/0/0/0');
    upstream.fault = undefined;
  }, 20_000);

  it('leave no growth in open handles or memory after 3,000 abandoned requests', async () => {
    const paths = [
      '/zarr/v2/local/image_sharded.ome.zarr/0/0/0/1/1',
      '/zarr/v3/local/image_gzip.ome.zarr/0/c/0/1/1/1/1',
      '/n5/local/image_gzip.ome.zarr/s0/1/1/1/0/0',
      '/zarr/v2/local/image_gzip.ome.zarr/0/1/1/1/1/1',
    ];
    const round = async (n: number) => {
      for (let i = 0; i < n; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) => abandon(bridge.port, paths[(i + j) % paths.length], (i + j) % 3)),
        );
      }
      await sleep(300);
    };
    await round(500); // warm-up: caches, lazy modules, connection pools
    const handlesBefore = process.getActiveResourcesInfo().length;
    const heapBefore = process.memoryUsage().heapUsed;
    await round(3000);
    const handlesAfter = process.getActiveResourcesInfo().length;
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(
      `aborts: 3000 abandoned requests; handles ${handlesBefore} → ${handlesAfter}, heap ${(heapBefore / 2 ** 20).toFixed(1)} → ${(heapAfter / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(handlesAfter).toBeLessThanOrEqual(handlesBefore + 5);
    expect(heapAfter - heapBefore).toBeLessThan(40 * 2 ** 20);
    // And the server still answers.
    expect((await fetch(`${bridge.url}${paths[0]}`)).status).toBe(200);
  }, 120_000);
});
