/**
 * What the source costs upstream: coalescing of concurrent reads, the
 * cutouts and voxel amplification of a viewer session over a cuboid-aligned
 * 1024×1024×16 region, the LRU byte bound, the concurrency bound, and the
 * round trips it waits on to open a channel.
 * Figures are measured at the fixture (what BossDB would see).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBridge } from '../src/bridge/bridge.js';
import { Catalog } from '../src/bridge/catalog/catalog.js';
import { keyCookie } from '../src/bridge/http/origin-policy.js';
import type { ArrayNode, IoOptions } from '../src/bridge/model/node.js';
import { type BossdbSource, type BossdbSourceOptions, createBossdbSource } from '../src/bridge/sources/bossdb/index.js';
import { chunkMismatches } from './bossdb-fixture/check.js';
import { type BossdbFixture, startBossdbFixture } from './bossdb-fixture/index.js';

let fx: BossdbFixture;
beforeAll(async () => {
  fx = await startBossdbFixture();
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.resetFaults();
});

async function open(
  path: string,
  k: number,
  options: Partial<BossdbSourceOptions> = {},
): Promise<{ src: BossdbSource; arr: ArrayNode }> {
  const src = createBossdbSource({ url: fx.url, timeoutMs: 120_000, ...options });
  let node = await src.root.child(path.split('/')[0]!, {});
  for (const name of [...path.split('/').slice(1), String(k)])
    node = node?.kind === 'group' ? await node.child(name, {}) : undefined;
  if (node?.kind !== 'array') throw new Error('no array');
  fx.resetCounters();
  return { src, arr: node };
}

/** Chunk coordinates covering [z0,z1)×[y0,y1)×[x0,x1), in a viewer-like order (centre first, then outwards). */
function chunksOf(arr: ArrayNode, [z0, z1]: number[], [y0, y1]: number[], [x0, x1]: number[]): number[][] {
  const [cz, cy, cx] = arr.meta.chunkShape as [number, number, number];
  const out: number[][] = [];
  for (let z = Math.floor(z0! / cz); z * cz < z1!; z++)
    for (let y = Math.floor(y0! / cy); y * cy < y1!; y++)
      for (let x = Math.floor(x0! / cx); x * cx < x1!; x++) out.push([z, y, x]);
  const mid = out[Math.floor(out.length / 2)]!;
  const dist = (c: number[]) => c.reduce((a, v, i) => a + Math.abs(v - mid[i]!), 0);
  return out.sort((a, b) => dist(a) - dist(b));
}

const REGION = { z: [16, 32], y: [1024, 2048], x: [512, 1536] }; // cuboid-aligned, 1024×1024×16
const REGION_VOXELS = 1024 * 1024 * 16;

/** Read a region the way a viewer does: ≤ 6 chunk requests at a time, each chunk once. */
async function session(arr: ArrayNode, region = REGION): Promise<void> {
  const queue = chunksOf(arr, region.z, region.y, region.x);
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const chunk = await arr.readChunk(c, {});
      expect(chunkMismatches('zb_public/big/em', 0, c, chunk, 1)).toEqual([]);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

describe('coalescing', () => {
  it('N concurrent reads of chunks of one block cost one upstream cutout', async () => {
    const { src, arr } = await open('zb_public/aniso/em', 0);
    fx.settings.latencyMs = 50;
    const coords = [
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 1, 1],
    ];
    const reads = Array.from({ length: 16 }, (_, i) => arr.readChunk(coords[i % 4]!, {}));
    const chunks = await Promise.all(reads);
    for (const [i, c] of chunks.entries()) {
      expect(chunkMismatches('zb_public/aniso/em', 0, coords[i % 4]!, c, 1)).toEqual([]);
    }
    expect(fx.counters.cutoutRequests).toBe(1);
    expect(src.stats()).toMatchObject({ upstreamCutouts: 1, coalesced: 15 });
  });
});

