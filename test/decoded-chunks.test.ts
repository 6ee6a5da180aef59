/**
 * The decoded-chunk cache behind transcoding: entries are used only while the
 * objects they were decoded from keep their versions, stores that cannot
 * tell versions are not cached, and a rewritten chunk file is served fresh.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startBridge } from '../src/bridge/bridge.js';
import type { Chunk } from '../src/bridge/model/node.js';
import { DecodedChunks } from '../src/bridge/sources/store/decoded-chunks.js';
import type { KvStore } from '../src/bridge/sources/store/kv-store.js';
import { FIXTURES, fixturesPresent, missing } from './support/env.js';

function fakeStore(versions: Map<string, string | null | undefined>): KvStore {
  return {
    get: async () => undefined,
    getRange: async () => undefined,
    object: async () => undefined,
    version: async (key) => versions.get(key),
  };
}

const chunk = (n: number): Chunk => ({ shape: [n], bytes: new Uint8Array(n).fill(7) });

describe('decoded-chunk cache', () => {
  it('answers while every source keeps its version, and forgets on a change', async () => {
    const versions = new Map<string, string | null | undefined>([['shard', 'v1']]);
    const kv = fakeStore(versions);
    const cache = new DecodedChunks(1 << 20);
    const c = chunk(16);
    const cached = await cache.set(kv, 'a/0/0', c, ['shard', 'shard'], {});
    expect(cached.bytes).toBe(c.bytes);
    expect(await cache.get(kv, 'a/0/0', {})).toBe(cached);
    versions.set('shard', 'v2');
    expect(await cache.get(kv, 'a/0/0', {})).toBeUndefined();
    versions.set('shard', 'v1');
    expect(await cache.get(kv, 'a/0/0', {})).toBeUndefined();
  });

  it('vouches for a cached chunk while it stays cached and its sources were checked within the last second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const versions = new Map<string, string | null | undefined>([['f', 'v1']]);
      const kv = fakeStore(versions);
      const cache = new DecodedChunks(3000);
      const fresh = chunk(16);
      // Not cached (no versions to check against): no vouching at all.
      expect((await cache.set(kv, 'x', fresh, [], {})).current).toBeUndefined();
      const cached = await cache.set(kv, 'a', fresh, ['f'], {});
      expect(cached.current?.()).toBe(true);
      vi.advanceTimersByTime(1001);
      expect(cached.current?.()).toBe(false);
      // A `get` checks the versions again: vouched for another second.
      expect(await cache.get(kv, 'a', {})).toBe(cached);
      expect(cached.current?.()).toBe(true);
      // A changed source: the next `get` drops it, and it vouches no more.
      versions.set('f', 'v2');
      vi.advanceTimersByTime(1001);
      expect(await cache.get(kv, 'a', {})).toBeUndefined();
      expect(cached.current?.()).toBe(false);
      // Evicted: no more vouching either.
      const b = await cache.set(kv, 'b', chunk(1000), ['f'], {});
      for (let i = 0; i < 3; i++) await cache.set(kv, `c${i}`, chunk(1000), ['f'], {});
      expect(b.current?.()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('caches nothing it could not re-check', async () => {
    const versions = new Map<string, string | null | undefined>([['unknown', undefined]]);
    const kv = fakeStore(versions);
    const cache = new DecodedChunks(1 << 20);
    await cache.set(kv, 'no-reads', chunk(4), [], {});
    await cache.set(kv, 'unversioned', chunk(4), ['unknown'], {});
    const { version: _v, ...plain } = kv;
    await cache.set(plain, 'plain-store', chunk(4), ['unknown'], {});
    expect(await cache.get(kv, 'no-reads', {})).toBeUndefined();
    expect(await cache.get(kv, 'unversioned', {})).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('stays within its byte bound', async () => {
    const kv = fakeStore(new Map([['k', 'v']]));
    const cache = new DecodedChunks(3000);
    for (let i = 0; i < 5; i++) await cache.set(kv, `c${i}`, chunk(1000), ['k'], {});
    expect(cache.bytes).toBeLessThanOrEqual(3000);
    expect(await cache.get(kv, 'c4', {})).toBeDefined();
    expect(await cache.get(kv, 'c0', {})).toBeUndefined();
  });
});

describe.skipIf(missing('shared fixtures', fixturesPresent()))('decoded-chunk cache behind the faces', () => {
  it('serves a rewritten chunk file fresh through a transcoding face', async () => {
    const work = mkdtempSync(join(tmpdir(), 'zb-decoded-'));
    const opened = join(work, 'img.ome.zarr');
    cpSync(join(FIXTURES, 'generated/image_gzip.ome.zarr'), opened, { recursive: true });
    const bridge = await startBridge({ port: 0, open: [opened] });
    try {
      // Zarr v2 on disk, so /zarr/v3 decodes it (raw on loopback: the bytes are the voxels).
      const url = (k: string) => `${bridge.url}/zarr/v3/local/img.ome.zarr/0/c/0/0/0/${k}`;
      const get = async (k: string) => Buffer.from(await (await fetch(url(k))).arrayBuffer());
      const a = await get('0/0');
      const b = await get('0/1');
      expect(a.equals(b)).toBe(false);
      const health = async () =>
        ((await (await fetch(`${bridge.url}/health`)).json()) as { decodedChunkBytes: number }).decodedChunkBytes;
      expect(await health()).toBeGreaterThanOrEqual(a.length + b.length);
      expect((await get('0/0')).equals(a)).toBe(true);
      // Chunk 0/0 now holds chunk 0/1's stored bytes: after the 1 s window it must read as b.
      writeFileSync(join(opened, '0/0/0/0/0/0'), readFileSync(join(opened, '0/0/0/0/0/1')));
      await new Promise((r) => setTimeout(r, 1100));
      expect((await get('0/0')).equals(b)).toBe(true);
    } finally {
      await bridge.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
