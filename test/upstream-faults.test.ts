/**
 * A remote source that misbehaves — 500s, bodies cut short, connections
 * reset, bodies that stall, slow answers — is retried within a bounded
 * budget and then reported as 502/504 JSON: never a 200 with wrong bytes,
 * never a 404, and never cached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bridge, startBridge } from '../src/bridge/bridge.js';
import { FIXTURES, fixturesPresent, missing } from './support/env.js';
import { type StaticServer, startStaticServer } from './support/static-server.js';

const skip = missing('shared fixtures', fixturesPresent());

describe.skipIf(skip)('upstream faults (remote source)', () => {
  let upstream: StaticServer;
  /**
   * Faults that end by themselves (cut bodies, resets, 500s, latency) meet a timeout out of reach, so
   * an attempt ends by its fault, never by the clock. A stall ends only by a timeout: those bridges get
   * 1–2 s, and the one whose stall must be followed by a good attempt gets retries to spare on a busy machine.
   */
  let bridge: Bridge;
  let stalling: Bridge;
  let stallOnce: Bridge;
  // Chunks passed through unchanged, so the bytes can be compared with the file; one per
  // case, because a chunk read once is answered from the cache afterwards.
  const fileOf = (key: string) => readFileSync(join(FIXTURES, 'generated/image_gzip.ome.zarr', key));

  beforeAll(async () => {
    upstream = await startStaticServer(join(FIXTURES, 'generated'));
    const remote = [`${upstream.url}/image_gzip.ome.zarr`];
    bridge = await startBridge({ port: 0, remote, remoteOptions: { timeoutMs: 120_000, retries: 2 } });
    stalling = await startBridge({ port: 0, remote, remoteOptions: { timeoutMs: 2_000, retries: 2 } });
    stallOnce = await startBridge({ port: 0, remote, remoteOptions: { timeoutMs: 1_000, retries: 8 } });
    // Metadata first, while the upstream is healthy.
    for (const b of [bridge, stalling, stallOnce]) {
      expect((await fetch(`${b.url}/zarr/v2/remote/image_gzip.ome.zarr/0/.zarray`)).status).toBe(200);
    }
  });
  afterAll(async () => {
    for (const b of [bridge, stalling, stallOnce]) await b?.close();
    await upstream?.close();
  });

  const get = async (key: string, via = bridge) => {
    const res = await fetch(`${via.url}/zarr/v2/remote/image_gzip.ome.zarr/${key}`);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };

  it.each([
    ['truncate', 502, '0/1/1/1/1/1'],
    ['reset', 502, '0/1/1/0/1/1'],
    ['stall', 504, '0/1/1/0/0/1'],
  ] as const)('%s every time → %i JSON after bounded retries, then recovers', async (kind, status, key) => {
    const via = kind === 'stall' ? stalling : bridge;
    upstream.fault = { prefix: `/image_gzip.ome.zarr/${key}`, kind };
    const before = upstream.requests.length;
    const failed = await get(key, via);
    expect(failed.status).toBe(status);
    expect(JSON.parse(failed.body.toString()).error).toBe(status === 504 ? 'UpstreamTimeout' : 'Upstream');
    // 1 try + 2 retries: bounded by count (and so, with the timeout, in time).
    expect(upstream.requests.length - before).toBe(3);
    upstream.fault = undefined;
    const ok = await get(key, via);
    expect(ok.status).toBe(200);
    expect(ok.body.equals(fileOf(key))).toBe(true);
  });

  it.each(['truncate', 'reset', 'stall'] as const)('%s once → retried, and the bytes are exact', async (kind) => {
    // A new chunk each time, so the cache cannot answer.
    const key = { truncate: '0/1/1/1/1/0', reset: '0/1/1/1/0/1', stall: '0/1/1/1/0/0' }[kind];
    upstream.fault = { prefix: `/image_gzip.ome.zarr/${key}`, kind, times: 1 };
    const res = await get(key, kind === 'stall' ? stallOnce : bridge);
    expect(res.status).toBe(200);
    expect(res.body.equals(fileOf(key))).toBe(true);
    upstream.fault = undefined;
  });

  it('answers 500s as 502, and transcoded faces too (never fill values)', async () => {
    upstream.failPrefix = '/image_gzip.ome.zarr/2/0';
    try {
      expect((await fetch(`${bridge.url}/zarr/v3/remote/image_gzip.ome.zarr/2/c/0/0/0/0/0`)).status).toBe(502);
      expect((await fetch(`${bridge.url}/n5/remote/image_gzip.ome.zarr/s2/0/0/0/0/0`)).status).toBe(502);
    } finally {
      upstream.failPrefix = undefined;
    }
  });

  it('keeps working under latency', async () => {
    upstream.fault = { prefix: '/image_gzip.ome.zarr/1/', kind: 'latency', ms: 150 };
    const res = await fetch(`${bridge.url}/zarr/v2/remote/image_gzip.ome.zarr/1/0/0/0/0/0`);
    expect(res.status).toBe(200);
    upstream.fault = undefined;
  });
});