describe('a viewer session over a cuboid-aligned 1024×1024×16 region', () => {
  const figures: string[] = [];
  afterAll(() => console.info(`[bossdb] region cost:\n  ${figures.join('\n  ')}`));

  it.each([
    ['1×1×1 cuboid blocks (default)', [1, 1, 1], 8, 1.3],
    ['2×2×1 cuboid blocks', [2, 2, 1], 8, 4.01],
  ] as const)('%s', async (name, blockCuboids, maxCutouts, maxAmplification) => {
    const { src, arr } = await open('zb_public/big/em', 0, { blockCuboids: [...blockCuboids] });
    await session(arr);
    const cutouts = fx.counters.cutoutRequests;
    const amplification = fx.counters.voxelsServed / REGION_VOXELS;
    figures.push(
      `${name}: ${cutouts} cutouts, amplification ${amplification.toFixed(2)}, ${src.stats().cacheHits} cache hits`,
    );
    expect(cutouts).toBeLessThanOrEqual(maxCutouts);
    expect(amplification).toBeLessThanOrEqual(maxAmplification);
    // Looking again (pan back) costs nothing upstream.
    await session(arr);
    expect(fx.counters.cutoutRequests).toBe(cutouts);
  });

  it('measures a region that straddles a cuboid layer in z', async () => {
    const { arr } = await open('zb_public/big/em', 0);
    await session(arr, { ...REGION, z: [8, 24] });
    const amplification = fx.counters.voxelsServed / REGION_VOXELS;
    figures.push(
      `z-straddling 1024×1024×16 (z 8..24): ${fx.counters.cutoutRequests} cutouts, amplification ${amplification.toFixed(2)}`,
    );
    expect(fx.counters.cutoutRequests).toBe(8);
  });
});

describe('bounds', () => {
  it('keeps the LRU within its byte bound', async () => {
    const cacheBytes = 10 * 1024 * 1024; // two 4 MiB uint8 blocks
    const { src, arr } = await open('zb_public/big/em', 0, { cacheBytes });
    for (const c of chunksOf(arr, [0, 16], [0, 1024], [0, 1536])) {
      await arr.readChunk(c, {});
      expect(src.stats().cacheBytes).toBeLessThanOrEqual(cacheBytes);
    }
    expect(src.stats()).toMatchObject({ cacheEntries: 2, cacheCapacity: cacheBytes });
  });

  it('serves, without caching, a block larger than the whole cache', async () => {
    const { src, arr } = await open('zb_public/aniso/em16', 0, { cacheBytes: 1024 * 1024 });
    const chunk = await arr.readChunk([0, 0, 0], {});
    expect(chunkMismatches('zb_public/aniso/em16', 0, [0, 0, 0], chunk)).toEqual([]);
    expect(src.stats()).toMatchObject({ cacheEntries: 0, cacheBytes: 0 });
  });

  it('never has more than `concurrency` cutouts in flight', async () => {
    const { src, arr } = await open('zb_public/big/em', 0, { concurrency: 2 });
    fx.settings.latencyMs = 30;
    await Promise.all(chunksOf(arr, [0, 16], [0, 1024], [0, 2048]).map((c) => arr.readChunk(c, {})));
    expect(fx.counters.cutoutRequests).toBe(8);
    // The source starts two at once (its own count); whether the fixture sees both overlap depends on timing.
    expect(fx.counters.peakInFlight).toBeLessThanOrEqual(2);
    expect(src.stats().peakInFlight).toBe(2);
  });
});

