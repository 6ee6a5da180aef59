/**
 * Transcoding: a sharded Zarr v3 image served as Zarr v2 (gzip) and as N5,
 * MB/s of decoded voxels over HTTP at 16 connections, next to the bare codec
 * loop — the same decode (zarrita, reading inner chunks from the shards on
 * disk) and encode (gzip, N5 block) with the same libraries, no HTTP — as
 * the limit.
 */
import { Catalog } from '../src/bridge/catalog/catalog.js';
import { gzipBytes } from '../src/bridge/encode/gzip.js';
import { encodeN5Block } from '../src/bridge/encode/n5-block.js';
import type { ArrayNode } from '../src/bridge/model/node.js';
import { mountLocalFolder } from '../src/bridge/sources/local/local-source.js';
import { shardedImage } from './dataset.js';
import { runPool } from './pool.js';
import { measure, median, spawnBridge } from './serving.js';

/** v2: decode + gzip; n5: decode + N5 block (gzip); raw: decode only. */
type Kind = 'v2' | 'n5' | 'raw';

const GRID = 16; // 4096 / 256 inner chunks per axis
const CHUNK_BYTES = 256 * 256 * 2;

export interface TranscodeRow {
  path: string;
  mbPerSec: number;
}

async function codecLoop(kind: Kind, seconds: number): Promise<number> {
  const catalog = new Catalog();
  const mount = await mountLocalFolder(catalog, shardedImage());
  const node = (await catalog.resolve(`${mount.path}/0`, {})) as ArrayNode;
  let bytes = 0;
  const end = performance.now() + seconds * 1000;
  let i = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const k = i++ % (GRID * GRID);
      // A fresh read of the shard each time, like the bridge on a cache miss.
      const chunk = await node.readChunk([0, Math.floor(k / GRID), k % GRID], {});
      if (kind === 'v2') await gzipBytes(chunk.bytes);
      else if (kind === 'raw') void chunk.bytes;
      else await encodeN5Block(chunk, [0, Math.floor(k / GRID), k % GRID], node.meta.shape, 'uint16');
      bytes += CHUNK_BYTES;
    }
  };
  const started = performance.now();
  await runPool(
    Array.from({ length: 16 }, () => worker),
    16,
  );
  await catalog.close();
  return bytes / 2 ** 20 / ((performance.now() - started) / 1000);
}

/** Over HTTP with the decoded-chunk cache off (every request decodes, as the loop does), or on (`warm`). */
async function overHttp(kind: Kind, seconds: number, warm = false): Promise<number> {
  const bridge = await spawnBridge([
    '--open',
    shardedImage(),
    '--compression',
    kind === 'raw' ? 'raw' : 'gzip',
    '--chunk-cache-mb',
    warm ? '64' : '0',
  ]);
  try {
    const paths: string[] = [];
    for (let y = 0; y < GRID; y++)
      for (let x = 0; x < GRID; x++) {
        paths.push(
          kind === 'v2' ? `/zarr/v2/local/sharded.ome.zarr/0/0/${y}/${x}` : `/n5/local/sharded.ome.zarr/s0/${x}/${y}/0`,
        );
      }
    return ((await measure(`transcode ${kind}`, bridge.url, paths, 16, seconds)).reqPerSec * CHUNK_BYTES) / 2 ** 20;
  } finally {
    await bridge.close();
  }
}

/** Each path over HTTP and in the bare loop, `rounds` times interleaved; medians, and the spread of per-round ratios. */
export async function transcodingBench(
  seconds = 4,
  rounds = 3,
): Promise<{ kind: string; http: number; loop: number; ratioRange: [number, number] }[]> {
  const names: Record<Kind, string> = {
    v2: 'sharded v3 → Zarr v2 gzip',
    n5: 'sharded v3 → N5 gzip',
    raw: 'sharded v3 → Zarr v2 raw (loopback default)',
  };
  const kinds = ['v2', 'n5', 'raw'] as const;
  const runs = new Map<Kind, { http: number; loop: number }[]>();
  for (let round = 0; round < rounds; round++) {
    for (const kind of kinds) {
      const run = { http: await overHttp(kind, seconds), loop: await codecLoop(kind, seconds) };
      runs.set(kind, [...(runs.get(kind) ?? []), run]);
    }
  }
  // The same raw path once every chunk is in the decoded-chunk cache (256 chunks of 128 KiB fit in 64 MiB).
  const warm = await overHttp('raw', seconds, true);
  const rows = kinds.map((kind) => {
    const r = runs.get(kind) ?? [];
    const ratios = r.map((x) => x.http / x.loop);
    return {
      kind: names[kind],
      http: median(r.map((x) => x.http)),
      loop: median(r.map((x) => x.loop)),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)] as [number, number],
    };
  });
  const rawLoop = rows[2].loop;
  return [
    ...rows,
    {
      kind: 'raw, decoded-chunk cache hits (not a codec path)',
      http: warm,
      loop: rawLoop,
      ratioRange: [warm / rawLoop, warm / rawLoop],
    },
  ];
}
