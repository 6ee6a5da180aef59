/**
 * Bulk reads (a conversion's, an export's) wait behind a viewer's where a source queues its reads: BossDB's
 * cutouts in flight. Judged by the order in which loads start and in which BossDB is asked, never by timing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ArrayNode, CatalogNode, Chunk, IoOptions } from '../src/bridge/model/node.js';
import { withCoalescing } from '../src/bridge/sources/bossdb/coalesce.js';
import { type BossdbSource, createBossdbSource } from '../src/bridge/sources/bossdb/index.js';
import { withConcurrencyLimit } from '../src/bridge/sources/bossdb/limit.js';
import { BoxReader } from '../src/bridge/writer/box-reader.js';
import { chunkMismatches } from './bossdb-fixture/check.js';
import { type BossdbFixture, FIXTURE_TOKEN, startBossdbFixture } from './bossdb-fixture/index.js';

/** Lets every promise callback and I/O callback that is ready run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the concurrency limit', () => {
  it('starts waiting loads a viewer asked for before bulk ones, and a bulk load a viewer joins with them', async () => {
    const started: string[] = [];
    const finish = new Map<string, () => void>();
    const load = withCoalescing(
      withConcurrencyLimit(async (key: { id: string }, _opts: IoOptions) => {
        started.push(key.id);
        await new Promise<void>((resolve) => finish.set(key.id, resolve));
        return key.id;
      }, 1),
    );
    const bulk = { bulk: true };
    const reads = [
      load({ id: 'a' }, bulk),
      load({ id: 'b' }, bulk),
      load({ id: 'c' }, bulk),
      load({ id: 'x' }, {}),
      // A viewer asks for what an export has queued: that load is no longer bulk.
      load({ id: 'c' }, {}),
    ];
    await settle();
    expect(started).toEqual(['a']);
    for (const id of ['a', 'c', 'x']) {
      finish.get(id)!();
      await settle();
    }
    expect(started).toEqual(['a', 'c', 'x', 'b']);
    finish.get('b')!();
    expect(await Promise.all(reads)).toEqual(['a', 'b', 'c', 'x', 'c']);
  });
});

describe('a conversion reading a level', () => {
  it('asks for every chunk as a bulk read, ahead or not', async () => {
    const seen: (boolean | undefined)[] = [];
    const node = {
      kind: 'array',
      path: 'fake/0',
      attrs: {},
      meta: { shape: [64, 64], chunkShape: [16, 16], dtype: 'uint8', fillValue: 0, dimensionNames: ['y', 'x'] },
      readChunk: async (_coords: readonly number[], opts: IoOptions): Promise<Chunk> => {
        seen.push(opts.bulk);
        return { shape: [16, 16], bytes: new Uint8Array(256) };
      },
    } as unknown as ArrayNode;
    const reader = new BoxReader(node, 0, 1 << 20);
    reader.prefetch({ start: [32, 0], shape: [32, 64] }, {});
    await reader.read({ start: [0, 0], shape: [64, 64] }, {});
    reader.close();
    expect(seen.length).toBe(16);
    expect(new Set(seen)).toEqual(new Set([true]));
  });
});

describe('BossDB while an export reads', () => {
  let fixture: BossdbFixture;
  let source: BossdbSource;
  beforeAll(async () => {
    fixture = await startBossdbFixture();
    // One cutout at a time makes the order of the rest the limit's choice alone.
    source = createBossdbSource({ url: fixture.url, token: FIXTURE_TOKEN, concurrency: 1, timeoutMs: 120_000 });
  });
  afterAll(() => fixture?.close());

  it("asks BossDB for a viewer's chunk before the export's cutouts still waiting, and both read right", async () => {
    const channel = 'zb_public/big/em';
    let node: CatalogNode | undefined = source.root;
    for (const name of ['zb_public', 'big', 'em', '0'])
      node = node?.kind === 'group' ? await node.child(name, {}) : undefined;
    if (node?.kind !== 'array') throw new Error(`${channel}/0 is not an array`);
    const level = node;
    const rank = level.meta.shape.length;
    const x = rank - 1;
    const chunk = level.meta.chunkShape;
    // The export: one row of chunks along x across 4 cuboids (512 wide); held at BossDB until the viewer asks.
    let open = () => {};
    fixture.settings.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const start = Array<number>(rank).fill(0);
    const shape = [...chunk];
    shape[x] = 4 * 512;
    const exported = new BoxReader(level, 0).read({ start, shape }, {});
    await vi.waitFor(() => expect(source.stats().waiting).toBe(3), { timeout: 60_000 });
    // The viewer: a chunk of the sixth cuboid along x.
    const coords = Array<number>(rank).fill(0);
    coords[x] = (5 * 512) / chunk[x]!;
    const viewed = level.readChunk(coords, {});
    await vi.waitFor(() => expect(source.stats().waiting).toBe(4), { timeout: 60_000 });
    open();
    const [box, seen] = await Promise.all([exported, viewed]);
    fixture.settings.gate = undefined;

    const cutoutX = fixture.log
      .filter((r) => r.url.includes('/cutout/'))
      .map((r) => r.url.split('/').filter(Boolean)[6]);
    expect(cutoutX).toEqual(['0:512', '2560:3072', '512:1024', '1024:1536', '1536:2048']);
    expect(chunkMismatches(channel, 0, coords, seen)).toEqual([]);
    expect(box.byteLength).toBe(shape.reduce((a, b) => a * b, 1));
  });
});