describe('round trips to open a channel', () => {
  const catalogOf = (src: BossdbSource) => {
    const catalog = new Catalog();
    catalog.setBossdb(src.root, fx.url);
    return catalog;
  };

  /**
   * Opens `path` while the fixture's next request sends its headers and then nothing, and waits until the
   * fixture has seen every one of `asked` (paths without query): a serial walk would wait on the stalled
   * request before asking for anything else.
   */
  async function askedWhileStalled(catalog: Catalog, path: string, asked: string[]): Promise<void> {
    fx.log.length = 0;
    fx.settings.scope = 'all';
    fx.settings.stallNext = 1;
    const ctl = new AbortController();
    const opening = catalog.resolve(path, { signal: ctl.signal }).catch(() => undefined);
    try {
      await expect.poll(() => fx.log.map((l) => l.url.replace(/\?.*/, ''))).toEqual(expect.arrayContaining(asked));
    } finally {
      ctl.abort();
      await opening;
    }
  }

  it("asks for a channel's metadata while the channel list is still outstanding; listing stays lazy", async () => {
    const catalog = catalogOf(createBossdbSource({ url: fx.url, timeoutMs: 120_000 }));
    fx.log.length = 0;
    const collection = await catalog.resolve('bossdb/zb_public', {});
    if (collection?.kind !== 'group') throw new Error('no collection');
    // Browsing: the collection's experiments are each described (as the catalog listing does), and none of
    // their channels is listed.
    for (const name of await collection.children({})) await collection.child(name, {});
    expect(fx.log.filter((l) => l.url.includes('/channel/'))).toEqual([]);
    // The stalled request is the channel list of `huge`.
    await askedWhileStalled(catalog, 'bossdb/zb_public/huge/em', [
      '/v1/collection/zb_public/experiment/huge/channel/',
      '/v1/collection/zb_public/experiment/huge/channel/em/',
      '/v1/collection/zb_public/experiment/huge/',
      '/v1/downsample/zb_public/huge/em/',
    ]);
    expect(fx.counters.faultsInjected).toBe(1);
  });

  it("asks for a channel's downsample levels with the channel and its experiment", async () => {
    const catalog = catalogOf(createBossdbSource({ url: fx.url, timeoutMs: 120_000 }));
    const experiment = await catalog.resolve('bossdb/zb_public/huge', {});
    if (experiment?.kind !== 'group') throw new Error('no experiment');
    await experiment.children({});
    // The stalled request is the first of the channel's metadata: what is asked for meanwhile does not depend on it.
    await askedWhileStalled(catalog, 'bossdb/zb_public/huge/em', [
      '/v1/collection/zb_public/experiment/huge/channel/em/',
      '/v1/collection/zb_public/experiment/huge/',
      '/v1/downsample/zb_public/huge/em/',
    ]);
  });

  it('opens the channel it was walking to, and a name that is not listed as missing', async () => {
    const catalog = catalogOf(createBossdbSource({ url: fx.url, timeoutMs: 120_000 }));
    const node = await catalog.resolve('bossdb/zb_public/huge/em', {});
    expect(node?.kind === 'group' && node.ome?.multiscales?.[0]?.datasets.length).toBeGreaterThan(1);
    expect(await catalog.resolve('bossdb/zb_public/huge/nope', {})).toBeUndefined();
    expect(await catalog.resolve('bossdb/zb_public/nope/em', {})).toBeUndefined();
  });
});

describe('the viewer page starts opening its source', () => {
  /** A catalog that notes every path resolved (the page handler calls resolve before it answers). */
  class NotingCatalog extends Catalog {
    readonly resolved: string[] = [];
    override resolve(path: string, opts: IoOptions) {
      this.resolved.push(path);
      return super.resolve(path, opts);
    }
  }

  it('resolves `?source=` while the page loads: the catalog request then costs BossDB nothing', async () => {
    const bridge = await startBridge({ port: 0, bossdb: { url: fx.url, timeoutMs: 120_000 } });
    try {
      fx.log.length = 0;
      await (await fetch(`${bridge.url}/?source=bossdb%2Fzb_public%2Fhuge%2Fem&test=1`)).arrayBuffer();
      // The page's own first request would be the node's catalog entry: its metadata is already asked for.
      await expect
        .poll(() => fx.log.map((l) => l.url.replace(/\?.*/, '')))
        .toEqual(
          expect.arrayContaining(['/v1/collection/zb_public/experiment/huge/channel/em/', '/v1/coord/frame_huge/']),
        );
      await expect.poll(() => bridge.bossdb?.stats().inFlight ?? 0).toBe(0);
      const before = fx.log.length;
      const res = await fetch(`${bridge.url}/catalog/bossdb/zb_public/huge/em`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { levels: unknown[] }).levels.length).toBeGreaterThan(1);
      expect(fx.log.slice(before)).toEqual([]);
    } finally {
      await bridge.close();
    }
  });

  it('only for a client that may read data: with an API key, not for one without it', async () => {
    const catalog = new NotingCatalog();
    const bridge = await startBridge({ port: 0, apiKey: 'sesame' }, catalog);
    try {
      await fetch(`${bridge.url}/?source=local%2Fa`);
      expect(catalog.resolved).toEqual([]);
      await fetch(`${bridge.url}/?source=local%2Fb&api_key=sesame`, { redirect: 'manual' });
      await fetch(`${bridge.url}/?source=local%2Fc`, { headers: { Cookie: keyCookie(bridge.port, 'sesame') } });
      // Not a catalog path: a URL is mounted by the page itself (POST /control/remote), never by a GET.
      await fetch(`${bridge.url}/?source=${encodeURIComponent('https://example.org/a.zarr')}&api_key=sesame`, {
        redirect: 'manual',
      });
      expect(catalog.resolved).toEqual(['local/b', 'local/c']);
    } finally {
      await bridge.close();
    }
  });
});
