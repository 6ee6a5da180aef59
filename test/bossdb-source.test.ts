/**
 * The BossDB source as catalog nodes: the tree, the OME multiscale metadata,
 * and every voxel of every level of several channels compared with the
 * fixture's formula (not with anything the source computed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArrayNode, CatalogNode, GroupNode } from '../src/bridge/model/node.js';
import { type BossdbSource, CUBOID, createBossdbSource } from '../src/bridge/sources/bossdb/index.js';
import { chunkMismatches } from './bossdb-fixture/check.js';
import { type BossdbFixture, FIXTURE_TOKEN, startBossdbFixture } from './bossdb-fixture/index.js';

let fx: BossdbFixture;
let src: BossdbSource;
let authed: BossdbSource;
beforeAll(async () => {
  fx = await startBossdbFixture();
  src = createBossdbSource({ url: fx.url, timeoutMs: 120_000 });
  authed = createBossdbSource({ url: fx.url, token: FIXTURE_TOKEN, timeoutMs: 120_000 });
});
afterAll(() => fx.close());

async function walk(root: GroupNode, path: string): Promise<CatalogNode | undefined> {
  let node: CatalogNode | undefined = root;
  for (const name of path.split('/').filter(Boolean)) {
    if (node?.kind !== 'group') return undefined;
    node = await node.child(name, {});
  }
  return node;
}

const image = async (s: BossdbSource, path: string): Promise<GroupNode> => {
  const node = await walk(s.root, path);
  if (node?.kind !== 'group') throw new Error(`${path} is not a group`);
  return node;
};

const level = async (s: BossdbSource, path: string, k: number): Promise<ArrayNode> => {
  const node = await (await image(s, path)).child(String(k), {});
  if (node?.kind !== 'array') throw new Error(`${path}/${k} is not an array`);
  return node;
};

/** Read every chunk of a level and compare each voxel with the formula. */
async function checkLevel(s: BossdbSource, path: string, k: number): Promise<void> {
  const arr = await level(s, path, k);
  const grid = arr.meta.shape.map((n, i) => Math.ceil(n / arr.meta.chunkShape[i]!));
  const all: number[][] = [[]];
  for (const n of grid)
    all.splice(0, all.length, ...all.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i])));
  const problems: string[] = [];
  for (const coords of all) {
    const chunk = await arr.readChunk(coords, {});
    expect(chunk.shape).toEqual(arr.meta.chunkShape);
    problems.push(...chunkMismatches(path, k, coords, chunk).map((p) => `chunk ${coords}: ${p}`));
    if (problems.length > 5) break;
  }
  expect(problems).toEqual([]);
}

describe('catalog tree', () => {
  it('lists collections → experiments → channels → levels', async () => {
    expect(src.root.path).toBe('bossdb');
    expect(await src.root.children({})).toEqual(['zb_public']);
    expect(await (await image(src, 'zb_public')).children({})).toContain('offset_iso');
    expect(await (await image(src, 'zb_public/aniso')).children({})).toEqual(['em', 'em16', 'raw_nd']);
    const em = await image(src, 'zb_public/aniso/em');
    expect(em.path).toBe('bossdb/zb_public/aniso/em');
    expect(await em.children({})).toEqual(['0', '1', '2']);
    expect(await (await image(src, 'zb_public/aniso/raw_nd')).children({})).toEqual(['0']);
  });

  it('answers undefined for what BossDB does not list, or names it could not hold', async () => {
    for (const p of [
      'nope',
      'zb_private',
      'zb_public/nope',
      'zb_public/aniso/nope',
      'zb_public/aniso/hidden',
      'zb_public/aniso/em/3',
      'zb_public/aniso/em/01',
      'zb_public/a.b',
      '../x',
    ]) {
      expect(await walk(src.root, p), p).toBeUndefined();
    }
  });

  it('shows private resources with a token', async () => {
    expect(await authed.root.children({})).toEqual(['zb_public', 'zb_private']);
    expect((await level(authed, 'zb_public/aniso/hidden', 0)).meta.dtype).toBe('uint8');
    expect((await level(authed, 'zb_private/secret/data', 1)).meta.shape).toEqual([18, 260, 265]);
  });

  it('describes each channel as one OME multiscale with units and scales from /downsample', async () => {
    const em = await image(src, 'zb_public/aniso/em');
    expect(em.ome).toEqual({
      sourceVersion: '0.4',
      multiscales: [
        {
          name: 'em',
          axes: [
            { name: 'z', type: 'space', unit: 'nanometer' },
            { name: 'y', type: 'space', unit: 'nanometer' },
            { name: 'x', type: 'space', unit: 'nanometer' },
          ],
          datasets: [
            { path: '0', coordinateTransformations: [{ type: 'scale', scale: [40, 4, 4] }] },
            { path: '1', coordinateTransformations: [{ type: 'scale', scale: [40, 8, 8] }] },
            { path: '2', coordinateTransformations: [{ type: 'scale', scale: [40, 16, 16] }] },
          ],
        },
      ],
    });
    const t = await image(src, 'zb_public/timelapse/ch0');
    const ms = t.ome!.multiscales![0]!;
    expect(ms.axes.map((a) => [a.name, a.unit])).toEqual([
      ['t', 'second'],
      ['z', 'micrometer'],
      ['y', 'micrometer'],
      ['x', 'micrometer'],
    ]);
    expect(ms.datasets[1]!.coordinateTransformations).toEqual([{ type: 'scale', scale: [5, 2, 2, 2] }]);
    const iso = await image(src, 'zb_public/offset_iso/img');
    expect(iso.ome!.multiscales![0]!.datasets[3]!.coordinateTransformations).toEqual([
      { type: 'scale', scale: [64, 64, 64] },
    ]);
    expect(em.attrs.bossdb).toMatchObject({
      collection: 'zb_public',
      datatype: 'uint8',
      downsample_status: 'DOWNSAMPLED',
    });
    expect(JSON.stringify(em.attrs)).not.toContain(FIXTURE_TOKEN);
  });

  it('gives levels BossDB extents from 0, the channel dtype, and served chunk shapes', async () => {
    const expectMeta = async (path: string, k: number, shape: number[], chunkShape: number[], dtype: string) => {
      const a = await level(src, path, k);
      expect([a.path, a.meta.shape, a.meta.chunkShape, a.meta.dtype]).toEqual([
        `bossdb/${path}/${k}`,
        shape,
        chunkShape,
        dtype,
      ]);
    };
    await expectMeta('zb_public/aniso/em', 0, [20, 600, 1100], [16, 256, 256], 'uint8');
    await expectMeta('zb_public/aniso/em16', 2, [20, 150, 275], [16, 150, 256], 'uint16');
    await expectMeta('zb_public/labels/seg', 1, [18, 260, 265], [16, 256, 256], 'uint64');
    await expectMeta('zb_public/offset_iso/img', 0, [45, 290, 613], [16, 256, 256], 'uint16');
    await expectMeta('zb_public/offset_iso/img', 3, [6, 37, 77], [6, 37, 77], 'uint16');
    await expectMeta('zb_public/timelapse/ch0', 0, [3, 9, 61, 77], [1, 9, 61, 77], 'uint8');
    await expectMeta('zb_public/big/em', 4, [300, 1625, 1375], [16, 256, 256], 'uint8');
    expect((await level(src, 'zb_public/timelapse/ch0', 0)).meta.dimensionNames).toEqual(['t', 'z', 'y', 'x']);
  });

  it('falls back to level 0 when BossDB refuses /downsample (x≠y voxel size)', async () => {
    const img = await image(src, 'zb_public/skewed/em');
    expect(await img.children({})).toEqual(['0']);
    expect((await level(src, 'zb_public/skewed/em', 0)).meta.shape).toEqual([4, 64, 64]);
  });

  it('refuses chunk coordinates outside the grid or of the wrong rank', async () => {
    const a = await level(src, 'zb_public/aniso/em', 0);
    await expect(a.readChunk([2, 0, 0], {})).rejects.toMatchObject({ tag: 'NotFound' });
    await expect(a.readChunk([0, 0], {})).rejects.toMatchObject({ tag: 'BadRequest' });
    await expect(a.readChunk([0, 0, -1], {})).rejects.toMatchObject({ tag: 'NotFound' });
  });
});

