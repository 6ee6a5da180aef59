/**
 * Checks a shard index (Zarr v3 `sharding_indexed`) as it is read: every
 * inner chunk's (offset, length) must lie apart from every other's. An index
 * whose chunks overlap was not written by a sharding codec: serving it would
 * hand out the same bytes as different chunks, so the whole shard is refused.
 */
import { BridgeError } from '../../errors.js';

export interface ShardIndexLayout {
  /** Inner chunks per shard. */
  readonly entries: number;
  readonly littleEndian: boolean;
}

const EMPTY = 2n ** 64n - 1n;

/** The layout of an array's shard index, when its index codecs are ones this check can read. */
export function shardIndexLayout(metadata: Record<string, unknown>): ShardIndexLayout | undefined {
  const codecs = (metadata.codecs ?? []) as { name: string; configuration?: Record<string, unknown> }[];
  const sharding = codecs.find((c) => c.name === 'sharding_indexed')?.configuration;
  const grid = (metadata.chunk_grid as { configuration?: { chunk_shape?: number[] } } | undefined)?.configuration
    ?.chunk_shape;
  const inner = sharding?.chunk_shape as number[] | undefined;
  if (!sharding || !Array.isArray(grid) || !Array.isArray(inner) || grid.length !== inner.length) return undefined;
  const indexCodecs = (sharding.index_codecs ?? []) as { name: string; configuration?: { endian?: string } }[];
  const bytes = indexCodecs[0];
  if (bytes?.name !== 'bytes' || indexCodecs.slice(1).some((c) => c.name !== 'crc32c')) return undefined;
  return {
    entries: grid.reduce((n, g, i) => n * Math.ceil(g / inner[i]), 1),
    littleEndian: bytes.configuration?.endian !== 'big',
  };
}

/** Throws CorruptData naming `key` when two inner chunks of the index in `bytes` overlap. */
export function checkShardIndex(key: string, bytes: Uint8Array, layout: ShardIndexLayout): void {
  if (bytes.byteLength < layout.entries * 16) return; // a short index fails to decode on its own
  const view = new DataView(bytes.buffer, bytes.byteOffset, layout.entries * 16);
  const spans: [bigint, bigint, number][] = [];
  for (let i = 0; i < layout.entries; i++) {
    const offset = view.getBigUint64(i * 16, layout.littleEndian);
    const length = view.getBigUint64(i * 16 + 8, layout.littleEndian);
    if (offset === EMPTY && length === EMPTY) continue;
    spans.push([offset, offset + length, i]);
  }
  spans.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) {
      throw new BridgeError(
        'CorruptData',
        `${key}: its shard index gives inner chunks ${spans[i - 1][2]} and ${spans[i][2]} overlapping bytes`,
        { key },
      );
    }
  }
}