describe('every voxel of every level equals the formula', () => {
  it.each([
    ['zb_public/aniso/em', 3],
    ['zb_public/aniso/em16', 3],
    ['zb_public/aniso/raw_nd', 1],
    ['zb_public/labels/seg', 2],
    ['zb_public/offset_iso/img', 4],
    ['zb_public/timelapse/ch0', 2],
    ['zb_public/skewed/em', 1],
  ])('%s (%i levels)', async (path, levels) => {
    for (let k = 0; k < levels; k++) await checkLevel(src, path, k);
  });

  it('reads zeros below a non-zero frame start without asking BossDB', async () => {
    fx.resetCounters();
    const fresh = createBossdbSource({ url: fx.url });
    // Level 3 of offset_iso lies wholly below x_start = 100 (its extent is 77): no cutout at all.
    await checkLevel(fresh, 'zb_public/offset_iso/img', 3);
    // The first chunk of level 0 reaches x 0..255 / y 0..255 / z 0..15; BossDB is asked only from the start.
    const a = await level(fresh, 'zb_public/offset_iso/img', 0);
    await a.readChunk([0, 0, 0], {});
    const cutouts = fx.log.filter((l) => l.url.includes('/cutout/')).map((l) => l.url);
    expect(cutouts).toEqual(['/v1/cutout/zb_public/offset_iso/img/0/100:512/37:290/5:16/']);
  });

  it('serves a chunk that is one whole cuboid as the cached block itself, every voxel the formula', async () => {
    // As convert reads BossDB: chunks of one cuboid each.
    const cuboids = createBossdbSource({ url: fx.url, chunk: CUBOID });
    const path = 'zb_public/big/em';
    const arr = await level(cuboids, path, 0);
    expect(arr.meta.chunkShape).toEqual([CUBOID[2], CUBOID[1], CUBOID[0]]);
    const first = await arr.readChunk([0, 0, 0], {});
    expect(chunkMismatches(path, 0, [0, 0, 0], first)).toEqual([]);
    const again = await arr.readChunk([0, 0, 0], {});
    expect(again.bytes === first.bytes, "the block cache's bytes, not a copy of them").toBe(true);
    expect(chunkMismatches(path, 0, [0, 0, 0], again)).toEqual([]);
    const next = await arr.readChunk([1, 0, 1], {});
    expect(chunkMismatches(path, 0, [1, 0, 1], next)).toEqual([]);
    // With the served 256² chunks, each chunk is cut out of its block into a buffer of its own.
    const tiles = await level(src, path, 0);
    const [a, b] = [await tiles.readChunk([0, 0, 0], {}), await tiles.readChunk([0, 0, 0], {})];
    expect(a.bytes.buffer === b.bytes.buffer).toBe(false);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
  });

  it('reads the same voxels through npygz', async () => {
    const npy = createBossdbSource({ url: fx.url, encoding: 'npygz' });
    await checkLevel(npy, 'zb_public/timelapse/ch0', 0);
    await checkLevel(npy, 'zb_public/labels/seg', 1);
  });
});
